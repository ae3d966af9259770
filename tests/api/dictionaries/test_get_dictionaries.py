"""GET /api/v1/dictionaries: every code table with zh-CN and en labels (API.md, DOMAIN 14)."""

import re
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.dictionaries.catalog import CATALOG
from app.dictionaries.models import DictionaryCode
from tests.factories import add_dictionary_code

URL = "/api/v1/dictionaries"


def table(body: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [t for t in body["tables"] if t["name"] == name]
    return found  # type: ignore[no-any-return]


class TestGetDictionaries:
    async def test_anonymous_caller_gets_every_catalog_table(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(URL)

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        tables = response.json()["tables"]
        assert [t["name"] for t in tables] == [t.name for t in CATALOG]
        for served, built_in in zip(tables, CATALOG, strict=True):
            assert served["labels"] == {"zh-CN": built_in.label_zh, "en": built_in.label_en}
            assert served["source"] == built_in.source
            assert served["extensible"] is built_in.extensible
            assert served["group_table"] == built_in.group_table
            assert served["codes"] == [
                {
                    "code": c.code,
                    "labels": {"zh-CN": c.label_zh, "en": c.label_en},
                    "group": c.group,
                    "builtin": True,
                    "attributes": c.attributes,
                    "person_rule": None
                    if c.person_rule is None
                    else {
                        "min_age": c.person_rule.min_age,
                        "max_age": c.person_rule.max_age,
                        "disability_grades": None
                        if c.person_rule.disability_grades is None
                        else list(c.person_rule.disability_grades),
                        "source": c.person_rule.source,
                    },
                }
                for c in built_in.codes
            ]

    async def test_every_label_is_present_in_both_languages(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(URL)

        for served in response.json()["tables"]:
            assert set(served["labels"]) == {"zh-CN", "en"}
            assert all(served["labels"].values())
            assert served["codes"], f"{served['name']} has no codes"
            for code in served["codes"]:
                assert set(code["labels"]) == {"zh-CN", "en"}
                assert code["labels"]["zh-CN"]
                assert code["labels"]["en"]
                assert code["builtin"] is True

    async def test_groups_refer_to_codes_of_the_group_table(
        self, client: httpx.AsyncClient
    ) -> None:
        body = (await client.get(URL)).json()

        for served in body["tables"]:
            if served["group_table"] is None:
                assert {c["group"] for c in served["codes"]} == {None}
                continue
            groups = {c["code"] for c in table(body, served["group_table"])["codes"]}
            assert {c["group"] for c in served["codes"]} <= groups

    async def test_carries_an_etag_and_no_cache(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)

        etag = response.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        assert response.headers["cache-control"] == "no-cache"
        assert (await client.get(URL)).headers["etag"] == etag

    async def test_if_none_match_with_the_etag_is_304_without_body(
        self, client: httpx.AsyncClient
    ) -> None:
        etag = (await client.get(URL)).headers["etag"]

        response = await client.get(URL, headers={"If-None-Match": etag})

        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag

    async def test_if_none_match_accepts_weak_and_listed_tags(
        self, client: httpx.AsyncClient
    ) -> None:
        etag = (await client.get(URL)).headers["etag"]

        weak = await client.get(URL, headers={"If-None-Match": f"W/{etag}"})
        listed = await client.get(URL, headers={"If-None-Match": f'"stale", {etag}'})
        star = await client.get(URL, headers={"If-None-Match": "*"})

        assert [weak.status_code, listed.status_code, star.status_code] == [304, 304, 304]

    async def test_stale_if_none_match_gets_the_full_body(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, headers={"If-None-Match": '"0123456789abcdef"'})

        assert response.status_code == 200
        assert len(response.json()["tables"]) == len(CATALOG)

    async def test_added_code_is_listed_as_not_builtin_and_changes_the_etag(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        before = await client.get(URL)
        old_etag = before.headers["etag"]

        await add_dictionary_code(
            session, "hardship_cause", "flood_damage", label_zh="洪涝受灾", label_en="Flood damage"
        )
        response = await client.get(URL, headers={"If-None-Match": old_etag})

        assert response.status_code == 200
        assert response.headers["etag"] != old_etag
        causes = table(response.json(), "hardship_cause")
        assert causes["codes"][:-1] == table(before.json(), "hardship_cause")["codes"]
        assert causes["codes"][-1] == {
            "code": "flood_damage",
            "labels": {"zh-CN": "洪涝受灾", "en": "Flood damage"},
            "group": None,
            "builtin": False,
            "attributes": None,
            "person_rule": None,
        }
        for name in ("need", "exit_reason", "target_type"):
            assert table(response.json(), name) == table(before.json(), name)

    async def test_added_codes_follow_the_builtin_ones_in_order_of_addition(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await add_dictionary_code(session, "need", "z_first")
        await add_dictionary_code(session, "need", "a_second")

        response = await client.get(URL)

        codes = table(response.json(), "need")["codes"]
        assert [c["code"] for c in codes if not c["builtin"]] == ["z_first", "a_second"]
        assert all(c["builtin"] for c in codes[:-2])

    async def test_inactive_added_code_is_not_listed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        session.add(
            DictionaryCode(
                table_name="exit_reason",
                code="retired_reason",
                label_zh="已停用",
                label_en="Retired",
                active=False,
            )
        )
        await session.commit()

        response = await client.get(URL)

        codes = table(response.json(), "exit_reason")["codes"]
        assert "retired_reason" not in {c["code"] for c in codes}
        assert all(c["builtin"] for c in codes)
