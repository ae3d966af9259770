"""Bulk import of community screening files (摸排) into the ledger."""
