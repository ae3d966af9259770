"""Intake (DOMAIN 6): one-window applications, discovery reports, home visits, working-day
deadlines and each user's inbox of what concerns them."""
