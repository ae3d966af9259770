"""The region tree (DOMAIN 2): district > street > community > grid."""
