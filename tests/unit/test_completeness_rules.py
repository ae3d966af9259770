"""Completeness rules (DOMAIN 3; Beijing 3): what each category requires, and properties of the gaps."""

import uuid
from dataclasses import fields, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.households.contacts import CONTACT_FIELDS
from app.households.record.rules import CategoryFacts, HouseholdFacts, MemberFacts, missing_fields

HEAD = uuid.UUID(int=1)
CHILD = uuid.UUID(int=2)
STRANGER = uuid.UUID(int=99)
MEMBER_FIELDS = tuple(f.name for f in fields(MemberFacts) if f.name != "person_id")
DAUGHTER = {"name": "张丽", "relation": "daughter"}


def recorded(name: str) -> object:
    """A recorded value of a member field: a contact for guardian and caregiver."""
    return DAUGHTER if name in CONTACT_FIELDS else "recorded"


def full_member(person_id: uuid.UUID) -> MemberFacts:
    return MemberFacts(person_id, **{name: recorded(name) for name in MEMBER_FIELDS})  # type: ignore[arg-type]


def bare_member(person_id: uuid.UUID) -> MemberFacts:
    return MemberFacts(person_id)


def record(
    *categories: CategoryFacts,
    members: list[MemberFacts] | None = None,
    **household: object,
) -> HouseholdFacts:
    """A record complete in every general respect, holding `categories`; fields override."""
    base: dict[str, object] = {
        "head_person_id": HEAD,
        "needs": ["medical"],
        "measures": ["已纳入低保"],
        "categories": list(categories),
        "members": members if members is not None else [bare_member(HEAD)],
    }
    return HouseholdFacts(**{**base, **household})  # type: ignore[arg-type]


def person_gaps(person_id: uuid.UUID, *names: str) -> list[str]:
    return [f"members.{person_id}.{name}" for name in names]


class TestGeneralFields:
    def test_an_empty_record_lacks_members_head_needs_measures_and_categories(self) -> None:
        assert missing_fields(HouseholdFacts()) == [
            "categories",
            "head",
            "measures_or_no_help_reason",
            "members",
            "needs",
        ]

    def test_a_record_with_the_general_fields_and_an_undemanding_category_is_complete(
        self,
    ) -> None:
        facts = record(CategoryFacts("other"), basic_situation="独居", emergency_situation="无")
        assert missing_fields(facts) == []

    def test_a_reason_for_no_help_replaces_measures(self) -> None:
        facts = record(
            CategoryFacts("other"),
            basic_situation="独居",
            emergency_situation="无",
            measures=None,
            no_help_reason="declined_by_household",
        )
        assert missing_fields(facts) == []

    @pytest.mark.parametrize("measures", [None, []])
    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_neither_measures_nor_a_reason_is_a_gap(
        self, measures: list[str] | None, reason: str | None
    ) -> None:
        facts = record(
            CategoryFacts("other"),
            basic_situation="独居",
            emergency_situation="无",
            measures=measures,
            no_help_reason=reason,
        )
        assert missing_fields(facts) == ["measures_or_no_help_reason"]

    def test_measures_of_blank_text_only_are_no_measures(self) -> None:
        facts = record(
            CategoryFacts("other"),
            basic_situation="独居",
            emergency_situation="无",
            measures=["  ", "\t"],
        )
        assert missing_fields(facts) == ["measures_or_no_help_reason"]

    def test_no_needs_is_a_gap(self) -> None:
        facts = record(
            CategoryFacts("other"), basic_situation="独居", emergency_situation="无", needs=[]
        )
        assert missing_fields(facts) == ["needs"]

    def test_no_head_is_a_gap(self) -> None:
        facts = record(
            CategoryFacts("other"),
            basic_situation="独居",
            emergency_situation="无",
            head_person_id=None,
        )
        assert missing_fields(facts) == ["head"]


class TestSocialAssistance:
    """Beijing 3(1): members, employment, education, benefits, needs."""

    def test_benefits_and_every_members_employment_and_education_are_required(self) -> None:
        facts = record(
            CategoryFacts("social_assistance", "assistance_dibao"),
            members=[bare_member(HEAD), MemberFacts(CHILD, employment="student")],
        )
        assert missing_fields(facts) == sorted(
            [
                "benefits",
                *person_gaps(HEAD, "education", "employment"),
                *person_gaps(CHILD, "education"),
            ]
        )

    def test_complete_once_recorded_and_no_subtype_is_needed(self) -> None:
        facts = record(
            CategoryFacts("social_assistance"),
            members=[MemberFacts(HEAD, employment="retired", education="primary")],
            benefits=["dibao"],
        )
        assert missing_fields(facts) == []

    def test_benefits_recorded_as_none_received_count_as_recorded(self) -> None:
        facts = record(
            CategoryFacts("social_assistance"),
            members=[MemberFacts(HEAD, employment="retired", education="primary")],
            benefits=[],
        )
        assert missing_fields(facts) == []

    def test_benefits_not_recorded_are_a_gap(self) -> None:
        facts = record(
            CategoryFacts("social_assistance"),
            members=[MemberFacts(HEAD, employment="retired", education="primary")],
            benefits=None,
        )
        assert missing_fields(facts) == ["benefits"]

    def test_blank_employment_is_missing(self) -> None:
        facts = record(
            CategoryFacts("social_assistance"),
            members=[MemberFacts(HEAD, employment="  ", education="primary")],
            benefits=[],
        )
        assert missing_fields(facts) == person_gaps(HEAD, "employment")


class TestElderlyInDistress:
    """Beijing 3(2): subtype, health, caregiver, guardian, benefits, needs."""

    def test_subtype_the_members_health_caregiver_guardian_and_benefits(self) -> None:
        facts = record(CategoryFacts("elderly_in_distress", None, HEAD))
        assert missing_fields(facts) == sorted(
            [
                "benefits",
                "categories.elderly_in_distress.subtype",
                *person_gaps(HEAD, "caregiver", "guardian", "health"),
            ]
        )

    def test_complete_once_recorded(self) -> None:
        facts = record(
            CategoryFacts("elderly_in_distress", "elderly_living_alone", HEAD),
            members=[
                MemberFacts(HEAD, health="chronic_illness", caregiver=DAUGHTER, guardian=DAUGHTER)
            ],
            benefits=[],
        )
        assert missing_fields(facts) == []

    def test_only_the_member_the_category_belongs_to_is_asked(self) -> None:
        facts = record(
            CategoryFacts("elderly_in_distress", "elderly_advanced_age", CHILD),
            members=[bare_member(HEAD), MemberFacts(CHILD, health="healthy", caregiver=DAUGHTER)],
            benefits=["dibao"],
        )
        assert missing_fields(facts) == person_gaps(CHILD, "guardian")

    @pytest.mark.parametrize(
        ("guardian", "missing"),
        [
            (None, True),
            ({}, True),
            ({"name": "  ", "phone": None}, True),
            ({"name": "赵强", "relation": "relative"}, False),
            ({"note": "侄子赵强同住"}, False),
        ],
    )
    def test_a_guardian_is_a_contact_with_something_in_it(
        self, guardian: dict[str, Any] | None, missing: bool
    ) -> None:
        """Legacy text kept as a note counts as recorded, as the text it was did before 0012."""
        head = MemberFacts(HEAD, health="healthy", caregiver=DAUGHTER, guardian=guardian)
        facts = record(
            CategoryFacts("elderly_in_distress", "elderly_living_alone", HEAD),
            members=[head],
            benefits=[],
        )
        assert missing_fields(facts) == (person_gaps(HEAD, "guardian") if missing else [])

    @pytest.mark.parametrize("person_id", [None, STRANGER])
    def test_a_category_not_tied_to_a_member_is_a_gap(self, person_id: uuid.UUID | None) -> None:
        facts = record(
            CategoryFacts("elderly_in_distress", "elderly_living_alone", person_id), benefits=[]
        )
        assert missing_fields(facts) == ["categories.elderly_in_distress.person"]


class TestChildInDistress:
    """Beijing 3(3): subtype, schooling, parents' situation, health, guardian, benefits, needs."""

    def test_every_required_field(self) -> None:
        facts = record(
            CategoryFacts("child_in_distress", None, CHILD),
            members=[bare_member(HEAD), bare_member(CHILD)],
        )
        assert missing_fields(facts) == sorted(
            [
                "benefits",
                "categories.child_in_distress.subtype",
                *person_gaps(CHILD, "guardian", "health", "parents_situation", "schooling"),
            ]
        )

    def test_complete_once_recorded_caregiver_is_not_required(self) -> None:
        child = MemberFacts(
            CHILD,
            schooling="in_school",
            parents_situation="working_away",
            health="healthy",
            guardian={"name": "王秀兰", "relation": "grandparent"},
        )
        facts = record(
            CategoryFacts("child_in_distress", "child_left_behind", CHILD),
            members=[bare_member(HEAD), child],
            benefits=[],
        )
        assert missing_fields(facts) == []


class TestSevereDisability:
    """Beijing 3(4): disability type and grade, health, benefits, needs; no subtype."""

    def test_every_required_field(self) -> None:
        facts = record(CategoryFacts("severe_disability", None, HEAD))
        assert missing_fields(facts) == sorted(
            ["benefits", *person_gaps(HEAD, "disability_grade", "disability_type", "health")]
        )

    def test_complete_once_recorded(self) -> None:
        facts = record(
            CategoryFacts("severe_disability", None, HEAD),
            members=[
                MemberFacts(
                    HEAD, disability_type="physical", disability_grade="grade_1", health="disabled"
                )
            ],
            benefits=["dibao"],
        )
        assert missing_fields(facts) == []


@pytest.mark.parametrize("category", ["major_illness_or_incident", "other"])
class TestSituationCategories:
    """Beijing 3(5)-(6): basic situation, emergency situation, needs; nothing per member."""

    def test_both_situations_are_required_and_nothing_else(self, category: str) -> None:
        facts = record(CategoryFacts(category), members=[bare_member(HEAD)])
        assert missing_fields(facts) == ["basic_situation", "emergency_situation"]

    @pytest.mark.parametrize("blank", ["", " ", "\n\t "])
    def test_whitespace_only_text_counts_as_missing(self, category: str, blank: str) -> None:
        facts = record(CategoryFacts(category), basic_situation=blank, emergency_situation="有")
        assert missing_fields(facts) == ["basic_situation"]

    def test_complete_once_recorded(self, category: str) -> None:
        facts = record(
            CategoryFacts(category), basic_situation="突发重病", emergency_situation="急需手术"
        )
        assert missing_fields(facts) == []


def test_two_categories_add_up_and_each_gap_is_named_once() -> None:
    facts = record(
        CategoryFacts("elderly_in_distress", "elderly_living_alone", HEAD),
        CategoryFacts("severe_disability", None, HEAD),
        CategoryFacts("social_assistance"),
    )
    assert missing_fields(facts) == sorted(
        [
            "benefits",
            *person_gaps(
                HEAD,
                "caregiver",
                "disability_grade",
                "disability_type",
                "education",
                "employment",
                "guardian",
                "health",
            ),
        ]
    )


# Properties over arbitrary records.

CATEGORIES = (
    "social_assistance",
    "elderly_in_distress",
    "child_in_distress",
    "severe_disability",
    "major_illness_or_incident",
    "other",
)
PEOPLE = [uuid.UUID(int=n) for n in range(1, 5)]
texts = st.sampled_from([None, "", "  ", "有记录"])
contacts = st.sampled_from([None, {}, {"name": " "}, DAUGHTER, {"note": "女儿"}])


@st.composite
def members(draw: st.DrawFn) -> list[MemberFacts]:
    ids = draw(st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True))
    return [
        MemberFacts(
            i, **{n: draw(contacts if n in CONTACT_FIELDS else texts) for n in MEMBER_FIELDS}
        )
        for i in ids
    ]


category_facts = st.builds(
    CategoryFacts,
    st.sampled_from(CATEGORIES),
    st.sampled_from([None, "some_subtype"]),
    st.sampled_from([None, STRANGER, *PEOPLE]),
)


@st.composite
def households(draw: st.DrawFn, min_categories: int = 0) -> HouseholdFacts:
    return HouseholdFacts(
        head_person_id=draw(st.sampled_from([None, *PEOPLE])),
        benefits=draw(st.sampled_from([None, [], ["dibao"]])),
        needs=draw(st.sampled_from([[], ["medical"]])),
        measures=draw(st.sampled_from([None, [], [" "], ["已链接医疗救助"]])),
        no_help_reason=draw(texts),
        basic_situation=draw(texts),
        emergency_situation=draw(texts),
        categories=draw(st.lists(category_facts, min_size=min_categories, max_size=4)),
        members=draw(members()),
    )


FILLER = uuid.UUID(int=1000)


def fill(facts: HouseholdFacts, gaps: list[str]) -> HouseholdFacts:
    """Record exactly what each gap names, the way a worker would."""
    people = {m.person_id: m for m in facts.members}
    categories = list(facts.categories)
    values: dict[str, object] = {}
    if "members" in gaps or any(g.endswith(".person") for g in gaps):
        people[FILLER] = full_member(FILLER)
    for gap in gaps:
        parts = gap.split(".")
        if gap == "head":
            values["head_person_id"] = next(iter(people))
        elif gap == "needs":
            values["needs"] = ["medical"]
        elif gap == "measures_or_no_help_reason":
            values["no_help_reason"] = "declined_by_household"
        elif gap == "benefits":
            values["benefits"] = []
        elif gap in ("basic_situation", "emergency_situation"):
            values[gap] = "已记录"
        elif parts[0] == "members" and len(parts) == 3:
            person_id = uuid.UUID(parts[1])
            filled: dict[str, Any] = {parts[2]: recorded(parts[2])}
            people[person_id] = replace(people[person_id], **filled)
        elif parts[0] == "categories" and parts[2] == "subtype":
            categories = [
                replace(c, subtype="some_subtype") if c.category == parts[1] else c
                for c in categories
            ]
        elif parts[0] == "categories" and parts[2] == "person":
            categories = [
                replace(c, person_id=FILLER)
                if c.category == parts[1] and c.person_id not in people
                else c
                for c in categories
            ]
        else:
            assert gap == "members", gap
    return replace(facts, members=list(people.values()), categories=categories, **values)  # type: ignore[arg-type]


@given(households(min_categories=1))
def test_filling_every_reported_gap_makes_the_record_complete(facts: HouseholdFacts) -> None:
    assert missing_fields(fill(facts, missing_fields(facts))) == []


@given(households(), category_facts)
def test_adding_a_category_never_removes_a_gap(facts: HouseholdFacts, extra: CategoryFacts) -> None:
    before = set(missing_fields(facts)) - {"categories"}
    after = set(missing_fields(replace(facts, categories=[*facts.categories, extra])))
    assert before <= after


@given(households())
def test_gaps_are_sorted_and_unique(facts: HouseholdFacts) -> None:
    gaps = missing_fields(facts)
    assert gaps == sorted(set(gaps))


def test_filling_the_categories_gap_brings_only_that_categorys_own_requirements() -> None:
    facts = record()
    assert missing_fields(facts) == ["categories"]
    with_one = replace(facts, categories=[CategoryFacts("major_illness_or_incident")])
    assert missing_fields(with_one) == ["basic_situation", "emergency_situation"]
