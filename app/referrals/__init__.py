"""Referrals to departments and partners (DOMAIN 7; Yubei 3(3), 3(5); Beijing 4(1))."""
