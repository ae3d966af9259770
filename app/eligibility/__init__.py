"""Eligibility for the new target types: policy versions, assessments, priority scores and
simulations (DOMAIN 5; Yubei 3(2))."""
