"""When a consent is in force and which one decides (PIPL art. 23; `consents.rules`), which
organisation kinds need consent (`organizations.kinds`) and the age bands of de-identified
data, pure."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.consents.public import AGE_BANDS, age_band, in_force, is_government, requires_consent
from app.consents.rules import deciding
from app.dictionaries.public import CodeOf

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@dataclass(frozen=True)
class Consent:
    id: uuid.UUID
    given_on: date
    withdrawn_on: date | None
    valid_until: date | None = None


def _after(given_on: date, gap: int | None) -> date | None:
    return None if gap is None else given_on + timedelta(days=gap)


GAPS = st.none() | st.integers(min_value=0, max_value=400)


@st.composite
def consents(draw: st.DrawFn) -> Consent:
    given_on = draw(DAYS)
    return Consent(
        uuid.UUID(int=draw(st.integers(0, 2**64))),
        given_on,
        _after(given_on, draw(GAPS)),
        _after(given_on, draw(GAPS)),
    )


class TestInForce:
    def test_given_on_d_in_force_on_d_withdrawn_on_w_not_on_w(self) -> None:
        d, w = date(2026, 12, 1), date(2026, 12, 5)
        consent = Consent(uuid.UUID(int=1), d, w)
        assert [
            in_force(consent, day) for day in (d - timedelta(days=1), d, w - timedelta(days=1), w)
        ] == [
            False,
            True,
            True,
            False,
        ]
        assert in_force(Consent(uuid.UUID(int=1), d, None), date(2099, 1, 1))
        assert not in_force(Consent(uuid.UUID(int=1), d, d), d)

    def test_valid_until_u_in_force_on_u_not_the_day_after(self) -> None:
        d, u = date(2026, 1, 1), date(2026, 12, 31)
        consent = Consent(uuid.UUID(int=1), d, None, u)
        days = (d - timedelta(days=1), d, u, u + timedelta(days=1))
        assert [in_force(consent, day) for day in days] == [False, True, True, False]
        one_day = Consent(uuid.UUID(int=1), d, None, d)
        assert [in_force(one_day, day) for day in (d, d + timedelta(days=1))] == [True, False]
        # Withdrawn before its end day: the withdrawal ends it first.
        withdrawn = Consent(uuid.UUID(int=1), d, date(2026, 6, 1), u)
        assert [in_force(withdrawn, day) for day in (date(2026, 5, 31), date(2026, 6, 1))] == [
            True,
            False,
        ]

    @given(consents(), DAYS)
    def test_in_force_exactly_from_given_to_withdrawn_and_up_to_its_end_day(
        self, consent: Consent, day: date
    ) -> None:
        expected = (
            consent.given_on <= day
            and (consent.withdrawn_on is None or day < consent.withdrawn_on)
            and (consent.valid_until is None or day <= consent.valid_until)
        )
        assert in_force(consent, day) is expected

    @given(consents(), DAYS, st.integers(min_value=1, max_value=400))
    def test_once_ended_never_again_in_force(self, consent: Consent, day: date, later: int) -> None:
        if day >= consent.given_on and not in_force(consent, day):
            assert not in_force(consent, day + timedelta(days=later))

    @given(consents(), DAYS)
    def test_an_end_day_only_ever_shortens_a_consent(self, consent: Consent, day: date) -> None:
        unbounded = Consent(consent.id, consent.given_on, consent.withdrawn_on)
        if in_force(consent, day):
            assert in_force(unbounded, day)


class TestDeciding:
    @given(st.lists(consents(), max_size=8), DAYS)
    def test_the_latest_given_in_force_decides(self, found: list[Consent], day: date) -> None:
        chosen = deciding(found, day)
        live = [c for c in found if in_force(c, day)]
        if not live:
            assert chosen is None
            return
        assert chosen in live
        assert all((c.given_on, c.id) <= (chosen.given_on, chosen.id) for c in live)

    def test_a_withdrawn_newer_consent_leaves_the_older_one_deciding(self) -> None:
        older = Consent(uuid.UUID(int=1), date(2026, 1, 1), None)
        newer = Consent(uuid.UUID(int=2), date(2026, 6, 1), date(2026, 7, 1))
        assert deciding([older, newer], date(2026, 6, 15)) is newer
        assert deciding([older, newer], date(2026, 7, 1)) is older
        assert deciding([older, newer], date(2025, 12, 31)) is None

    def test_a_newer_consent_past_its_end_day_leaves_the_older_one_deciding(self) -> None:
        older = Consent(uuid.UUID(int=1), date(2026, 1, 1), None)
        newer = Consent(uuid.UUID(int=2), date(2026, 6, 1), None, date(2026, 6, 30))
        assert deciding([older, newer], date(2026, 6, 30)) is newer
        assert deciding([older, newer], date(2026, 7, 1)) is older


class TestGovernment:
    def test_every_organisation_kind_is_on_one_side(self) -> None:
        kinds = set(CodeOf("organization_kind").codes)
        needing = {kind for kind in kinds if requires_consent(kind)}
        assert needing == {
            "red_cross",
            "charity_federation",
            "foundation",
            "enterprise_institution",
            "social_service_organization",
            "social_work_agency",
            "deputies",
            "residents_committee",
            "designated_hospital",
        }
        assert all(is_government(kind) is not requires_consent(kind) for kind in kinds)

    def test_a_kind_not_listed_needs_consent(self) -> None:
        assert requires_consent("some_new_kind")


class TestAgeBands:
    @pytest.mark.parametrize(
        ("age", "band"),
        [
            (0, "0-5"),
            (5, "0-5"),
            (6, "6-17"),
            (17, "6-17"),
            (18, "18-59"),
            (59, "18-59"),
            (60, "60-79"),
            (79, "60-79"),
            (80, "80+"),
            (120, "80+"),
        ],
    )
    def test_boundaries(self, age: int, band: str) -> None:
        assert age_band(age) == band

    @given(st.integers(min_value=0, max_value=150))
    def test_every_age_has_exactly_one_band(self, age: int) -> None:
        matching = [
            label for low, high, label in AGE_BANDS if low <= age and (high is None or age <= high)
        ]
        assert matching == [age_band(age)]

    def test_a_negative_age_is_refused(self) -> None:
        with pytest.raises(ValueError, match="not negative"):
            age_band(-1)
