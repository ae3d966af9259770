"""`sanzhu seed-demo`: each domain's demo data (one module per domain), in the domain list's order.

Idempotent: running it again changes nothing. Each seed goes through its
domain's public surface, so demo records obey the rules they illustrate.
"""

from collections.abc import Sequence

from app.core.composition import Domain
from app.core.services import Services


async def load(services: Services, password: str, domains: Sequence[Domain]) -> list[str]:
    """Run every domain's seed; what each added, in order."""
    return [await domain.seed(services, password) for domain in domains if domain.seed is not None]
