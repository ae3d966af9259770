"""Confidentiality (Beijing 7): street-agency agreements, acknowledgements, auditor grants."""
