"""What the ledger's routes declare, in one place: ids in paths, the actor of each action,
the problems of a personal read. Routes of other domains under a household use it too."""

import uuid
from typing import Annotated

from fastapi import Depends, Path

from app.confidentiality.public import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, ValidationFailed
from app.core.masking import PersonalField
from app.core.permissions import Action
from app.core.routing import API_V1

HOUSEHOLDS = f"{API_V1}/households"
HOUSEHOLD = "/{household_id:uuid}"
"""A household's path below `HOUSEHOLDS`: only a UUID matches, so `/households/completeness`
never reaches a household route, whatever the order the routes were added in."""

HouseholdId = Annotated[uuid.UUID, Path(description="Household id.")]
PersonId = Annotated[uuid.UUID, Path(description="Person id.")]

LedgerReader = Annotated[Actor, Depends(actor_for(Action.households_read))]
LedgerWriter = Annotated[Actor, Depends(actor_for(Action.households_write))]
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
