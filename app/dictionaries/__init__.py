"""Code tables with zh-CN and en labels (DOMAIN 14), built in and extended by administrators."""
