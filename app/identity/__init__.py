"""Users, partner API clients, sign-in and tokens (DOMAIN 1)."""
