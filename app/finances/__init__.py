"""Incomes, rigid expenditures and assets of a household (DOMAIN 4, 5)."""
