"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.demo.identity import seed
from app.identity.cli import cli
from app.identity.models import ApiClient, LoginThrottle, RefreshToken, User
from app.identity.router_auth import router as auth
from app.identity.router_clients import router as api_clients
from app.identity.router_staff import router as staff
from app.identity.router_users import router as users

domain = Domain(
    name="identity",
    routers=[auth, users, api_clients, staff],
    cli=cli,
    models=[User, ApiClient, RefreshToken, LoginThrottle],
    seed=seed,
)
