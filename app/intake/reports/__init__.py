"""Discovery reports (主动发现, 线索) and their triage (DOMAIN 6)."""
