"""Transfer requests between streets (DOMAIN 4, 人随户走、户随人走): filed by the receiving
street, answered by the sending street, decided by the district when it must."""
