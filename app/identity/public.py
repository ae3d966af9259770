"""What other domains may use of identity: users as read models, creating users and
clients (demo data, the first admin), and whether a principal and its sign-in are still
active."""

from app.identity.clients import ensure_with_secret as ensure_client_with_secret
from app.identity.directory import ActorKey, actor_refs
from app.identity.schemas import UserCreate
from app.identity.tokens import principal_status, session_live
from app.identity.users import UserView, acknowledge_confidentiality
from app.identity.users import active_view as active_user
from app.identity.users import create as create_user
from app.identity.users import view as user_view
from app.identity.users import view_by_username as find_user

__all__ = [
    "ActorKey",
    "UserCreate",
    "UserView",
    "acknowledge_confidentiality",
    "active_user",
    "actor_refs",
    "create_user",
    "ensure_client_with_secret",
    "find_user",
    "principal_status",
    "session_live",
    "user_view",
]
