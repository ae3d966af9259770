"""Each user's inbox: what concerns them (new assignments, deadlines, applications)."""
