"""Applications at the one window (一门受理, DOMAIN 6)."""
