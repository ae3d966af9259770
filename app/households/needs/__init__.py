"""Needs as dated instances (帮扶需求, DOMAIN 4, 6)."""
