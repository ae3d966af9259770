"""The priority list (DOMAIN 5, "Scoring"): a region's eligible households, best score first."""
