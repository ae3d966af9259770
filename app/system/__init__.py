"""Health, readiness and metrics: what operators and load balancers ask."""
