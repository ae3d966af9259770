"""Rigid expenditures (刚性支出) by month and kind; the kinds are an open list (DOMAIN 4; Yubei 3(2))."""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from tests.api.finances.conftest import Api
from tests.factories import add_dictionary_code
from tests.problems import assert_invalid, assert_problem

Q1 = {"from": "2026-01", "to": "2026-03"}


def url(household: Any) -> str:
    return f"/api/v1/households/{household.id}/expenditures"


def spent(
    month: str, kind: str, gross: str, note: str | None = None, reimbursed: str = "0.00"
) -> dict[str, Any]:
    """An expenditure as sent: gross and what was reimbursed."""
    return {
        "month": month,
        "kind": kind,
        "gross_amount": gross,
        "reimbursed_amount": reimbursed,
        "note": note,
    }


def shown(item: dict[str, Any]) -> dict[str, Any]:
    """As answered: with the net `amount` the household bore."""
    net = Decimal(item["gross_amount"]) - Decimal(item["reimbursed_amount"])
    return {**item, "amount": f"{net:.2f}"}


async def version_of(api: Api, household: Any) -> int:
    response = await api.get(f"/api/v1/households/{household.id}")
    return int(response.json()["version"])


class TestReplaceExpenditures:
    async def test_round_trip_keeps_exact_decimals_and_order(
        self, api: Api, household: Any
    ) -> None:
        items = [
            spent("2026-01", "medical", "546.00", "住院自付部分"),
            spent("2026-01", "education", "0.01"),
            spent("2026-01", "medical", "99999999.99", "第二次住院"),
            spent("2026-03", "disaster", "1200.50", "暴雨受灾"),
        ]
        version = await version_of(api, household)

        put = await api.put(url(household), {"items": items}, version=version, **Q1)

        assert put.status_code == 200, put.text
        assert put.headers["etag"] == f'W/"{version + 1}"'
        expected = {
            "household_id": str(household.id),
            "from": "2026-01",
            "to": "2026-03",
            "items": [shown(i) for i in items],
            "monthly_totals": [
                {"month": "2026-01", "amount": "100000546.00"},
                {"month": "2026-03", "amount": "1200.50"},
            ],
            "kind_totals": [
                {"kind": "disaster", "amount": "1200.50"},
                {"kind": "education", "amount": "0.01"},
                {"kind": "medical", "amount": "100000545.99"},
            ],
            "total": "100001746.50",
            "version": version + 1,
        }
        assert put.json() == expected
        assert (await api.get(url(household), **Q1)).json() == expected

    async def test_a_locally_added_kind_is_accepted(
        self, api: Api, household: Any, session: AsyncSession
    ) -> None:
        kind = await add_dictionary_code(
            session, "rigid_expenditure_kind", label_zh="因残支出", label_en="Disability"
        )
        items = [spent("2026-02", kind, "300.00", "康复器具")]

        response = await api.put(
            url(household), {"items": items}, version=await version_of(api, household), **Q1
        )

        assert response.status_code == 200, response.text
        assert response.json()["items"] == [shown(i) for i in items]

    async def test_a_blank_note_is_no_note(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [spent("2026-01", "medical", "1.00", "  ")]},
            version=await version_of(api, household),
            **Q1,
        )

        assert response.json()["items"] == [shown(spent("2026-01", "medical", "1.00", None))]

    async def test_months_outside_the_range_are_untouched(self, api: Api, household: Any) -> None:
        version = await version_of(api, household)
        january, march = spent("2026-01", "medical", "10.00"), spent("2026-03", "medical", "30.00")
        await api.put(
            url(household),
            {"items": [january, spent("2026-02", "medical", "20.00"), march]},
            version=version,
            **Q1,
        )

        response = await api.put(
            url(household),
            {"items": [spent("2026-02", "education", "25.00")]},
            version=version + 1,
            **{"from": "2026-02", "to": "2026-02"},
        )

        assert response.status_code == 200, response.text
        whole = (await api.get(url(household), **Q1)).json()
        assert whole["items"] == [
            shown(i) for i in (january, spent("2026-02", "education", "25.00"), march)
        ]
        assert whole["total"] == "65.00"

    async def test_the_change_is_in_the_history(self, api: Api, household: Any) -> None:
        await api.put(
            url(household),
            {"items": [spent("2026-01", "medical", "546.00", "门诊")]},
            version=await version_of(api, household),
            **Q1,
        )

        response = await api.get(f"/api/v1/households/{household.id}/history")

        entries = [
            e for e in response.json()["items"] if e["action"] == "household.expenditures.replace"
        ]
        assert [e["changes"] for e in entries] == [
            {
                "expenditures": {
                    "before": [],
                    "after": [
                        {
                            "month": "2026-01-01",
                            "kind": "medical",
                            "gross_amount": "546.00",
                            "reimbursed_amount": "0.00",
                            "amount": "546.00",
                            "note": "门诊",
                        }
                    ],
                }
            }
        ]

    async def test_the_replacement_is_audited(
        self, api: Api, household: Any, session: AsyncSession
    ) -> None:
        response = await api.put(
            url(household), {"items": []}, version=await version_of(api, household), **Q1
        )
        assert response.status_code == 200, response.text

        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "household.expenditures.replace")
            )
        ).all()
        assert [(e.object_id, e.role, e.changed_fields) for e in events] == [
            (str(household.id), "street_officer", [])
        ]


class TestReplaceExpendituresRefusals:
    async def test_an_unknown_kind_is_422(self, api: Api, household: Any) -> None:
        items = [spent("2026-01", "medical", "1.00"), spent("2026-01", "gambling", "1.00")]

        response = await api.put(
            url(household), {"items": items}, version=await version_of(api, household), **Q1
        )

        body = assert_invalid(response, ["body", "items", 1, "kind"], "unknown_code")
        assert body["errors"][0]["msg"] == "不是可用的代码"

    async def test_a_kind_of_another_table_is_422(
        self, api: Api, household: Any, session: AsyncSession
    ) -> None:
        cause = await add_dictionary_code(session, "hardship_cause")

        response = await api.put(
            url(household),
            {"items": [spent("2026-01", cause, "1.00")]},
            version=await version_of(api, household),
            **Q1,
        )

        assert_invalid(response, ["body", "items", 0, "kind"], "unknown_code")

    @pytest.mark.parametrize("kind", ["Medical", "", "医疗", "a" * 65])
    async def test_a_malformed_kind_is_422(self, api: Api, household: Any, kind: str) -> None:
        response = await api.put(
            url(household), {"items": [spent("2026-01", kind, "1.00")]}, version=1, **Q1
        )

        assert_invalid(response, ["body", "items", 0, "kind"], "pattern")

    @pytest.mark.parametrize(
        ("amount", "code"),
        [(12.5, "amount_format"), ("-1.00", "amount_format"), ("0.005", "amount_format")],
    )
    async def test_inexact_or_negative_amounts_are_refused(
        self, api: Api, household: Any, amount: Any, code: str
    ) -> None:
        item = {**spent("2026-01", "medical", "0.00"), "gross_amount": amount}

        response = await api.put(url(household), {"items": [item]}, version=1, **Q1)

        assert_invalid(response, ["body", "items", 0, "gross_amount"], code)

    async def test_the_old_single_amount_is_refused(self, api: Api, household: Any) -> None:
        item = {"month": "2026-01", "kind": "medical", "amount": "1.00"}

        response = await api.put(url(household), {"items": [item]}, version=1, **Q1)

        assert_invalid(response, ["body", "items", 0, "gross_amount"], "missing")

    async def test_an_item_outside_the_range_is_422(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [spent("2026-04", "medical", "1.00")]},
            version=await version_of(api, household),
            **Q1,
        )

        assert_invalid(response, ["body", "items", 0, "month"], "month_out_of_range")

    async def test_a_note_over_200_characters_is_422(self, api: Api, household: Any) -> None:
        item = spent("2026-01", "medical", "1.00", "长" * 201)

        response = await api.put(url(household), {"items": [item]}, version=1, **Q1)

        assert_invalid(response, ["body", "items", 0, "note"], "too_long")

    async def test_a_stale_if_match_is_412(self, api: Api, household: Any) -> None:
        version = await version_of(api, household)

        response = await api.put(url(household), {"items": []}, version=version - 1, **Q1)

        assert_problem(response, 412, "version_mismatch")

    async def test_a_missing_if_match_is_428(self, api: Api, household: Any) -> None:
        response = await api.put(url(household), {"items": []}, version=None, **Q1)

        assert_problem(response, 428, "if_match_required")

    async def test_a_household_of_another_street_is_404(self, api: Api, household: Any) -> None:
        version = await version_of(api, household)

        response = await api.put(
            url(household), {"items": []}, version=version, username="street_officer_2", **Q1
        )
        read = await api.get(url(household), username="street_officer_2", **Q1)

        assert_problem(response, 404, "not_found")
        assert_problem(read, 404, "not_found")

    async def test_roles_without_permission_are_403(self, api: Api, household: Any) -> None:
        write = await api.put(
            url(household), {"items": []}, version=1, username="department_officer", **Q1
        )
        read = await api.get(url(household), username="admin", **Q1)

        assert_problem(write, 403, "forbidden")
        assert_problem(read, 403, "forbidden")


class TestNetOfReimbursement:
    """Net = gross - reimbursed >= 0; totals, by month and by kind, are net (DOMAIN 5's R)."""

    @pytest.mark.parametrize(
        ("gross", "reimbursed", "net"),
        [("2184.00", "1638.00", "546.00"), ("100.00", "100.00", "0.00"), ("0.01", "0", "0.01")],
    )
    async def test_the_net_is_gross_less_reimbursed(
        self, api: Api, household: Any, gross: str, reimbursed: str, net: str
    ) -> None:
        item = spent("2026-01", "medical", gross, reimbursed=reimbursed)

        response = await api.put(
            url(household), {"items": [item]}, version=await version_of(api, household), **Q1
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["items"][0]["amount"] == net
        assert body["total"] == body["monthly_totals"][0]["amount"] == net
        assert body["kind_totals"] == [{"kind": "medical", "amount": net}]

    async def test_totals_by_kind_are_net(self, api: Api, household: Any) -> None:
        items = [
            spent("2026-01", "medical", "1000.00", reimbursed="700.00"),
            spent("2026-02", "medical", "500.00", reimbursed="100.00"),
            spent("2026-02", "education", "300.00"),
        ]

        response = await api.put(
            url(household), {"items": items}, version=await version_of(api, household), **Q1
        )

        assert response.json()["kind_totals"] == [
            {"kind": "education", "amount": "300.00"},
            {"kind": "medical", "amount": "700.00"},
        ]
        assert response.json()["total"] == "1000.00"

    async def test_reimbursed_above_gross_is_422_and_writes_nothing(
        self, api: Api, household: Any
    ) -> None:
        version = await version_of(api, household)
        item = spent("2026-01", "medical", "100.00", reimbursed="100.01")

        response = await api.put(url(household), {"items": [item]}, version=version, **Q1)

        assert_invalid(
            response, ["body", "items", 0, "reimbursed_amount"], "reimbursed_exceeds_gross"
        )
        assert await version_of(api, household) == version
        assert (await api.get(url(household), **Q1)).json()["items"] == []


class TestReadExpenditures:
    async def test_the_read_is_audited(
        self, api: Api, household: Any, session: AsyncSession
    ) -> None:
        response = await api.get(url(household), username="grid_worker")
        assert response.status_code == 200, response.text

        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "household.expenditures.read")
            )
        ).all()
        assert [(e.object_id, e.role, e.outcome) for e in events] == [
            (str(household.id), "grid_worker", "success")
        ]
