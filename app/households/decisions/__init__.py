"""Target-type decisions (DOMAIN 3-4; Yubei 3(1), 3(2)): who decided which type, when, under
which reference, and until when; the household's target types are those in force."""
