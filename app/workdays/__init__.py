"""The working-day calendar of the PRC (DOMAIN 6): deadlines count in working days."""
