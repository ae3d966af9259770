"""The audit trail's query API (DOMAIN 12); events are recorded by `app.core.audit`."""
