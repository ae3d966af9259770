"""Simulations of a policy version over a region's ledger (DOMAIN 5, issue 15 item 4)."""
