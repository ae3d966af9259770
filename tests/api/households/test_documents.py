"""The household's file (一户一档): documents uploaded, listed, described, served and voided.

Through HTTP with real sign-ins; the bytes land in the test's own documents directory.
"""

import asyncio
import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.config import Settings
from app.households.documents import service
from app.households.models import HouseholdDocument
from tests.api.households.ledger_http import (
    PDF,
    bearer,
    fetch,
    history,
    open_to_social_worker,
)
from tests.factories import GRID_B1_1, assign_household, create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


@pytest.fixture
async def home(app: FastAPI) -> uuid.UUID:
    household = await create_household(app)
    household_id: uuid.UUID = household.id
    return household_id


def _url(household_id: Any, *rest: Any) -> str:
    return "/".join([f"/api/v1/households/{household_id}/documents", *map(str, rest)])


async def _upload(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    household_id: Any,
    content: bytes = PDF,
    *,
    name: str = "授权委托书.pdf",
    content_type: str = "application/pdf",
    **fields: str,
) -> httpx.Response:
    return await http.post(
        _url(household_id),
        files={"file": (name, content, content_type)},
        data={"kind": "authorisation", **fields},
        headers=headers,
    )


def _stored(settings: Settings) -> list[Path]:
    """Files kept under their hash (the incoming directory aside)."""
    root = settings.documents_path
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name != "incoming")


def _incoming(settings: Settings) -> list[Path]:
    incoming = settings.documents_path / "incoming"
    return list(incoming.iterdir()) if incoming.exists() else []


async def _events(app: FastAPI, action: str) -> list[tuple[Any, ...]]:
    return await fetch(
        app,
        select(AuditEvent.outcome, AuditEvent.object_type, AuditEvent.object_id)
        .where(AuditEvent.action == action)
        .order_by(AuditEvent.id),
    )


class TestUpload:
    async def test_round_trip(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        home: uuid.UUID,
        settings: Settings,
    ) -> None:
        response = await _upload(anonymous, officer, home, note="社区代为申请")
        assert response.status_code == 201, response.text
        body = response.json()
        document_id = body["id"]
        assert response.headers["location"] == _url(home, document_id)
        assert body == {
            "id": document_id,
            "household_id": str(home),
            "kind": "authorisation",
            "media_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "original_filename": "授权委托书.pdf",
            "note": "社区代为申请",
            "holds_id_image": False,
            "uploaded_by": body["uploaded_by"],
            "uploaded_at": body["uploaded_at"],
            "voided_at": None,
            "voided_by": None,
            "void_reason": None,
        }
        described = await anonymous.get(_url(home, document_id), headers=officer)
        assert described.json() == body
        listed = await anonymous.get(_url(home), headers=officer)
        assert listed.json() == {"items": [body], "next_cursor": None}
        content = await anonymous.get(_url(home, document_id, "content"), headers=officer)
        assert content.status_code == 200
        assert content.content == PDF
        assert content.headers["content-type"] == "application/pdf"
        assert content.headers["etag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
        assert content.headers["x-content-type-options"] == "nosniff"
        assert content.headers["content-disposition"].startswith(
            f'attachment; filename="authorisation-{document_id}.pdf"'
        )
        [entry] = [
            e
            for e in await history(anonymous, officer, home)
            if e["action"] != "household.create" and e["action"] != "member.add"
        ]
        assert (entry["action"], entry["changes"]["document"]["after"]["id"]) == (
            "document.add",
            document_id,
        )
        assert _stored(settings) == [settings.documents_path / body["sha256"][:2] / body["sha256"]]
        assert _incoming(settings) == []

    async def test_the_same_bytes_are_stored_once(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        home: uuid.UUID,
        settings: Settings,
    ) -> None:
        other = (await create_household(app)).id
        first = await _upload(anonymous, officer, home)
        second = await _upload(anonymous, officer, other, name="另一户.pdf")
        assert first.json()["sha256"] == second.json()["sha256"]
        assert first.json()["id"] != second.json()["id"]
        assert len(_stored(settings)) == 1
        served = await anonymous.get(_url(other, second.json()["id"], "content"), headers=officer)
        assert served.content == PDF

    async def test_the_type_comes_from_the_bytes(
        self,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        home: uuid.UUID,
        settings: Settings,
    ) -> None:
        png = await _upload(anonymous, officer, home, PNG, name="证明.pdf", kind="certificate")
        assert png.status_code == 201, png.text
        assert png.json()["media_type"] == "image/png"
        served = await anonymous.get(_url(home, png.json()["id"], "content"), headers=officer)
        assert served.headers["content-type"] == "image/png"
        assert (
            f'filename="certificate-{png.json()["id"]}.png"'
            in served.headers["content-disposition"]
        )
        text = await _upload(
            anonymous,
            officer,
            home,
            b"<script>alert(1)</script>",
            name="photo.jpg",
            content_type="image/jpeg",
        )
        body = assert_problem(text, 415, "document_type_not_allowed")
        assert body["allowed"] == ["application/pdf", "image/jpeg", "image/png", "image/webp"]
        assert len(_stored(settings)) == 1
        assert _incoming(settings) == []

    async def test_a_jpeg_is_taken(
        self, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        response = await _upload(anonymous, officer, home, JPEG, name="x", kind="visit_photo")
        assert response.json()["media_type"] == "image/jpeg"

    async def test_exactly_the_limit_is_taken_one_byte_more_is_413(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        home: uuid.UUID,
        settings: Settings,
    ) -> None:
        settings.document_max_bytes = 4096
        exact = PDF + b"%" * (4096 - len(PDF))
        taken = await _upload(anonymous, officer, home, exact)
        assert (taken.status_code, taken.json()["size"]) == (201, 4096)
        refused = await _upload(anonymous, officer, home, exact + b"%")
        body = assert_problem(refused, 413, "document_too_large")
        assert body["limit"] == 4096
        assert len(_stored(settings)) == 1
        assert _incoming(settings) == []
        assert len(await fetch(app, select(HouseholdDocument.id))) == 1

    async def test_kind_and_file_are_checked(
        self, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        assert_invalid(
            await _upload(anonymous, officer, home, kind="passport"),
            ["body", "kind"],
            "unknown_code",
        )
        assert_invalid(
            await anonymous.post(
                _url(home), files={"file": ("a.pdf", PDF, "application/pdf")}, headers=officer
            ),
            ["body", "kind"],
            "missing",
        )
        assert_invalid(await _upload(anonymous, officer, home, b""), ["body", "file"], "file_empty")
        assert_invalid(
            await _upload(anonymous, officer, home, note="长" * 501),
            ["body", "note"],
            "too_long",
        )

    async def test_a_name_is_cleaned(
        self, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        response = await _upload(anonymous, officer, home, name="../../etc/\u202e证明.pdf")
        assert response.json()["original_filename"] == "证明.pdf"


class TestSlowUpload:
    async def test_other_writers_go_on_while_a_body_streams(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        """The household is checked before the body is read, without holding the write
        lock (SQLite's BEGIN IMMEDIATE) through a slow upload."""
        boundary = "sanzhu-test-boundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
            f'authorisation\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        go_on = asyncio.Event()

        async def body() -> Any:
            yield head + PDF[:10]
            await go_on.wait()
            yield PDF[10:] + f"\r\n--{boundary}--\r\n".encode()

        upload = asyncio.create_task(
            anonymous.post(
                _url(home),
                content=body(),
                headers={**officer, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        )
        await asyncio.sleep(0.3)
        other = await asyncio.wait_for(
            anonymous.post(
                f"/api/v1/households/{home}/exit-proposals",
                json={
                    "reason": "out_of_hardship",
                    "basis": {"code": "follow_up_visit", "on": business_today().isoformat()},
                },
                headers=officer,
            ),
            timeout=5,
        )
        assert other.status_code == 201, other.text
        go_on.set()
        uploaded = await upload
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["size"] == len(PDF)


class TestWhoUploads:
    @pytest.mark.parametrize("username", ["grid_worker", "district_officer", "auditor"])
    async def test_roles_that_keep_no_file_are_403(
        self, anonymous: httpx.AsyncClient, home: uuid.UUID, username: str
    ) -> None:
        response = await _upload(anonymous, await bearer(anonymous, username), home)
        assert_problem(response, 403, "forbidden")

    async def test_another_street_s_household_is_404_and_nothing_is_kept(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: uuid.UUID, settings: Settings
    ) -> None:
        other_street = await bearer(anonymous, "street_officer_2")
        assert_problem(await _upload(anonymous, other_street, home), 404, "not_found")
        assert _stored(settings) == []
        assert _incoming(settings) == []
        [(outcome, object_type, object_id)] = await _events(app, "denied:household.read")
        assert (outcome, object_type, object_id) == ("denied", "household", str(home))

    async def test_a_social_worker_uploads_with_its_agreement_only(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: uuid.UUID
    ) -> None:
        await assign_household(app, home)
        worker = await bearer(anonymous, "social_worker")
        refused = await _upload(anonymous, worker, home)
        assert_problem(refused, 403, "confidentiality_agreement_required")
        worker = await open_to_social_worker(app, anonymous)
        assert (await _upload(anonymous, worker, home)).status_code == 201


class TestMaskedRoles:
    async def test_a_grid_worker_is_never_served_id_images_nor_names(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        certificate = (
            await _upload(
                anonymous,
                officer,
                home,
                name="张秀英低保证明.pdf",
                kind="certificate",
                note="张秀英 13800000000",
            )
        ).json()
        id_card = (
            await _upload(
                anonymous, officer, home, JPEG, name="张秀英身份证.jpg", kind="id_card_image"
            )
        ).json()
        assert id_card["holds_id_image"] is True
        grid = await bearer(anonymous, "grid_worker")
        listed = (await anonymous.get(_url(home), headers=grid)).json()["items"]
        assert [(d["id"], d["original_filename"], d["note"]) for d in listed] == [
            (certificate["id"], None, None)
        ]
        for path in ((id_card["id"],), (id_card["id"], "content")):
            assert_problem(
                await anonymous.get(_url(home, *path), headers=grid), 403, "id_image_withheld"
            )
        served = await anonymous.get(_url(home, certificate["id"], "content"), headers=grid)
        assert served.content == PDF
        denied = await _events(app, "denied:household.document.content")
        assert denied == [("denied", "household_document", id_card["id"])]
        assert await _events(app, "denied:household.document.read") == [
            ("denied", "household_document", id_card["id"])
        ]
        everything = (await anonymous.get(_url(home), headers=officer)).json()["items"]
        assert [d["original_filename"] for d in everything] == [
            "张秀英低保证明.pdf",
            "张秀英身份证.jpg",
        ]

    async def test_a_social_worker_without_its_agreement_reads_nothing(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        document = (await _upload(anonymous, officer, home)).json()
        await assign_household(app, home)
        worker = await bearer(anonymous, "social_worker")
        for path in ((), (document["id"],), (document["id"], "content")):
            response = await anonymous.get(_url(home, *path), headers=worker)
            assert_problem(response, 403, "confidentiality_agreement_required")


class TestAudit:
    async def test_reads_and_uploads_are_audited(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        document = (await _upload(anonymous, officer, home)).json()
        await anonymous.get(_url(home), headers=officer)
        await anonymous.get(_url(home, document["id"]), headers=officer)
        await anonymous.get(_url(home, document["id"], "content"), headers=officer)
        assert await _events(app, "document.add") == [
            ("success", "household_document", document["id"])
        ]
        assert await _events(app, "household.documents.list") == [
            ("success", "household", str(home))
        ]
        for action in ("household.document.read", "household.document.content"):
            assert await _events(app, action) == [("success", "household_document", document["id"])]

    async def test_a_document_of_another_household_is_404(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        document = (await _upload(anonymous, officer, home)).json()
        other = (await create_household(app)).id
        for path in ((document["id"],), (document["id"], "content")):
            assert_problem(
                await anonymous.get(_url(other, *path), headers=officer), 404, "not_found"
            )
        theirs = (await create_household(app, region=GRID_B1_1)).id
        response = await anonymous.get(_url(theirs), headers=officer)
        assert_problem(response, 404, "not_found")


class TestVoid:
    async def test_a_voided_document_leaves_the_list_and_stays_for_the_audit(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: uuid.UUID
    ) -> None:
        document = (await _upload(anonymous, officer, home)).json()
        voided = await anonymous.post(
            _url(home, document["id"], "void"), json={"reason": "上传错了"}, headers=officer
        )
        assert voided.status_code == 200, voided.text
        assert (voided.json()["void_reason"], voided.json()["voided_at"] is not None) == (
            "上传错了",
            True,
        )
        assert (await anonymous.get(_url(home), headers=officer)).json()["items"] == []
        everything = await anonymous.get(
            _url(home), params={"include_voided": "true"}, headers=officer
        )
        assert [d["id"] for d in everything.json()["items"]] == [document["id"]]
        served = await anonymous.get(_url(home, document["id"], "content"), headers=officer)
        assert served.content == PDF
        again = await anonymous.post(
            _url(home, document["id"], "void"), json={"reason": "再次"}, headers=officer
        )
        body = assert_problem(again, 409, "invalid_transition")
        assert body["allowed"] == []
        assert await _events(app, "document.void") == [
            ("success", "household_document", document["id"])
        ]


def test_kinds_holding_id_images_come_from_the_dictionary() -> None:
    assert {
        "id_card_image",
        "hukou_book_image",
        "disability_certificate_image",
    } == service.ID_IMAGE_KINDS


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\张\\身份证.jpg", "身份证.jpg"),
        ("a\x07b\r\n.pdf", "ab.pdf"),
        ("\u202egpj.exe", "gpj.exe"),
        ("...", None),
        ("x" * 300, "x" * 255),
    ],
)
def test_a_file_name_keeps_only_its_printable_base(given: str, kept: str | None) -> None:
    assert service.clean_filename(given) == kept
