"""Explicit actions on workflow objects (API: an impossible transition is 409 listing the
allowed ones), shared by every domain with a state machine: transfer requests, exits,
applications, discovery reports, home visits, and the referrals and cases to come."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError
from app.core.i18n import Message, register_messages


class AllowedActions(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"allowed": ["reenter"]}]})

    allowed: list[str] = Field(description="The actions the object's state allows now.")


class InvalidTransition(AppError):
    """409: the object's state does not allow this action; `allowed` lists what does."""

    status = 409
    code = "invalid_transition"
    members_model = AllowedActions

    def __init__(self, state: str, allowed: list[str]) -> None:
        super().__init__(params={"state": state}, members=AllowedActions(allowed=allowed))


S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


@dataclass(frozen=True)
class StateMachine(Generic[S, A]):
    """A state machine as data, pure: `(state, action) -> next state`.

    `allowed(state)` lists the actions a state allows in the order the action enum
    declares them (empty for a final state); `next(state, action)` is the state after
    the action, or 409 `invalid_transition` with that list."""

    actions: type[A]
    moves: Mapping[tuple[S, A], S]

    def allowed(self, state: S) -> list[str]:
        return [action.value for action in self.actions if (state, action) in self.moves]

    def next(self, state: S, action: A) -> S:
        found = self.moves.get((state, action))
        if found is None:
            raise InvalidTransition(state.value, self.allowed(state))
        return found

    def is_final(self, state: S) -> bool:
        return not self.allowed(state)


register_messages(
    {
        "invalid_transition": Message(
            "当前状态不允许此操作",
            "Action not allowed in this state",
            "对象当前状态为 {state}，不允许此操作；允许的操作见 allowed。",
            "The object is {state}; this action is not allowed. See `allowed`.",
        ),
    }
)
