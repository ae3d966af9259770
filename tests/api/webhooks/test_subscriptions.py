"""Webhook subscriptions through HTTP: scope, the secret shown once and sealed, the SSRF
guard when a subscription is saved, updates and deletion."""

import base64

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.webhooks.models import WebhookSubscription
from app.webhooks.service import SECRET_CONTEXT
from tests.api.webhooks.flow import URL, organization_id, subscribe

HOOK = "https://hooks.redcross.example.cn/sanzhu"


async def test_a_partner_subscribes_and_sees_the_secret_once(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str]
) -> None:
    created = await subscribe(anonymous, red_cross, HOOK, description="转介")
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert created["organization_id"] == str(await organization_id(app, "red_cross"))
    assert created["status"] == "active"
    assert (created["created_by"]["type"], created["created_by"]["display_name"]) == (
        "api_client",
        "区红十字会救助系统",
    )

    one = await anonymous.get(f"{URL}/{created['id']}", headers=red_cross)
    listed = await anonymous.get(URL, headers=red_cross)
    assert one.status_code == 200
    assert one.headers["etag"] == 'W/"1"'
    assert "secret" not in one.json()
    assert [s["id"] for s in listed.json()["items"]] == [created["id"]]
    assert secret not in one.text + listed.text

    async with app.state.services.database.sessionmaker() as session:
        sealed = await session.scalar(select(WebhookSubscription.secret_cipher))
    assert sealed is not None
    assert secret not in sealed
    cipher = app.state.services.cipher
    assert cipher.decrypt(sealed, context=SECRET_CONTEXT) == secret


async def test_rotation_answers_a_new_secret_once(
    anonymous: httpx.AsyncClient, red_cross: dict[str, str]
) -> None:
    created = await subscribe(anonymous, red_cross, HOOK)
    rotated = await anonymous.post(f"{URL}/{created['id']}/rotate-secret", headers=red_cross)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != created["secret"]
    assert rotated.json()["version"] == 2


async def test_another_organisations_subscription_is_not_found(
    anonymous: httpx.AsyncClient,
    red_cross: dict[str, str],
    charity: dict[str, str],
    admin: dict[str, str],
) -> None:
    created = await subscribe(anonymous, red_cross, HOOK)
    one = f"{URL}/{created['id']}"
    assert (await anonymous.get(one, headers=charity)).status_code == 404
    assert (await anonymous.delete(one, headers=charity)).status_code == 404
    assert (await anonymous.post(f"{one}/rotate-secret", headers=charity)).status_code == 404
    assert (await anonymous.get(f"{one}/deliveries", headers=charity)).status_code == 404
    assert (await anonymous.get(URL, headers=charity)).json()["items"] == []
    assert (await anonymous.get(one, headers=admin)).status_code == 200
    assert len((await anonymous.get(URL, headers=admin)).json()["items"]) == 1


async def test_a_partner_subscribes_for_its_own_organisation_only(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str]
) -> None:
    other = await organization_id(app, "charity_federation")
    body = {"url": HOOK, "event_types": ["referral.created"], "organization_id": str(other)}
    response = await anonymous.post(URL, json=body, headers=red_cross)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "organization_not_yours"


async def test_an_admin_names_the_organisation(
    app: FastAPI, anonymous: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = {"url": HOOK, "event_types": ["charity_report.generated"]}
    missing = await anonymous.post(URL, json=body, headers=admin)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["body", "organization_id"]
    charity = await organization_id(app, "charity_federation")
    created = await subscribe(anonymous, admin, HOOK, organization_id=str(charity))
    assert created["organization_id"] == str(charity)
    assert created["created_by"]["type"] == "user"


async def test_event_types_come_from_the_catalogue(
    anonymous: httpx.AsyncClient, red_cross: dict[str, str]
) -> None:
    for event_types in (["household.created"], []):
        body = {"url": HOOK, "event_types": event_types}
        response = await anonymous.post(URL, json=body, headers=red_cross)
        assert response.status_code == 422, event_types


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1:8080/hooks", "target_loopback"),
        ("http://localhost/hooks", "target_loopback"),
        ("http://10.1.2.3/hooks", "target_private"),
        ("http://192.168.0.10/hooks", "target_private"),
        ("http://169.254.169.254/latest/meta-data", "target_link_local"),
        ("http://[::1]/hooks", "target_loopback"),
        ("http://[::ffff:127.0.0.1]/hooks", "target_loopback"),
        ("http://[fe80::1]/hooks", "target_link_local"),
        ("http://0.0.0.0/hooks", "target_unspecified"),
        ("http://224.0.0.1/hooks", "target_multicast"),
        ("http://100.64.0.1/hooks", "target_not_global"),
        ("https://partner:pw@hooks.example.cn/x", "target_credentials"),
        ("ftp://hooks.example.cn/x", "target_scheme"),
        ("https:///nohost", "target_malformed"),
        (f"https://{'a' * 70}.example.cn/x", "target_malformed"),
        ("https://hooks.example.cn:99999/x", "target_malformed"),
        ("https://hooks.example.cn/x#frag", "target_fragment"),
    ],
)
async def test_targets_webhooks_may_not_reach_are_refused_on_saving(
    anonymous: httpx.AsyncClient, red_cross: dict[str, str], url: str, code: str
) -> None:
    body = {"url": url, "event_types": ["referral.created"]}
    response = await anonymous.post(URL, json=body, headers=red_cross)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["loc"], error["code"]) == (["body", "url"], code)
    assert "{" not in error["msg"]


async def test_a_changed_url_is_checked_again(
    anonymous: httpx.AsyncClient, red_cross: dict[str, str]
) -> None:
    created = await subscribe(anonymous, red_cross, HOOK)
    response = await anonymous.patch(
        f"{URL}/{created['id']}",
        json={"url": "http://10.0.0.8/x"},
        headers={**red_cross, "If-Match": 'W/"1"'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "target_private"


async def test_update_disable_enable_and_delete(
    anonymous: httpx.AsyncClient, red_cross: dict[str, str]
) -> None:
    created = await subscribe(anonymous, red_cross, HOOK)
    one = f"{URL}/{created['id']}"
    no_match = await anonymous.patch(one, json={"active": False}, headers=red_cross)
    assert no_match.status_code == 428
    stale = await anonymous.patch(
        one, json={"active": False}, headers={**red_cross, "If-Match": 'W/"9"'}
    )
    assert stale.status_code == 412
    disabled = await anonymous.patch(
        one,
        json={"active": False, "event_types": ["referral.created"], "description": "仅新建"},
        headers={**red_cross, "If-Match": 'W/"1"'},
    )
    assert disabled.status_code == 200, disabled.text
    body = disabled.json()
    assert (body["status"], body["disabled_reason"]) == ("disabled", "requested")
    assert body["disabled_at"] is not None
    assert (body["event_types"], body["description"], body["version"]) == (
        ["referral.created"],
        "仅新建",
        2,
    )
    enabled = await anonymous.patch(
        one, json={"active": True}, headers={**red_cross, "If-Match": disabled.headers["etag"]}
    )
    assert (enabled.json()["status"], enabled.json()["disabled_reason"]) == ("active", None)
    assert (await anonymous.delete(one, headers=red_cross)).status_code == 204
    assert (await anonymous.get(one, headers=red_cross)).status_code == 404
