"""Processing a screening file: households written whole or not at all, row errors, dry runs."""

import csv
import io
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.config import Settings
from app.households.models import Household, HouseholdChange, Membership, Person
from tests.api.households.records import beyond_core
from tests.api.imports.conftest import csv_file, error_rows, imported, person, xlsx_file
from tests.factories import GRID_A1_1, create_household, id_number

COMPLETE_ELDER = {
    "户籍类型": "城镇",
    "来城市居住日期": "2008/5/1",
    "困难类别": "困境老年人",
    "困难子类": "独居",
    "致困原因": "因病",
    "帮扶需求": "医疗；照料护理",
    "健康状况": "慢性病",
    "照料人姓名": "张丽",
    "照料人关系": "女儿",
    "照料人电话": "13900139000",
    "监护人姓名": "张丽",
    "监护人关系": "daughter",
    "已享受政策": "最低生活保障",
    "未帮扶原因": "pending_review",
}


async def _households(session: AsyncSession) -> dict[str, Household]:
    found = {h.address: h for h in (await session.execute(select(Household))).scalars()}
    await session.commit()
    return found


async def _person(session: AsyncSession, number: str, app: FastAPI) -> Person | None:
    index = app.state.services.vault.index(number)
    found = (
        await session.execute(
            select(Person)
            .where(Person.id_number_index == index)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    await session.commit()
    return found


async def _count(session: AsyncSession, model: Any) -> int:
    count = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    await session.commit()
    return count


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestHappyPath:
    async def test_csv_writes_households_members_and_history(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        head, spouse, single = id_number(), id_number(sex="male"), id_number()
        rows = [
            person("H1", number=head, **COMPLETE_ELDER),
            person("H1", name="李建国", relation="配偶", number=spouse, 就业状况="退休"),
            person("H2", name="王芳", number=single, 困难类别="社会救助", 困难子类="低保"),
        ]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert {k: body[k] for k in ("status", "rows_total", "rows_done", "errors_count")} == {
            "status": "succeeded",
            "rows_total": 3,
            "rows_done": 3,
            "errors_count": 0,
        }
        assert (body["households_imported"], body["households_failed"]) == (2, 0)
        assert body["encoding"] == "utf-8"
        households = await _households(session)
        elder = households["龙湖社区 H1 号"]
        assert elder.region_code == GRID_A1_1
        assert elder.district_code == "500112"
        assert (elder.hukou_type, str(elder.settled_since)) == ("urban", "2008-05-01")
        assert beyond_core(elder.missing_fields) == []
        detail = await anonymous.get(f"/api/v1/households/{elder.id}", headers=_auth(worker_token))
        out = detail.json()
        # Target types are decisions recorded per household, never read from a file.
        assert (out["target_types"], out["target_type_decisions"]) == ([], [])
        assert out["causes"] == ["illness"]
        assert out["needs"] == ["care", "medical"]
        assert out["benefits"] == ["dibao"]
        assert out["no_help_reason"] == "pending_review"
        head_person = await _person(session, head, app)
        assert head_person is not None
        assert out["head_person_id"] == str(head_person.id)
        assert out["categories"] == [
            {
                "category": "elderly_in_distress",
                "subtype": "elderly_living_alone",
                "person_id": str(head_person.id),
            }
        ]
        members = {m["relation_to_head"]: m for m in out["members"]}
        assert set(members) == {"self", "spouse"}
        assert members["spouse"]["employment"] == "retired"
        assert members["self"]["caregiver"] == {
            "name": "张丽",
            "relation": "daughter",
            "phone": "13900139000",
            "note": None,
        }
        assert members["self"]["guardian"] == {
            "name": "张丽",
            "relation": "daughter",
            "phone": None,
            "note": None,
        }
        single_household = households["龙湖社区 H2 号"]
        assert single_household.complete is False
        single_person = await _person(session, single, app)
        assert single_person is not None
        assert beyond_core(single_household.missing_fields) == sorted(
            [
                "benefits",
                "measures_or_no_help_reason",
                "needs",
                f"members.{single_person.id}.education",
                f"members.{single_person.id}.employment",
            ]
        )
        history = await anonymous.get(
            f"/api/v1/households/{elder.id}/history", headers=_auth(worker_token)
        )
        entries = history.json()["items"]
        assert [e["action"] for e in entries] == ["household.create", "member.add", "member.add"]
        assert entries[0]["changes"]["import_id"]["after"] == body["id"]
        assert entries[0]["changes"]["address"]["after"] == "龙湖社区 H1 号"
        assert entries[1]["person_id"] == str(head_person.id)
        assert entries[1]["changes"]["id_number"]["after"] == head[:6] + "********" + head[-4:]
        assert entries[2]["changes"]["relation_to_head"]["after"] == "spouse"

    async def test_id_numbers_are_stored_encrypted_and_blind_indexed(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        number = id_number()
        await imported(
            anonymous, app, settings, worker_token, csv_file([person("H1", number=number)])
        )
        stored = await _person(session, number, app)
        assert stored is not None
        assert number not in stored.id_number_cipher
        assert stored.id_number_cipher.startswith(stored.id_number_key_id + ":")
        assert app.state.services.vault.open(stored.id_number_cipher) == number
        assert (stored.sex, stored.birth_date.isoformat()) == ("female", "1950-03-15")

    async def test_a_target_type_column_of_an_earlier_template_is_ignored(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        """Target types are decisions with a body, date and reference, recorded per household
        by street or district officers; a screening file cannot carry them."""
        row = person("H1")
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[*row, "对象类型"])
        writer.writeheader()
        writer.writerow({**row, "对象类型": "低保"})
        body = await imported(
            anonymous, app, settings, worker_token, buffer.getvalue().encode("utf-8-sig")
        )
        assert (body["households_imported"], body["ignored_columns"]) == (1, ["对象类型"])
        [household] = (await _households(session)).values()
        detail = await anonymous.get(
            f"/api/v1/households/{household.id}", headers=_auth(worker_token)
        )
        assert detail.json()["target_types"] == []

    async def test_xlsx_with_number_and_date_cells(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        number = id_number()
        rows: list[dict[str, Any]] = [
            {
                **person("1", number=number, 联系电话="13800000000"),
                "户编号": 1,
                "所属区划代码": int(GRID_A1_1),
                "来城市居住日期": datetime(2010, 3, 1),
                "联系电话": 13800000000,
            },
            {**person("1", name="张小明", relation="子"), "户编号": 1},
        ]
        body = await imported(
            anonymous, app, settings, worker_token, xlsx_file(rows), filename="摸排.xlsx"
        )
        assert (body["status"], body["format"], body["encoding"]) == ("succeeded", "xlsx", None)
        assert (body["households_imported"], body["errors_count"]) == (1, 0)
        household = (await _households(session))["龙湖社区 1 号"]
        assert str(household.settled_since) == "2010-03-01"
        stored = await _person(session, number, app)
        assert stored is not None
        assert stored.phone == "13800000000"
        assert await _count(session, Membership) == 2

    async def test_the_uploaded_file_is_removed_once_processed(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        await imported(anonymous, app, settings, worker_token, csv_file([person("H1")]))
        assert list(settings.imports_path.iterdir()) == []

    async def test_the_import_and_each_household_it_creates_are_audited(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        rows = [person(f"H{i}") for i in range(5)]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        events = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.object_id, AuditEvent.role).where(
                    AuditEvent.object_type == "import"
                )
            )
        ).all()
        created = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.role, AuditEvent.region_code).where(
                    AuditEvent.object_type == "household"
                )
            )
        ).all()
        await session.commit()
        assert sorted(events) == [
            ("household.import", body["id"], "community_worker"),
            ("import.create", body["id"], "community_worker"),
        ]
        assert [tuple(c) for c in created] == [
            ("household.create", "community_worker", "500112001001001")
        ] * 5
        assert await _count(session, HouseholdChange) == 5 * 2


class TestRowErrors:
    async def test_errors_file_names_row_column_and_rule(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        valid = id_number()
        bad_checksum = valid[:17] + ("1" if valid[17] != "1" else "2")
        rows = [
            person("H1", 户籍类型="海外"),
            person("H2", number=bad_checksum),
            person("H3", 来城市居住日期="去年"),
            person("H4", name=""),
            person("H5", number="50011219500315"),
            person("H6", 联系电话="电话号码"),
        ]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert (body["households_imported"], body["households_failed"]) == (0, 6)
        table = await error_rows(anonymous, worker_token, body["id"])
        assert table[0] == ["行号", "户编号", "列", "错误代码", "说明"]
        assert [r[:4] for r in table[1:]] == [
            ["2", "H1", "户籍类型", "unknown_code"],
            ["3", "H2", "身份证号", "id_number_checksum"],
            ["4", "H3", "来城市居住日期", "invalid_date"],
            ["5", "H4", "姓名", "required"],
            ["6", "H5", "身份证号", "id_number_length"],
            ["7", "H6", "联系电话", "string_pattern_mismatch"],
        ]
        assert table[1][4] == "不是有效的代码或名称：海外"
        assert table[2][4] == "身份证号校验位不正确"
        assert body["errors_count"] == 6

    async def test_a_guardian_or_caregiver_needs_name_and_relation(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        rows = [
            person("NO_RELATION", 监护人姓名="张丽"),
            person("NO_NAME", 照料人关系="邻居", 照料人电话="13900139000"),
            person("BAD_PHONE", 照料人姓名="张丽", 照料人关系="女儿", 照料人电话="电话"),
            person("UNKNOWN", 监护人姓名="张丽", 监护人关系="同事"),
        ]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert [r[:4] for r in (await error_rows(anonymous, worker_token, body["id"]))[1:]] == [
            ["2", "NO_RELATION", "监护人关系", "missing"],
            ["3", "NO_NAME", "照料人姓名", "missing"],
            ["4", "BAD_PHONE", "照料人电话", "string_pattern_mismatch"],
            ["5", "UNKNOWN", "监护人关系", "unknown_code"],
        ]
        assert body["households_failed"] == 4

    async def test_a_household_with_one_bad_row_writes_nothing(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        good_head, good_child = id_number(), id_number()
        rows = [
            person("H1", number=good_head),
            person("H1", name="李明", relation="子女", number=good_child),
            person("H1", name="李红", relation="女儿", 残疾等级="五级"),
            person("H2"),
        ]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert (body["households_imported"], body["households_failed"]) == (1, 1)
        assert await _person(session, good_head, app) is None
        assert await _person(session, good_child, app) is None
        assert list(await _households(session)) == ["龙湖社区 H2 号"]
        assert [r[:4] for r in (await error_rows(anonymous, worker_token, body["id"]))[1:]] == [
            ["4", "H1", "残疾等级", "unknown_code"]
        ]

    async def test_household_rules_of_the_ledger(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        rows = [
            person("TWO_HEADS"),
            person("TWO_HEADS", name="李四"),
            person("NO_HEAD", relation="配偶"),
            person("ADULT_CHILD", 困难类别="困境儿童", 困难子类="留守儿童"),
            person("MISMATCH", 困难类别="困境儿童", 困难子类="独居"),
        ]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert [r[:4] for r in (await error_rows(anonymous, worker_token, body["id"]))[1:]] == [
            ["2", "TWO_HEADS", "与户主关系", "head_count"],
            ["4", "NO_HEAD", "与户主关系", "head_count"],
            ["5", "ADULT_CHILD", "困难类别", "category_not_plausible"],
            ["6", "MISMATCH", "困难子类", "subtype_mismatch"],
        ]
        assert body["households_failed"] == 4

    async def test_a_key_that_comes_back_later_rejects_those_rows(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        rows = [person("H1"), person("H2"), person("H1", name="李四", relation="配偶")]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert (body["households_imported"], body["households_failed"]) == (2, 1)
        assert [r[:4] for r in (await error_rows(anonymous, worker_token, body["id"]))[1:]] == [
            ["4", "H1", "户编号", "household_key_repeated"],
            ["4", "H1", "与户主关系", "head_count"],
        ]

    async def test_a_person_twice_in_the_file(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        number = id_number()
        rows = [person("H1", number=number), person("H2", number=number)]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert (body["households_imported"], body["households_failed"]) == (1, 1)
        errors = (await error_rows(anonymous, worker_token, body["id"]))[1:]
        assert errors == [
            [
                "3",
                "H2",
                "身份证号",
                "person_already_in_household",
                "此身份证号在本文件前面的行中已出现过",
            ]
        ]

    async def test_a_person_already_in_the_ledger(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        number = id_number()
        await create_household(
            app, members=[{"name": "张三", "id_number": number, "relation_to_head": "self"}]
        )
        body = await imported(
            anonymous,
            app,
            settings,
            worker_token,
            csv_file([person("H1", number=number), person("H2")]),
        )
        assert (body["households_imported"], body["households_failed"]) == (1, 1)
        assert (await error_rows(anonymous, worker_token, body["id"]))[1:] == [
            [
                "2",
                "H1",
                "身份证号",
                "person_already_in_household",
                f"此人已是台账中一户家庭的在册成员（{GRID_A1_1}）",
            ]
        ]

    async def test_regions_must_be_communities_or_grids_within_scope(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        rows = [
            person("OTHER_STREET", region="500112002001001"),
            person("STREET", region="500112001"),
            person("MISSING", region="500112001001099"),
            person("OWN_COMMUNITY", region="500112001001"),
        ]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert (body["households_imported"], body["households_failed"]) == (1, 3)
        assert [r[:4] for r in (await error_rows(anonymous, worker_token, body["id"]))[1:]] == [
            ["2", "OTHER_STREET", "所属区划代码", "region_out_of_scope"],
            ["3", "STREET", "所属区划代码", "region_level"],
            ["4", "MISSING", "所属区划代码", "not_found"],
        ]

    async def test_a_former_member_comes_back_as_the_same_person(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        number = id_number()
        first = await create_household(
            app,
            members=[
                {"name": "张三", "relation_to_head": "self"},
                {
                    "name": "张四",
                    "id_number": number,
                    "relation_to_head": "child",
                    "school": "实验小学",
                },
            ],
        )
        leaving = await _person(session, number, app)
        assert leaving is not None
        person_id, version = leaving.id, leaving.version
        removed = await anonymous.delete(
            f"/api/v1/households/{first.id}/members/{leaving.id}",
            headers=_auth(worker_token),
            params={"reason": "moved_out"},
        )
        assert removed.status_code == 204, removed.text
        body = await imported(
            anonymous,
            app,
            settings,
            worker_token,
            csv_file([person("H1", name="张四", number=number)]),
        )
        assert body["households_imported"] == 1
        back = await _person(session, number, app)
        assert back is not None
        # The same person row, with what the file says: the earlier household's details
        # (the school) stay in that household's history, not in the new record (issue 12).
        assert (back.id, back.school, back.version) == (person_id, None, version + 1)


class TestDryRun:
    async def test_checks_everything_and_writes_nothing_but_its_record(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        number = id_number()
        await create_household(
            app, members=[{"name": "张三", "id_number": number, "relation_to_head": "self"}]
        )
        repeated = id_number()
        rows = [
            person("H1"),
            person("H2", number=number),
            person("H3", number=repeated),
            person("H4", number=repeated),
        ]
        households_before = await _count(session, Household)
        persons_before = await _count(session, Person)
        body = await imported(
            anonymous, app, settings, worker_token, csv_file(rows), dry_run="true"
        )
        assert body["dry_run"] is True
        assert (body["households_imported"], body["households_failed"]) == (2, 2)
        assert [r[:4] for r in (await error_rows(anonymous, worker_token, body["id"]))[1:]] == [
            ["3", "H2", "身份证号", "person_already_in_household"],
            ["5", "H4", "身份证号", "person_already_in_household"],
        ]
        assert await _count(session, Household) == households_before
        assert await _count(session, Person) == persons_before
        actions = (await session.execute(select(AuditEvent.action))).scalars().all()
        await session.commit()
        assert "household.import" not in actions


class TestEncodings:
    async def test_gb18030_is_detected(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        number = id_number()
        content = csv_file(
            [person("H1", name="欧阳娜娜", number=number, 户籍类型="农村")], encoding="gb18030"
        )
        body = await imported(anonymous, app, settings, worker_token, content)
        assert (body["status"], body["encoding"], body["households_imported"]) == (
            "succeeded",
            "gb18030",
            1,
        )
        stored = await _person(session, number, app)
        assert stored is not None
        assert stored.name == "欧阳娜娜"

    async def test_gbk_may_be_named(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        content = csv_file([person("H1", name="欧阳娜娜")], encoding="gbk")
        body = await imported(anonymous, app, settings, worker_token, content, encoding="GBK")
        assert (body["encoding"], body["households_imported"]) == ("gb18030", 1)

    async def test_utf8_without_bom(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        body = await imported(
            anonymous, app, settings, worker_token, csv_file([person("H1")], encoding="utf-8")
        )
        assert (body["encoding"], body["households_imported"]) == ("utf-8", 1)

    async def test_a_wrong_named_encoding_fails_the_import(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        content = csv_file([person("H1", name="欧阳娜娜")], encoding="gb18030")
        body = await imported(anonymous, app, settings, worker_token, content, encoding="utf-8")
        assert (body["status"], body["failure_code"]) == ("failed", "import_encoding")
        assert body["households_imported"] == 0


class TestFileProblems:
    async def test_missing_required_columns_fail_the_import(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        content = "户编号,姓名,备注\r\nH1,张三,无\r\n".encode()
        body = await imported(anonymous, app, settings, worker_token, content)
        assert (body["status"], body["failure_code"]) == ("failed", "import_columns_missing")
        assert body["failure_message"] == "缺少必填列：所属区划代码、家庭住址、身份证号、与户主关系"
        assert body["finished_at"] is not None

    async def test_no_header_row_fails_the_import(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        body = await imported(anonymous, app, settings, worker_token, b"a,b\r\n1,2\r\n")
        assert (body["status"], body["failure_code"]) == ("failed", "import_header_missing")

    async def test_a_damaged_workbook_fails_the_import(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        body = await imported(
            anonymous,
            app,
            settings,
            worker_token,
            b"PK\x03\x04 not really a zip",
            filename="x.xlsx",
        )
        assert (body["status"], body["failure_code"]) == ("failed", "import_unreadable")

    async def test_a_file_of_the_earlier_template_has_its_guardian_and_caregiver_read(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        """One free-text column each, as the template had before contacts: what reads as
        relation, name and phone is taken; the rest is an error naming the new columns."""
        header = "*户编号,*所属区划代码,*家庭住址,*姓名,*身份证号,*与户主关系,照料人,监护人"
        number = id_number()
        content = (
            f"{header}\r\n"
            f"H1,{GRID_A1_1},龙湖社区 1 号,张三,{number},本人,女儿张丽 13900139000,侄子 赵强\r\n"
            f"H2,{GRID_A1_1},龙湖社区 2 号,李四,{id_number()},本人,,由邻居轮流照看\r\n"
        ).encode()
        body = await imported(anonymous, app, settings, worker_token, content)
        assert (body["households_imported"], body["households_failed"]) == (1, 1)
        assert [r[:4] for r in (await error_rows(anonymous, worker_token, body["id"]))[1:]] == [
            ["3", "H2", "监护人", "contact_unreadable"]
        ]
        imported_person = await _person(session, number, app)
        assert imported_person is not None
        assert (imported_person.caregiver, imported_person.guardian) == (
            {"name": "张丽", "relation": "daughter", "phone": "13900139000"},
            {"name": "赵强", "relation": "relative"},
        )

    async def test_notes_above_the_header_and_unknown_columns_are_skipped(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        number = id_number()
        content = (
            "龙湖社区摸排表（2026年11月）\r\n"
            "序号,*户编号,*所属区划代码,*家庭住址,*姓名,*身份证号（18位）,*与户主关系,备注\r\n"
            f"1,H1,{GRID_A1_1},龙湖社区 1 号,张三,{number},本人,已走访\r\n"
            ",,,,,,,\r\n"
        ).encode()
        body = await imported(anonymous, app, settings, worker_token, content)
        assert (body["rows_total"], body["households_imported"]) == (1, 1)
        assert body["ignored_columns"] == ["序号", "备注"]
