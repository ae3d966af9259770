"""The Red Cross major-illness aid rules (Yubei 3(3)1(3)): boundaries and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.red_cross.rules import (
    Reason,
    Terms,
    Treatment,
    TreatmentType,
    quote,
    rate_share,
    room_under_cap,
    self_paid,
)

HALF = Terms(Decimal("50.00"), Decimal("20000.00"))


def treatment(
    in_scope: str = "10000.00",
    reimbursement: str = "6000.00",
    assistance: str = "1000.00",
    *,
    prescribed: bool = True,
    designated: bool = True,
    kind: TreatmentType = TreatmentType.inpatient,
) -> Treatment:
    return Treatment(
        disease_prescribed=prescribed,
        institution_designated=designated,
        treatment_type=kind,
        in_scope_amount=Decimal(in_scope),
        insurance_reimbursement=Decimal(reimbursement),
        medical_assistance=Decimal(assistance),
    )


class TestQuote:
    def test_eligible_treatment_covers_half_of_the_self_paid_part(self) -> None:
        outcome = quote(treatment(), HALF, Decimal("0.00"))
        assert outcome.eligible
        assert outcome.reasons == ()
        assert outcome.self_paid == Decimal("3000.00")
        assert outcome.covered == Decimal("1500.00")
        assert [s.key for s in outcome.steps] == [
            "self_paid",
            "rate_share",
            "room_under_cap",
            "covered",
        ]
        assert outcome.steps[0].calculation == "max(0, 10000.00 - 6000.00 - 1000.00) = 3000.00"
        assert outcome.steps[-1].calculation == "min(1500.00, 20000.00) = 1500.00"

    def test_exactly_at_the_cap_covers_what_is_left(self) -> None:
        outcome = quote(treatment(), HALF, Decimal("18500.00"))
        assert outcome.eligible
        assert outcome.covered == Decimal("1500.00")
        assert Decimal("18500.00") + outcome.covered == HALF.yearly_cap

    def test_less_left_than_the_share_covers_the_rest_of_the_cap(self) -> None:
        outcome = quote(treatment(), HALF, Decimal("19000.01"))
        assert outcome.covered == Decimal("999.99")

    def test_cap_reached_covers_nothing(self) -> None:
        outcome = quote(treatment(), HALF, Decimal("20000.00"))
        assert not outcome.eligible
        assert outcome.reasons == (Reason.cap_reached,)
        assert outcome.covered == Decimal("0.00")

    def test_more_received_than_the_cap_leaves_nothing_not_a_negative_room(self) -> None:
        outcome = quote(treatment(), HALF, Decimal("25000.00"))
        assert outcome.reasons == (Reason.cap_reached,)
        assert outcome.steps[2].amount == Decimal("0.00")

    def test_exactly_zero_self_paid(self) -> None:
        outcome = quote(treatment("7000.00", "6000.00", "1000.00"), HALF, Decimal("0"))
        assert outcome.reasons == (Reason.nothing_self_paid,)
        assert outcome.self_paid == Decimal("0.00")
        assert outcome.covered == Decimal("0.00")

    def test_one_fen_self_paid_at_half_rounds_half_up(self) -> None:
        outcome = quote(treatment("0.01", "0.00", "0.00"), HALF, Decimal("0"))
        assert outcome.covered == Decimal("0.01")

    def test_rounding_half_up_at_half_a_fen(self) -> None:
        assert rate_share(Decimal("0.03"), Decimal("50.00")) == Decimal("0.02")
        assert rate_share(Decimal("0.05"), Decimal("50.00")) == Decimal("0.03")
        assert rate_share(Decimal("0.01"), Decimal("49.99")) == Decimal("0.00")
        assert rate_share(Decimal("123.45"), Decimal("33.33")) == Decimal("41.15")

    def test_rate_zero_covers_nothing_without_a_reason(self) -> None:
        outcome = quote(treatment(), Terms(Decimal("0.00"), Decimal("20000.00")), Decimal("0"))
        assert outcome.eligible
        assert outcome.covered == Decimal("0.00")

    def test_rate_one_hundred_covers_the_whole_self_paid_part(self) -> None:
        outcome = quote(treatment(), Terms(Decimal("100.00"), Decimal("20000.00")), Decimal("0"))
        assert outcome.covered == outcome.self_paid == Decimal("3000.00")

    def test_no_terms_in_force(self) -> None:
        outcome = quote(treatment(), None, Decimal("0"))
        assert outcome.reasons == (Reason.no_terms_in_force,)
        assert [s.key for s in outcome.steps] == ["self_paid", "covered"]
        assert outcome.covered == Decimal("0.00")

    @pytest.mark.parametrize(
        ("changes", "reason"),
        [
            ({"prescribed": False}, Reason.disease_not_prescribed),
            ({"designated": False}, Reason.institution_not_designated),
            ({"kind": TreatmentType.outpatient_other}, Reason.treatment_not_covered),
        ],
    )
    def test_each_condition_says_why(self, changes: dict[str, object], reason: Reason) -> None:
        outcome = quote(treatment(**changes), HALF, Decimal("0"))  # type: ignore[arg-type]
        assert outcome.reasons == (reason,)
        assert outcome.covered == Decimal("0.00")
        assert outcome.steps[-1].calculation == f"not eligible ({reason}) = 0.00"

    @pytest.mark.parametrize("kind", sorted(set(TreatmentType) - {TreatmentType.outpatient_other}))
    def test_every_listed_treatment_is_covered(self, kind: TreatmentType) -> None:
        assert quote(treatment(kind=kind), HALF, Decimal("0")).eligible

    def test_every_reason_that_applies_is_given_in_order(self) -> None:
        outcome = quote(
            treatment(
                "100.00",
                "100.00",
                "0.00",
                prescribed=False,
                designated=False,
                kind=TreatmentType.outpatient_other,
            ),
            None,
            Decimal("0"),
        )
        assert outcome.reasons == (
            Reason.disease_not_prescribed,
            Reason.institution_not_designated,
            Reason.treatment_not_covered,
            Reason.no_terms_in_force,
            Reason.nothing_self_paid,
        )


class TestHelpers:
    def test_self_paid_never_below_zero(self) -> None:
        assert self_paid(Decimal("10.00"), Decimal("8.00"), Decimal("5.00")) == Decimal("0.00")

    def test_room_never_below_zero(self) -> None:
        assert room_under_cap(Decimal("100.00"), Decimal("100.01")) == Decimal("0.00")


fen = st.integers(min_value=0, max_value=10**10).map(lambda f: Decimal(f).scaleb(-2))
rates = st.integers(min_value=0, max_value=10000).map(lambda h: Decimal(h).scaleb(-2))


@st.composite
def treatments(draw: st.DrawFn) -> Treatment:
    in_scope = draw(fen)
    reimbursement = draw(fen.filter(lambda a: a <= in_scope))
    assistance = draw(fen.filter(lambda a: a <= in_scope - reimbursement))
    return Treatment(
        disease_prescribed=draw(st.booleans()),
        institution_designated=draw(st.booleans()),
        treatment_type=draw(st.sampled_from(TreatmentType)),
        in_scope_amount=in_scope,
        insurance_reimbursement=reimbursement,
        medical_assistance=assistance,
    )


class TestProperties:
    @given(treatments(), rates, fen, fen)
    def test_already_received_and_covered_never_exceed_the_cap(
        self, claim: Treatment, rate: Decimal, cap: Decimal, already: Decimal
    ) -> None:
        outcome = quote(claim, Terms(rate, cap), already)
        assert outcome.covered >= 0
        assert outcome.covered <= outcome.self_paid
        assert outcome.covered <= max(Decimal(0), cap - already)
        if already <= cap:
            assert already + outcome.covered <= cap

    @given(treatments(), rates, fen, fen)
    def test_covered_is_the_rounded_share_or_the_room(
        self, claim: Treatment, rate: Decimal, cap: Decimal, already: Decimal
    ) -> None:
        outcome = quote(claim, Terms(rate, cap), already)
        exact = outcome.self_paid * rate / 100
        if outcome.eligible:
            room = max(Decimal(0), cap - already)
            assert abs(min(exact, room) - outcome.covered) <= Decimal("0.005")
        else:
            assert outcome.covered == 0
        assert outcome.covered == outcome.covered.quantize(Decimal("0.01"))

    @given(treatments(), rates, fen, fen)
    def test_eligible_exactly_when_no_reason(
        self, claim: Treatment, rate: Decimal, cap: Decimal, already: Decimal
    ) -> None:
        outcome = quote(claim, Terms(rate, cap), already)
        assert outcome.eligible == (outcome.reasons == ())
        assert (Reason.cap_reached in outcome.reasons) == (already >= cap)
        assert (Reason.nothing_self_paid in outcome.reasons) == (outcome.self_paid == 0)
        assert outcome.steps[-1].amount == outcome.covered
