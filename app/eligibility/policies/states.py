"""The life of a policy version, pure: draft -> published -> retired.

A draft is edited freely; publishing freezes it (an assessment only ever uses a published
version, so a version an assessment used never changes again); retiring keeps it as history.
"""

from enum import StrEnum

from app.core.transitions import StateMachine


class PolicyVersionStatus(StrEnum):
    """Where a policy version stands (code table `policy_version_status`)."""

    draft = "draft"
    published = "published"
    retired = "retired"


class Step(StrEnum):
    """The explicit actions on a policy version (`POST /policies/{id}/<step>`)."""

    publish = "publish"
    retire = "retire"


MACHINE: StateMachine[PolicyVersionStatus, Step] = StateMachine(
    Step,
    {
        (PolicyVersionStatus.draft, Step.publish): PolicyVersionStatus.published,
        (PolicyVersionStatus.published, Step.retire): PolicyVersionStatus.retired,
    },
)
