"""Synthetic ledger: fill a PostgreSQL database with N households for the benchmarks.

    SANZHU_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/DB .venv/bin/alembic upgrade head
    SANZHU_DATABASE_URL=... .venv/bin/sanzhu seed-demo
    SANZHU_DATABASE_URL=... .venv/bin/python bench/generate.py --households 1000000

The database must be migrated to head and seeded with the demo district. The
generator adds communities and grids under the demo streets (by default 20
communities per street and 10 grids per community, the demo ones included),
then loads households in chunks with COPY (asyncpg `copy_records_to_table`),
one transaction per chunk, and runs ANALYZE at the end.

Every person has a valid, unique GB 11643 ID number, sealed with the app's own
vault (`IdNumberVault` built from `Settings()`, so run it with the same
`SANZHU_*` settings, in particular `SANZHU_STATE_DIR` or the key variables,
as the app that will read the data) and a unique blind index. `complete` and
`missing_fields` come from `app.households.record.rules.missing_fields`, as the app
computes them.

Foreign keys are not checked during the load (`session_replication_role =
replica` skips their triggers; the rows are generated consistent); pass
`--check-foreign-keys` to keep the checks (slower).
"""

import argparse
import asyncio
import bisect
import itertools
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402

from app.core.config import Settings  # noqa: E402
from app.core.crypto import IdNumberVault  # noqa: E402
from app.core.id_numbers import check_character  # noqa: E402
from app.demo.regions import DISTRICT, STREETS  # noqa: E402
from app.households.record.numbers import entry_year, format_number  # noqa: E402
from app.households.record.rules import (  # noqa: E402
    CategoryFacts,
    HouseholdFacts,
    MemberFacts,
    missing_fields,
)


class Weighted:
    """Picks a value by weight: one `random()` and a bisection (no per-call set-up)."""

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def several(self, rng: random.Random, most: int) -> list[Any]:
        """1 to `most` distinct values, sorted."""
        return sorted({self(rng) for _ in range(rng.randint(1, most))})


DISTRICT_CODE = DISTRICT[0]
TODAY = date.today()
LOAD_SPAN_DAYS = 3 * 365
"""Households were entered over the last three years; ids and created_at follow that order."""

HOUSEHOLD_SIZES = Weighted(((1, 0.24), (2, 0.30), (3, 0.21), (4, 0.13), (5, 0.08), (6, 0.04)))
"""Members per household: hardship households are small, many elderly alone or as couples."""

TARGET_TYPES = (
    ("dibao", 0.38, "recorded_by_staff"),
    ("tekun", 0.07, "recorded_by_staff"),
    ("registered_hardship", 0.16, "recorded_by_staff"),
    ("income_poverty", 0.14, "assessment"),
    ("expenditure_poverty", 0.10, "assessment"),
)
"""Independent shares; a household holds zero, one or several types."""

CATEGORY_SHARES = (
    ("social_assistance", 0.45),
    ("elderly_in_distress", 0.20),
    ("child_in_distress", 0.07),
    ("severe_disability", 0.10),
    ("major_illness_or_incident", 0.10),
    ("other", 0.06),
)
CAUSES = Weighted(
    (
        ("illness", 0.34),
        ("disability", 0.16),
        ("education_costs", 0.08),
        ("disaster", 0.02),
        ("unemployment", 0.12),
        ("lack_of_labour", 0.12),
        ("accident", 0.04),
        ("old_age", 0.08),
        ("family_breakdown", 0.03),
        ("other", 0.01),
    )
)
NEEDS = Weighted(
    (
        ("basic_living", 0.35),
        ("medical", 0.25),
        ("education", 0.08),
        ("housing", 0.07),
        ("employment", 0.09),
        ("care", 0.07),
        ("psychological", 0.03),
        ("legal_aid", 0.02),
        ("rehabilitation", 0.03),
        ("other", 0.01),
    )
)
BENEFITS = Weighted(
    (
        ("dibao", 4),
        ("tekun_support", 1),
        ("medical_assistance", 3),
        ("education_assistance", 1),
        ("temporary_assistance", 2),
    )
)
MEASURES = Weighted(
    (
        ("policy_referral", 4),
        ("medical_assistance_cash", 3),
        ("temporary_assistance_cash", 2),
        ("employment_support", 1),
        ("visit", 3),
        ("charity_cash", 1),
    )
)
"""Codes of the `measure` dictionary: measures are dated records (`household_measures`,
migration 0018), not a list on the household."""
NO_HELP_REASONS = (
    "not_eligible",
    "declined_by_household",
    "pending_review",
    "resources_unavailable",
)
EXIT_REASONS = ("out_of_hardship", "no_longer_eligible", "deceased", "moved_out")
INCOME_SOURCES = Weighted(
    (("wages", 0.55), ("business", 0.1), ("transfer", 0.2), ("family_support", 0.15))
)
HEALTH = Weighted(
    (
        ("healthy", 0.5),
        ("chronic_illness", 0.25),
        ("major_illness", 0.08),
        ("disabled", 0.09),
        (None, 0.08),
    )
)
SCHOOLING = Weighted((("in_school", 0.93), ("suspended", 0.03), ("dropped_out", 0.04)))
EMPLOYMENT = Weighted(
    (("employed", 0.3), ("flexibly_employed", 0.3), ("unemployed", 0.25), ("unable_to_work", 0.15))
)
OLD_EMPLOYMENT = Weighted((("retired", 0.7), ("unable_to_work", 0.3)))
EDUCATION = Weighted(
    (
        ("none", 0.08),
        ("primary", 0.25),
        ("junior_secondary", 0.35),
        ("senior_secondary", 0.18),
        ("vocational", 0.08),
        ("college", 0.06),
    )
)

DAUGHTER = {"name": "李秀兰", "relation": "daughter", "phone": "13800000201"}
SPOUSE = {"name": "王建国", "relation": "spouse"}
CARE_STATION = {"name": "龙湖社区照护站", "relation": "organization"}
GRANDMOTHER = {"name": "张桂英", "relation": "grandparent"}
MOTHER = {"name": "刘丽", "relation": "parent", "phone": "13800000202"}
FATHER = {"name": "陈强", "relation": "parent"}
"""Guardians and caregivers: contacts, as the ledger stores them (`households.contacts`)."""
EXITED_SHARE = 0.08
INCOME_SHARE = 0.35
"""Households with 12 months of incomes recorded, for one or two members."""
NO_NEEDS_SHARE = 0.06
PAIRED_WITH_COMMUNITY_WORKER = 60
"""Households the demo community worker is paired with (对口帮扶), some outside their community."""

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明春梅海燕玉兰淑珍文辉晓东晓燕红梅德明永红小红小平雪梅丹丹浩然子涵欣怡梓轩雨涵宇航思远佳怡俊杰"
ROADS = (
    "龙山大道",
    "黄山大道",
    "新牌坊路",
    "松石大道",
    "湖彩路",
    "红锦大道",
    "宝圣大道",
    "龙塔街",
    "双湖路",
    "双龙大道",
    "兰馨大道",
    "空港大道",
    "龙港路",
    "食品城大道",
    "金开大道",
    "桂馥大道",
    "泰山大道",
    "翠云大道",
    "人和大道",
    "冉家坝路",
    "紫荆路",
    "天湖路",
    "宝环路",
    "龙溪路",
    "嘉州路",
    "渝鲁大道",
    "回兴路",
    "服装城大道",
    "同茂大道",
    "鸳鸯路",
    "星光大道",
    "五童路",
)
ESTATES = (
    "花园",
    "小区",
    "家园",
    "新村",
    "苑",
    "雅居",
    "名都",
    "新城",
    "丽景",
    "锦园",
    "公寓",
    "安置房",
)
ESTATE_PREFIXES = (
    "百果",
    "双湖",
    "龙湖",
    "金港",
    "和美",
    "阳光",
    "幸福",
    "兰亭",
    "恒大",
    "融创",
    "碧桂",
    "华宇",
    "鲁能",
    "金科",
    "协信",
    "万科",
    "新鸥鹏",
    "天地",
    "渝能",
    "同心",
)
AREA_CODES = (
    ("500112", 0.62),
    ("500105", 0.06),
    ("500103", 0.05),
    ("500106", 0.04),
    ("500108", 0.04),
    ("500113", 0.04),
    ("500235", 0.04),
    ("500236", 0.03),
    ("510104", 0.03),
    ("510703", 0.03),
    ("420106", 0.01),
    ("430105", 0.01),
)
"""Issuing areas of ID numbers (mostly the district itself, then nearby districts and provinces)."""
FIRST_BIRTH = date(1920, 1, 1)
BIRTH_DAYS = (TODAY - FIRST_BIRTH).days + 1
SEQUENCES_PER_SEX = 499
"""Sequence numbers 001-998 split into odd (male) and even (female): 499 of each per area and day."""


# --- regions ----------------------------------------------------------------


async def add_regions(conn: asyncpg.Connection, communities: int, grids: int) -> list[str]:
    """Communities 001..N under each demo street and grids 001..M under each; the grid codes."""
    rows: list[tuple[str, str, str, str]] = []
    for street, (street_name, _) in STREETS.items():
        for c in range(1, communities + 1):
            community = f"{street}{c:03d}"
            rows.append((community, f"{street_name}第{c}社区", "community", street))
            for g in range(1, grids + 1):
                rows.append(
                    (f"{community}{g:03d}", f"{street_name}第{c}社区第{g}网格", "grid", community)
                )
    await conn.executemany(
        "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, now(), now()) ON CONFLICT (code) DO NOTHING",
        rows,
    )
    found = await conn.fetch(
        "SELECT code FROM regions WHERE level = 'grid' AND code >= $1 AND code < $2 ORDER BY code",
        DISTRICT_CODE,
        str(int(DISTRICT_CODE) + 1),
    )
    return [r["code"] for r in found]


# --- ID numbers -------------------------------------------------------------


class IdNumbers:
    """Unique valid ID numbers: a counter per (area, birth day, sex) hands out sequence numbers."""

    def __init__(self, rng: random.Random, taken: set[str], vault: IdNumberVault) -> None:
        self._rng = rng
        self._areas = Weighted([(i, w) for i, (_, w) in enumerate(AREA_CODES)])
        self._used = array("H", bytes(2 * len(AREA_CODES) * BIRTH_DAYS * 2))
        self._taken = taken
        self._vault = vault

    def issue(self, birth: date, male: bool) -> tuple[str, str, date]:
        """(number, blind index, birth date) for someone born on or near `birth`.

        When that day's sequence numbers are used up, the day before is tried.
        """
        while True:
            area_index = self._areas(self._rng)
            day = min(max((birth - FIRST_BIRTH).days, 0), BIRTH_DAYS - 1)
            slot = (area_index * BIRTH_DAYS + day) * 2 + (1 if male else 0)
            used = self._used[slot]
            if used >= SEQUENCES_PER_SEX:
                birth = birth - timedelta(days=1)
                continue
            self._used[slot] = used + 1
            sequence = 2 * used + (1 if male else 2)
            first17 = f"{AREA_CODES[area_index][0]}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + check_character(first17)
            index = self._vault.index(number)
            if index in self._taken:
                continue
            return number, index, birth


# --- households -------------------------------------------------------------


@dataclass
class Chunk:
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    households: list[tuple[Any, ...]] = field(default_factory=list)
    members: list[tuple[Any, ...]] = field(default_factory=list)
    decisions: list[tuple[Any, ...]] = field(default_factory=list)
    target_types: list[tuple[Any, ...]] = field(default_factory=list)
    categories: list[tuple[Any, ...]] = field(default_factory=list)
    codes: list[tuple[Any, ...]] = field(default_factory=list)
    incomes: list[tuple[Any, ...]] = field(default_factory=list)
    measures: list[tuple[Any, ...]] = field(default_factory=list)
    episodes: list[tuple[Any, ...]] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        yield "persons", self.persons
        yield "households", self.households
        yield "household_members", self.members
        yield "target_type_decisions", self.decisions
        yield "household_target_types", self.target_types
        yield "household_categories", self.categories
        yield "household_codes", self.codes
        yield "household_incomes", self.incomes
        yield "household_measures", self.measures
        yield "household_episodes", self.episodes


COLUMNS = {
    "persons": (
        "id",
        "version",
        "name",
        "id_number_cipher",
        "id_number_key_id",
        "id_number_index",
        "sex",
        "birth_date",
        "phone",
        "employment",
        "education",
        "health",
        "disability_type",
        "disability_grade",
        "guardian",
        "caregiver",
        "parents_situation",
        "schooling",
        "school",
        "created_at",
        "updated_at",
    ),
    "households": (
        "id",
        "version",
        "region_code",
        "district_code",
        "address",
        "hukou_place",
        "hukou_type",
        "settled_since",
        "head_person_id",
        "status",
        "exited_on",
        "exit_reason",
        "exit_note",
        "attention",
        "basic_situation",
        "emergency_situation",
        "benefits",
        "no_help_reason",
        "no_help_note",
        "paired_worker_id",
        "complete",
        "missing_fields",
        "created_by",
        "created_at",
        "updated_at",
        "ledger_number",
    ),
    "household_members": (
        "id",
        "household_id",
        "person_id",
        "region_code",
        "district_code",
        "relation_to_head",
        "active",
        "joined_on",
        "left_on",
        "left_reason",
        "created_at",
        "updated_at",
    ),
    "target_type_decisions": (
        "id",
        "household_id",
        "region_code",
        "district_code",
        "target_type",
        "source",
        "deciding_body",
        "decided_on",
        "reference",
        "assessment_id",
        "recorded_at",
    ),
    "household_target_types": (
        "household_id",
        "target_type",
        "source",
        "assessment_id",
        "recorded_at",
        "decision_id",
    ),
    "household_categories": ("id", "household_id", "category", "subtype", "person_id"),
    "household_codes": ("household_id", "list", "code"),
    "household_incomes": (
        "id",
        "household_id",
        "region_code",
        "district_code",
        "person_id",
        "month",
        "source",
        "amount",
        "created_at",
        "updated_at",
    ),
    "household_measures": (
        "id",
        "household_id",
        "region_code",
        "district_code",
        "code",
        "given_on",
        "amount",
        "legacy",
        "created_at",
    ),
    "household_episodes": (
        "id",
        "household_id",
        "region_code",
        "district_code",
        "entered_on",
        "entry_reason",
        "exited_on",
        "exit_reason",
        "created_at",
    ),
}


COUNTERS_SQL = """
INSERT INTO ledger_number_counters (district_code, year, last_value)
SELECT district_code, split_part(ledger_number, '-', 2)::int,
       max(split_part(ledger_number, '-', 3)::int)
FROM households WHERE district_code = $1 GROUP BY 1, 2
ON CONFLICT (district_code, year)
DO UPDATE SET last_value = greatest(ledger_number_counters.last_value, excluded.last_value)
"""
"""Ledger number counters at the last number given per year, so the app goes on from there."""


@dataclass
class Member:
    id: uuid.UUID
    relation: str
    birth: date
    male: bool
    facts: dict[str, Any]


class Generator:
    def __init__(
        self,
        rng: random.Random,
        vault: IdNumberVault,
        grids: list[str],
        taken: set[str],
        total: int,
        paired_worker: uuid.UUID | None,
        numbers: dict[int, int],
    ) -> None:
        self.rng = rng
        self.vault = vault
        self.grids = grids
        # Uneven grids: some are twice as populous as others.
        self.grid = Weighted([(grid, rng.uniform(0.5, 1.5)) for grid in grids])
        self.ids = IdNumbers(rng, taken, vault)
        self.total = total
        self.start = datetime.now(UTC) - timedelta(days=LOAD_SPAN_DAYS)
        self.months = [_month_start(TODAY, back) for back in range(12, 0, -1)]
        self.paired_worker = paired_worker
        self.paired_every = max(total // PAIRED_WITH_COMMUNITY_WORKER, 1)
        self.sequence = 0
        self.numbers = numbers
        """Last ledger sequence number given per year of entry (the district's counters)."""

    def uuid_at(self, moment: datetime) -> uuid.UUID:
        """A UUIDv7 for `moment`, as `app.core.db.new_id` would have made it then."""
        ms = int(moment.timestamp() * 1000)
        rand = self.rng.getrandbits(74)
        value = (
            (ms << 80)
            | (0x7 << 76)
            | ((rand >> 62) << 64)
            | (0b10 << 62)
            | (rand & ((1 << 62) - 1))
        )
        return uuid.UUID(int=value)

    def ledger_number(self, moment: datetime) -> str:
        """The next ledger number of the year of entry, as `numbers.assign` gives them."""
        year = entry_year(moment)
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return format_number(DISTRICT_CODE, year, self.numbers[year])

    def name(self, surname: str | None = None) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
        return (surname or rng.choice(SURNAMES)) + given

    def address(self, grid: str) -> str:
        rng = self.rng
        road = ROADS[(int(grid[9:12]) * 7 + int(grid[12:15]) * 3 + rng.randrange(3)) % len(ROADS)]
        estate = rng.choice(ESTATE_PREFIXES) + rng.choice(ESTATES)
        return (
            f"重庆市渝北区{road}{rng.randint(1, 999)}号{estate}"
            f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}-{rng.randint(1, 8)}"
        )

    def members_of(self, size: int) -> list[Member]:
        rng = self.rng
        head_age = rng.randint(25, 59) if rng.random() < 0.55 else rng.randint(60, 95)
        head = self.member("self", head_age, rng.random() < 0.55)
        people = [head]
        if size >= 2 and (size > 2 or rng.random() < 0.6):
            people.append(
                self.member("spouse", max(head_age + rng.randint(-5, 5), 20), not head.male)
            )
        while len(people) < size:
            if head_age >= 70 and rng.random() < 0.5:
                relation, age = "grandchild", rng.randint(1, 25)
            elif head_age <= 50 and rng.random() < 0.25:
                relation, age = "parent", min(head_age + rng.randint(22, 35), 100)
            else:
                relation, age = "child", max(head_age - rng.randint(20, 40), 0)
            people.append(self.member(relation, age, rng.random() < 0.5))
        return people

    def member(self, relation: str, age: int, male: bool) -> Member:
        rng = self.rng
        birth = TODAY - timedelta(days=age * 365 + rng.randrange(365))
        facts: dict[str, Any] = {
            "employment": None,
            "education": None,
            "health": HEALTH(rng),
            "disability_type": None,
            "disability_grade": None,
            "guardian": None,
            "caregiver": None,
            "parents_situation": None,
            "schooling": None,
        }
        if age < 6:
            facts["employment"], facts["education"], facts["schooling"] = (
                "preschool",
                "preschool",
                "preschool",
            )
        elif age < 18:
            facts["employment"] = "student"
            facts["education"] = "primary" if age < 12 else "junior_secondary"
            facts["schooling"] = SCHOOLING(rng)
        elif rng.random() < 0.9:
            facts["employment"] = (OLD_EMPLOYMENT if age >= 60 else EMPLOYMENT)(rng)
            facts["education"] = EDUCATION(rng)
        if facts["health"] == "disabled":
            facts["disability_type"] = rng.choice(
                ("visual", "hearing", "physical", "intellectual", "mental")
            )
            facts["disability_grade"] = rng.choice(("grade_1", "grade_2", "grade_3", "grade_4"))
        return Member(uuid.UUID(int=0), relation, birth, male, facts)

    def household(self, chunk: Chunk) -> None:
        rng = self.rng
        index = self.sequence
        self.sequence += 1
        moment = self.start + timedelta(seconds=LOAD_SPAN_DAYS * 86400 * index / self.total)
        household_id = self.uuid_at(moment)
        grid = self.grid(rng)
        size = HOUSEHOLD_SIZES(rng)
        people = self.members_of(size)
        settled = (moment - timedelta(days=rng.randint(0, 40 * 365))).date()
        joined = moment.date()

        categories: list[tuple[str, str | None, Member | None]] = []
        for category, share in CATEGORY_SHARES:
            if rng.random() >= share:
                continue
            if category == "elderly_in_distress":
                elders = [p for p in people if TODAY.year - p.birth.year >= 60]
                if not elders:
                    continue
                subject = rng.choice(elders)
                subject.facts["caregiver"] = rng.choice((None, DAUGHTER, SPOUSE, CARE_STATION))
                subject.facts["guardian"] = rng.choice((None, DAUGHTER, SPOUSE))
                categories.append(
                    (
                        category,
                        rng.choice(
                            (
                                "elderly_disabled",
                                "elderly_demented",
                                "elderly_lost_only_child",
                                "elderly_advanced_age",
                                "elderly_living_alone",
                                None,
                            )
                        ),
                        subject,
                    )
                )
            elif category == "child_in_distress":
                children = [p for p in people if TODAY.year - p.birth.year < 18]
                if not children:
                    continue
                subject = rng.choice(children)
                subject.facts["guardian"] = rng.choice((None, GRANDMOTHER, MOTHER, FATHER))
                subject.facts["parents_situation"] = rng.choice(
                    ("one_deceased", "working_away", "divorced", "imprisoned", None)
                )
                categories.append(
                    (
                        category,
                        rng.choice(
                            (
                                "child_in_distress",
                                "child_left_behind",
                                "child_emergency_shelter",
                                None,
                            )
                        ),
                        subject,
                    )
                )
            elif category == "severe_disability":
                subject = rng.choice(people)
                subject.facts["health"] = "disabled"
                subject.facts["disability_type"] = rng.choice(
                    ("physical", "intellectual", "mental", "multiple")
                )
                subject.facts["disability_grade"] = rng.choice(("grade_1", "grade_2", None))
                categories.append((category, None, subject))
            elif category == "social_assistance":
                categories.append(
                    (
                        category,
                        rng.choice(
                            ("assistance_dibao", "assistance_low_income", "assistance_tekun", None)
                        ),
                        None,
                    )
                )
            else:
                categories.append((category, None, None))
        if not categories and rng.random() < 0.9:
            categories.append(("social_assistance", "assistance_dibao", None))

        for person in people:
            person.id = self.uuid_at(moment)
            number, blind_index, person.birth = self.ids.issue(person.birth, person.male)
            cipher, key_id = self.vault.seal(number)
            chunk.persons.append(
                (
                    person.id,
                    1,
                    self.name(),
                    cipher,
                    key_id,
                    blind_index,
                    "male" if person.male else "female",
                    person.birth,
                    f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
                    if person.relation == "self" or rng.random() < 0.3
                    else None,
                    person.facts["employment"],
                    person.facts["education"],
                    person.facts["health"],
                    person.facts["disability_type"],
                    person.facts["disability_grade"],
                    _json_or_none(person.facts["guardian"]),
                    _json_or_none(person.facts["caregiver"]),
                    person.facts["parents_situation"],
                    person.facts["schooling"],
                    "渝北区实验小学"
                    if person.facts["schooling"] == "in_school" and rng.random() < 0.5
                    else None,
                    moment,
                    moment,
                )
            )
            chunk.members.append(
                (
                    self.uuid_at(moment),
                    household_id,
                    person.id,
                    grid,
                    DISTRICT_CODE,
                    person.relation,
                    True,
                    joined,
                    None,
                    None,
                    moment,
                    moment,
                )
            )

        for target_type, share, source in TARGET_TYPES:
            if rng.random() < share:
                # A type is held by a decision (target_type_decisions): staff record the
                # procedure's body, day and reference. An assessed type names no assessment
                # here (the generator makes none, and the column is a foreign key), as the
                # demo's assessed households do.
                decision_id = self.uuid_at(moment)
                staff = source == "recorded_by_staff"
                chunk.decisions.append(
                    (
                        decision_id,
                        household_id,
                        grid,
                        DISTRICT_CODE,
                        target_type,
                        source,
                        "渝北区民政局" if staff else None,
                        moment.date() if staff else None,
                        f"渝北民救〔{moment.year}〕{rng.randint(1, 9999)}号" if staff else None,
                        None,
                        moment,
                    )
                )
                chunk.target_types.append(
                    (household_id, target_type, source, None, moment, decision_id)
                )
        held = sorted({(c, s, p.id if p else None) for c, s, p in categories}, key=str)
        for category, subtype, person_id in held:
            chunk.categories.append(
                (self.uuid_at(moment), household_id, category, subtype, person_id)
            )
        causes = CAUSES.several(rng, 3)
        needs = [] if rng.random() < NO_NEEDS_SHARE else NEEDS.several(rng, 3)
        chunk.codes.extend((household_id, "cause", c) for c in causes)
        chunk.codes.extend((household_id, "need", n) for n in needs)

        measures = MEASURES.several(rng, 2) if rng.random() < 0.8 else None
        no_help = rng.choice(NO_HELP_REASONS) if measures is None and rng.random() < 0.7 else None
        benefits = BENEFITS.several(rng, 2) if rng.random() < 0.85 else None
        basic = "家庭主要收入来源不稳定，需长期关注。" if rng.random() < 0.75 else None
        emergency = "无紧急情况。" if rng.random() < 0.7 else None
        facts = HouseholdFacts(
            head_person_id=people[0].id,
            benefits=benefits,
            needs=needs,
            measures=measures,
            no_help_reason=no_help,
            basic_situation=basic,
            emergency_situation=emergency,
            categories=[CategoryFacts(c, s, p) for c, s, p in held],
            members=[MemberFacts(p.id, **p.facts) for p in people],
        )
        gaps = missing_fields(facts)
        exited = rng.random() < EXITED_SHARE
        exited_on = (moment + timedelta(days=rng.randint(30, 600))).date() if exited else None
        exit_reason = rng.choice(EXIT_REASONS) if exited else None
        paired = (
            self.paired_worker if self.paired_worker and index % self.paired_every == 0 else None
        )
        chunk.households.append(
            (
                household_id,
                1,
                grid,
                DISTRICT_CODE,
                self.address(grid),
                "重庆市渝北区",
                "urban" if rng.random() < 0.8 else "rural",
                settled,
                people[0].id,
                "exited" if exited else "active",
                exited_on,
                exit_reason,
                None,
                None,
                basic,
                emergency,
                None if benefits is None else json.dumps(benefits),
                no_help,
                None,
                paired,
                not gaps,
                json.dumps(gaps),
                None,
                moment,
                moment,
                self.ledger_number(moment),
            )
        )

        for code in measures or ():
            chunk.measures.append(
                (
                    self.uuid_at(moment),
                    household_id,
                    grid,
                    DISTRICT_CODE,
                    code,
                    (moment + timedelta(days=rng.randint(0, 60))).date(),
                    rng.randint(2, 20) * 10_000 if code.endswith("_cash") else None,
                    False,
                    moment,
                )
            )
        # One stay on the ledger from the creation day, closed on an exit (migration 0018).
        chunk.episodes.append(
            (
                self.uuid_at(moment),
                household_id,
                grid,
                DISTRICT_CODE,
                moment.date(),
                "first_registration",
                exited_on,
                exit_reason,
                moment,
            )
        )

        if rng.random() < INCOME_SHARE:
            adults = [
                p
                for p in people
                if p.facts["employment"] in ("employed", "flexibly_employed", "retired")
            ]
            earners = adults[: rng.randint(1, 2)] or people[:1]
            for person in earners:
                source = INCOME_SOURCES(rng)
                base = rng.randint(800, 4500) * 100
                for month in self.months:
                    chunk.incomes.append(
                        (
                            self.uuid_at(moment),
                            household_id,
                            grid,
                            DISTRICT_CODE,
                            person.id,
                            month,
                            source,
                            base + rng.randint(-200, 200) * 100,
                            moment,
                            moment,
                        )
                    )


def _json_or_none(value: Any) -> str | None:
    """A JSON column's value as asyncpg's COPY takes it."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _month_start(today: date, back: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
    return date(year, month + 1, 1)


# --- the load ---------------------------------------------------------------


def produce(
    generator: Generator, total: int, size: int, chunks: "multiprocessing.Queue[Chunk | None]"
) -> None:
    """Put chunks of `size` households on the queue, then None."""
    made = 0
    while made < total:
        chunk = Chunk()
        for _ in range(min(size, total - made)):
            generator.household(chunk)
        made += len(chunk.households)
        chunks.put(chunk)
    chunks.put(None)


def asyncpg_dsn(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgres+asyncpg://"):
        if url.startswith(prefix):
            return "postgresql://" + url.removeprefix(prefix)
    return url


async def load(args: argparse.Namespace) -> int:
    settings = Settings()
    if not args.dsn and settings.is_sqlite:
        print(
            "generate: SANZHU_DATABASE_URL must name a PostgreSQL database (or pass --dsn)",
            file=sys.stderr,
        )
        return 2
    dsn = asyncpg_dsn(args.dsn or settings.database_url)
    vault = IdNumberVault(
        settings.field_cipher(),
        settings.blind_index_key.get_secret_value() if settings.blind_index_key else "",
    )
    conn = await asyncpg.connect(dsn)
    started = time.monotonic()
    try:
        if not await conn.fetchval("SELECT count(*) FROM regions WHERE code = $1", DISTRICT_CODE):
            print(
                "generate: the demo district is missing; run `sanzhu seed-demo` first",
                file=sys.stderr,
            )
            return 2
        existing = await conn.fetchval("SELECT count(*) FROM persons")
        if existing > 100_000:
            print(
                f"generate: the database already holds {existing} persons; use a fresh one",
                file=sys.stderr,
            )
            return 2
        taken = {r[0] for r in await conn.fetch("SELECT id_number_index FROM persons")}
        worker = await conn.fetchval("SELECT id FROM users WHERE username = 'community_worker'")
        grids = await add_regions(conn, args.communities, args.grids)
        print(
            f"generate: {len(grids)} grids under {DISTRICT_CODE}; {args.households:,} households "
            f"in chunks of {args.chunk:,}",
            flush=True,
        )
        if not args.check_foreign_keys:
            await conn.execute("SET session_replication_role = replica")
        counters = await conn.fetch(
            "SELECT year, last_value FROM ledger_number_counters WHERE district_code = $1",
            DISTRICT_CODE,
        )
        generator = Generator(
            random.Random(args.seed),
            vault,
            grids,
            taken,
            args.households,
            worker,
            {row["year"]: row["last_value"] for row in counters},
        )
        counts = dict.fromkeys(COLUMNS, 0)
        made = 0
        wait_s = copy_s = 0.0
        # Generating is pure Python and COPY is mostly PostgreSQL's work: a
        # forked producer builds the next chunks while this process loads one.
        context = multiprocessing.get_context("fork")
        chunks: multiprocessing.Queue[Chunk | None] = context.Queue(maxsize=4)
        producer = context.Process(
            target=produce, args=(generator, args.households, args.chunk, chunks), daemon=True
        )
        producer.start()
        loop = asyncio.get_running_loop()
        try:
            while True:
                t0 = time.monotonic()
                chunk = await loop.run_in_executor(None, chunks.get)
                t1 = time.monotonic()
                wait_s += t1 - t0
                if chunk is None:
                    break
                async with conn.transaction():
                    for table, rows in chunk.tables():
                        if rows:
                            await conn.copy_records_to_table(
                                table, records=rows, columns=COLUMNS[table]
                            )
                            counts[table] += len(rows)
                copy_s += time.monotonic() - t1
                made += len(chunk.households)
                if made % (args.chunk * 20) == 0 or made == args.households:
                    elapsed = time.monotonic() - started
                    print(
                        f"  {made:>9,} households  {elapsed:7.1f} s  ({made / elapsed:,.0f}/s; "
                        f"COPY {copy_s:.0f} s, waiting for the generator {wait_s:.0f} s)",
                        flush=True,
                    )
        finally:
            producer.join(timeout=5)
            if producer.is_alive():
                producer.terminate()
        if made != args.households:
            print(f"generate: the generator stopped after {made:,} households", file=sys.stderr)
            return 1
        loaded = time.monotonic() - started
        # The numbers were given in the forked producer: the counters follow the rows.
        await conn.execute(COUNTERS_SQL, DISTRICT_CODE)
        await conn.execute("RESET session_replication_role")
        await conn.execute("ANALYZE")
        analyzed = time.monotonic() - started
    finally:
        await conn.close()
    for table, count in counts.items():
        print(f"  {table:<24}{count:>12,} rows")
    print(
        f"generate: loaded in {loaded:.1f} s ({args.households / loaded:,.0f} households/s), "
        f"ANALYZE {analyzed - loaded:.1f} s, total {analyzed:.1f} s"
    )
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=5_000, help="Households per COPY transaction.")
    parser.add_argument("--communities", type=int, default=20, help="Communities per demo street.")
    parser.add_argument("--grids", type=int, default=10, help="Grids per community.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--dsn", default=os.environ.get("BENCH_DSN"), help="Default: SANZHU_DATABASE_URL."
    )
    parser.add_argument("--check-foreign-keys", action="store_true")
    args = parser.parse_args(argv)
    if min(args.households, args.chunk, args.communities, args.grids) < 1:
        parser.error("counts must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(load(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
