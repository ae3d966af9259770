"""Policy versions (DOMAIN 5): the effective-dated, region-specific figures the rules read."""
