"""Red Cross aid terms through the API (Yubei 3(3)1(3)): set per district and period."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from tests.api.households.ledger_http import bearer
from tests.api.red_cross.conftest import OTHER_DISTRICT, OTHER_OFFICER
from tests.api.red_cross.red_cross_http import (
    QUOTES,
    TERMS,
    create_terms,
    household_with_head,
    post_quote,
    quote_body,
    terms_body,
)


def _if_match(terms: dict[str, object]) -> dict[str, str]:
    return {"If-Match": f'W/"{terms["version"]}"'}


class TestCreate:
    async def test_district_officer_sets_its_districts_terms(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            TERMS, json=terms_body(), headers=await bearer(http, "district_officer")
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["Location"] == f"{TERMS}/{body['id']}"
        assert response.headers["ETag"] == 'W/"1"'
        assert body["rate_percent"] == "50.00"
        assert body["yearly_cap"] == "20000.00"
        assert body["effective_to"] == "2026-12-31"
        got = await http.get(f"{TERMS}/{body['id']}", headers=await bearer(http, "auditor"))
        assert got.json() == body

    async def test_admin_sets_any_districts_terms(self, http: httpx.AsyncClient) -> None:
        terms = await create_terms(http, "admin", district_code=OTHER_DISTRICT)
        assert terms["district_code"] == OTHER_DISTRICT

    async def test_another_districts_officer_is_refused(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            TERMS, json=terms_body(), headers=await bearer(http, OTHER_OFFICER)
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "region_out_of_scope"

    async def test_unknown_district_is_422(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            TERMS, json=terms_body(district_code="500199"), headers=await bearer(http, "admin")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "district_code"]

    @pytest.mark.parametrize("rate", ["100.01", "50.001", "-1", "abc", 0.5])
    async def test_bad_rate_is_422(self, http: httpx.AsyncClient, rate: object) -> None:
        response = await http.post(
            TERMS, json=terms_body(rate_percent=rate), headers=await bearer(http, "admin")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "rate_percent"]

    @pytest.mark.parametrize("rate", ["0", "100", "100.00", "0.01", "33.33"])
    async def test_rates_from_zero_to_one_hundred(self, http: httpx.AsyncClient, rate: str) -> None:
        terms = await create_terms(http, "admin", rate_percent=rate)
        assert terms["rate_percent"] == f"{float(rate):.2f}"

    async def test_negative_cap_is_422(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            TERMS, json=terms_body(yearly_cap="-1.00"), headers=await bearer(http, "admin")
        )
        assert response.status_code == 422

    async def test_end_before_start_is_422(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            TERMS,
            json=terms_body(effective_to="2025-12-31"),
            headers=await bearer(http, "district_officer"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "effective_to"]

    async def test_overlapping_period_is_409_naming_the_other(
        self, http: httpx.AsyncClient
    ) -> None:
        first = await create_terms(http)
        response = await http.post(
            TERMS,
            json=terms_body(effective_from="2026-12-31", effective_to=None),
            headers=await bearer(http, "district_officer"),
        )
        assert response.status_code == 409
        assert response.json()["code"] == "red_cross_terms_overlap"
        assert response.json()["conflicting_id"] == first["id"]

    async def test_next_period_may_start_the_day_after(self, http: httpx.AsyncClient) -> None:
        await create_terms(http)
        nxt = await create_terms(http, effective_from="2027-01-01", effective_to=None)
        assert nxt["effective_to"] is None

    async def test_concurrent_overlapping_terms_let_one_win(self, http: httpx.AsyncClient) -> None:
        headers = await bearer(http, "district_officer")
        for year in range(2026, 2032):
            answers = await asyncio.gather(
                *(
                    http.post(
                        TERMS,
                        json=terms_body(effective_from=start, effective_to=f"{year}-12-31"),
                        headers=headers,
                    )
                    for start in (f"{year}-01-01", f"{year}-06-01")
                )
            )
            assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]

    async def test_other_districts_periods_do_not_overlap(self, http: httpx.AsyncClient) -> None:
        await create_terms(http)
        await create_terms(http, OTHER_OFFICER, district_code=OTHER_DISTRICT)


class TestList:
    async def test_oldest_first_filtered_by_district(self, http: httpx.AsyncClient) -> None:
        first = await create_terms(http)
        second = await create_terms(http, effective_from="2027-01-01", effective_to=None)
        other = await create_terms(http, OTHER_OFFICER, district_code=OTHER_DISTRICT)
        headers = await bearer(http, "street_officer")
        every = (await http.get(TERMS, headers=headers)).json()["items"]
        assert [t["id"] for t in every] == [first["id"], second["id"], other["id"]]
        ours = (await http.get(TERMS, params={"district_code": "500112"}, headers=headers)).json()
        assert [t["id"] for t in ours["items"]] == [first["id"], second["id"]]

    async def test_unknown_terms_are_404(self, http: httpx.AsyncClient) -> None:
        response = await http.get(
            f"{TERMS}/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
            headers=await bearer(http, "district_officer"),
        )
        assert response.status_code == 404


class TestUpdate:
    async def test_end_the_terms_earlier(self, http: httpx.AsyncClient) -> None:
        terms = await create_terms(http, effective_to=None)
        response = await http.patch(
            f"{TERMS}/{terms['id']}",
            json={"effective_to": "2026-06-30"},
            headers={**await bearer(http, "district_officer"), **_if_match(terms)},
        )
        assert response.status_code == 200, response.text
        assert response.json()["effective_to"] == "2026-06-30"
        assert response.json()["version"] == 2
        assert response.headers["ETag"] == 'W/"2"'

    async def test_without_if_match_is_428_and_stale_is_412(self, http: httpx.AsyncClient) -> None:
        terms = await create_terms(http)
        headers = await bearer(http, "district_officer")
        url = f"{TERMS}/{terms['id']}"
        missing = await http.patch(url, json={"yearly_cap": "1.00"}, headers=headers)
        assert missing.status_code == 428
        stale = await http.patch(
            url, json={"yearly_cap": "1.00"}, headers={**headers, "If-Match": 'W/"7"'}
        )
        assert stale.status_code == 412

    async def test_null_for_a_figure_is_422(self, http: httpx.AsyncClient) -> None:
        terms = await create_terms(http)
        response = await http.patch(
            f"{TERMS}/{terms['id']}",
            json={"rate_percent": None},
            headers={**await bearer(http, "district_officer"), **_if_match(terms)},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "rate_percent"]

    async def test_moving_into_the_next_period_is_409(self, http: httpx.AsyncClient) -> None:
        terms = await create_terms(http)
        await create_terms(http, effective_from="2027-01-01", effective_to=None)
        response = await http.patch(
            f"{TERMS}/{terms['id']}",
            json={"effective_to": "2027-01-01"},
            headers={**await bearer(http, "district_officer"), **_if_match(terms)},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "red_cross_terms_overlap"

    async def test_another_districts_officer_is_403(self, http: httpx.AsyncClient) -> None:
        terms = await create_terms(http)
        response = await http.patch(
            f"{TERMS}/{terms['id']}",
            json={"effective_to": "2026-06-30"},
            headers={**await bearer(http, OTHER_OFFICER), **_if_match(terms)},
        )
        assert response.status_code == 403
        assert response.json()["code"] == "red_cross_terms_other_district"

    async def test_terms_a_quote_applied_keep_their_figures(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        terms = await create_terms(http)
        household_id, head = await household_with_head(app)
        quoted = await post_quote(http, await quote_body(app, household_id, head))
        assert quoted.status_code == 201, quoted.text
        headers = {**await bearer(http, "district_officer"), **_if_match(terms)}
        url = f"{TERMS}/{terms['id']}"
        for change in (
            {"rate_percent": "60.00"},
            {"yearly_cap": "1.00"},
            {"effective_from": "2026-02-01"},
        ):
            refused = await http.patch(url, json=change, headers=headers)
            assert refused.status_code == 409, change
            assert refused.json()["code"] == "red_cross_terms_in_use"
        ended = await http.patch(url, json={"effective_to": "2026-06-30"}, headers=headers)
        assert ended.status_code == 200
        again = await http.get(
            f"{QUOTES}/{quoted.json()['id']}", headers=await bearer(http, "street_officer")
        )
        assert again.json()["terms"] == {
            "id": terms["id"],
            "rate_percent": "50.00",
            "yearly_cap": "20000.00",
        }
