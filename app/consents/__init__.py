"""Households' consent to share personal data with organisations that are not government
departments (PIPL art. 23; DOMAIN 7): recorded, read, withdrawn, and asked by referrals."""
