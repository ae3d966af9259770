"""What the ledger's routes declare, in one place: ids in paths, the actor of each action,
the problems of a personal read. Routes of other domains under a household use it too."""

import uuid
from typing import Annotated, Any

import structlog
from fastapi import Depends, Path, Response

from app.confidentiality.public import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.db import WriteSession
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import etag_for_version
from app.core.masking import PersonalField
from app.core.openapi import ResponseHeaders, sends
from app.core.permissions import Action
from app.core.routing import API_V1
from app.households.changes import written_version

HOUSEHOLDS = f"{API_V1}/households"
HOUSEHOLD = "/{household_id:uuid}"
"""A household's path below `HOUSEHOLDS`: only a UUID matches, so `/households/completeness`
never reaches a household route, whatever the order the routes were added in."""

HouseholdId = Annotated[uuid.UUID, Path(description="Household id.")]
PersonId = Annotated[uuid.UUID, Path(description="Person id.")]

LedgerReader = Annotated[Actor, Depends(actor_for(Action.households_read))]
LedgerWriter = Annotated[Actor, Depends(actor_for(Action.households_write))]
HouseholdReader = Annotated[Actor, Depends(actor_for(Action.referred_household_read))]
"""A reader of one household as a whole: also a department officer, for the households
referred to its organisation (DOMAIN 7; the reach decides which)."""
IdNumberReader = Annotated[
    Actor, Depends(actor_for(Action.households_read, takes=PersonalField.id_number))
]
"""A reader who looks a person up by ID number: only roles that see ID numbers whole."""
IdNumberWriter = Annotated[
    Actor, Depends(actor_for(Action.households_write, takes=PersonalField.id_number))
]
"""A writer who enters a person by ID number: only roles that see ID numbers whole."""

PERSONAL_READ = (NotFound, ValidationFailed, ConfidentialityAgreementRequired)
"""What a read of a household's personal data can answer besides 401 and 403."""

HOUSEHOLD_ETAG = "X-Household-ETag"
HOUSEHOLD_VERSION = "X-Household-Version"
WRITE_HEADERS: ResponseHeaders = {
    HOUSEHOLD_ETAG: {
        "description": 'The household\'s ETag after this write (`W/"<version>"`): send it as '
        "`If-Match` of the next write of the household, without reading it again.",
        "schema": {"type": "string", "example": 'W/"7"'},
    },
    HOUSEHOLD_VERSION: {
        "description": "The household's version after this write.",
        "schema": {"type": "integer", "example": 7},
    },
}
"""Response headers of every write that changes a household (README "Write flow")."""


def household_written(
    status: int, *also: ResponseHeaders, description: str | None = None
) -> dict[int | str, dict[str, Any]]:
    """`responses=` entry declaring the household's new ETag and version on a write, and
    the headers it sends `also` (`ETAG`, `LOCATION`)."""
    return sends(status, WRITE_HEADERS, *also, description=description)


def answer_household_version(
    response: Response, session: WriteSession, household_id: uuid.UUID, version: int | None = None
) -> None:
    """Put the household's new ETag and version on a write's response. `version` when the
    route holds the household; otherwise the version its recorded change left."""
    found = version if version is not None else written_version(session, household_id)
    if found is None:
        # A route that answers these headers records its change through `changes.record`;
        # a write that did not is a bug to see in the log, not a 500 after the commit.
        structlog.get_logger(__name__).warning(
            "household_version_unknown", household=str(household_id)
        )
        return
    response.headers[HOUSEHOLD_ETAG] = etag_for_version(found)
    response.headers[HOUSEHOLD_VERSION] = str(found)
