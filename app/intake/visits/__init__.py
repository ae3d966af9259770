"""Home visits (入户访谈), needs assessments and the plans drawn from them (DOMAIN 6)."""
