"""Stored, immutable eligibility assessments (DOMAIN 5)."""
