"""Departments, partners and agencies the ledger works with (DOMAIN 7)."""
