"""The routing table: which organisation kinds a need goes to, and who receives it where."""
