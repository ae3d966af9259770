"""Deadlines in working days (DOMAIN 6; Yubei 3(5); Beijing 2) and their worklist."""
