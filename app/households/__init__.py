"""The household ledger (台账, DOMAIN 3-4): records, members, stewardship."""
