"""What other domains may use of consents: the check before personal data goes to an
organisation that is not a government department (PIPL art. 23, 个人信息保护法第二十三条;
DOMAIN 7). The referrals domain calls it; this domain knows nothing of referrals.

**Before sending.** `requires_consent(kind)` says whether an organisation of that kind needs
the household's consent (every kind but government departments: `organizations.kinds`, the
one place that classifies them). For one that does, `sharing_allowed(session, household_id,
organization_id, on=day)` gives the consent in force on `day` that decides
(`ConsentInForce`, with its `scope`) or None; `sharing_allowed_many` answers for many
(household, organisation) pairs in one statement (a list of referrals);
`consented_in_full(organization, day)` the households whose whole record may go to it that
day (the reach of its officers). A consent given on D is in force on D; one withdrawn on W
is not in force on W; one valid until U is in force on U, not the day after (`rules`). The
events `consent.recorded` and `consent.withdrawn` (payload `consent_id`, `household_id`,
`organization_id`, `region_code`) say when the answer may have changed; an end day passing
raises no event (ask again on the day).

**Recording** as the API does (the demo data): `record_consent`, `withdraw_consent`,
`any_consents`.

**With a consent in force**, the kinds of data in its `scope` (dictionary `consent_scope`) go
as the minimum the receiver needs, masked per the masking policy:
`identity_contact` names, ID number, phone and address; `household_composition` the members
with exact ages and relations; `health_disability` health, disability type and grade;
`income_assets` incomes, expenditures and assets; `needs_circumstances` hardship causes,
needs and the circumstances told in free text. Kinds outside the scope go de-identified.

**Without one (or outside its scope), de-identified** means what cannot single out the
household or a person, and no sensitive personal information (PIPL art. 28):
- never: names, ID numbers (not even masked), phone numbers, addresses, birth dates, the
  ledger number, household or person ids (the receiver knows the case by its referral's id),
  documents, and free text of any kind (notes, purposes, descriptions), which may name
  anyone;
- never: health status, disability type or grade, vulnerability categories (several name a
  disability or an illness), incomes, expenditures, assets;
- given: the street (9-digit region code, not the community or grid), the household's size,
  each member's relation to the head, sex and age band (`age_band`: 0-5, 6-17, 18-59, 60-79,
  80+), and the codes of the household's target types, hardship causes and needs (the need
  the referral answers among them: a kind of hardship, never a diagnosis).
"""

from app.consents.rules import in_force
from app.consents.schemas import ConsentIn, WithdrawalIn
from app.consents.service import any_recorded as any_consents
from app.consents.service import record as record_consent
from app.consents.service import withdraw as withdraw_consent
from app.consents.sharing import (
    AGE_BANDS,
    FULL_SCOPE,
    ConsentInForce,
    Pair,
    age_band,
    consented_in_full,
    sharing_allowed,
    sharing_allowed_many,
)
from app.organizations.public import is_government, requires_consent

__all__ = [
    "AGE_BANDS",
    "FULL_SCOPE",
    "ConsentIn",
    "ConsentInForce",
    "Pair",
    "WithdrawalIn",
    "age_band",
    "any_consents",
    "consented_in_full",
    "in_force",
    "is_government",
    "record_consent",
    "requires_consent",
    "sharing_allowed",
    "sharing_allowed_many",
    "withdraw_consent",
]
