"""The household's file (一户一档): documents attached to a household, and their bytes."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from fastapi.responses import FileResponse

from app.core.auth import Actor, actor_for
from app.core.config import DOCUMENT_UPLOAD_CEILING
from app.core.errors import MalformedBody, PayloadTooLarge, UnsupportedMediaType
from app.core.exports import attachment
from app.core.openapi import LOCATION, protected_problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.core.uploads import ENVELOPE_BYTES, check_declared_length, receive
from app.households.documents import service, sniffing, storage
from app.households.documents.schemas import DocumentOut, DocumentVoid
from app.households.errors import (
    DocumentTooLarge,
    DocumentTypeNotAllowed,
    IdImageWithheld,
)
from app.households.http import (
    HOUSEHOLD,
    HOUSEHOLDS,
    PERSONAL_READ,
    HouseholdId,
    LedgerReader,
    answer_household_version,
    household_written,
)

router = api_router(prefix=HOUSEHOLDS + HOUSEHOLD + "/documents", tags=["ledger"])
DocumentWriter = Annotated[Actor, Depends(actor_for(Action.documents_write))]
DocumentId = Annotated[uuid.UUID, Path(description="Document id.")]
DOCUMENT = "/{document_id:uuid}"

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The document: PDF, JPEG, PNG or WebP, recognised "
                            "from its bytes (its name and Content-Type are not believed; else "
                            "415 `document_type_not_allowed`). At most "
                            "`SANZHU_DOCUMENT_MAX_BYTES` (default 10 MiB; else 413 "
                            "`document_too_large`).",
                        },
                        "kind": {
                            "type": "string",
                            "enum": sorted(service.KIND_CODES),
                            "description": "Dictionary `document_kind`.",
                        },
                        "note": {
                            "type": "string",
                            "maxLength": service.NOTE_MAX,
                            "description": "What the document is about (optional).",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    response_model=DocumentOut,
    status_code=201,
    summary="File a document in the household's file (ledger writers)",
    responses={
        **household_written(201, LOCATION),
        **protected_problems(
            *PERSONAL_READ,
            DocumentTypeNotAllowed,
            DocumentTooLarge,
            PayloadTooLarge,
            UnsupportedMediaType,
            MalformedBody,
        ),
    },
    openapi_extra={
        **route_options(body_limit=DOCUMENT_UPLOAD_CEILING + ENVELOPE_BYTES),
        **_UPLOAD_BODY,
    },
)
async def household_documents_create(
    household_id: HouseholdId,
    request: Request,
    actor: DocumentWriter,
    response: Response,
    reader: ReadDbSession,
    session: DbSession,
) -> DocumentOut:
    settings = actor.services.settings
    # Visibility first: a foreign household is 404 before a byte of the body is read. On the
    # read session, ended before the body streams: the write session's first statement
    # would take SQLite's write lock (BEGIN IMMEDIATE) for as long as the upload lasts.
    await service.readable(reader, actor, household_id)
    await reader.rollback()
    check_declared_length(
        request.headers.get("content-length"), settings.document_max_bytes, DocumentTooLarge
    )
    root = settings.documents_path
    upload = await receive(
        request.headers.get("content-type"),
        request.stream(),
        storage.incoming_path(root),
        max_bytes=settings.document_max_bytes,
        too_large=DocumentTooLarge,
        text_fields=frozenset({"kind", "note"}),
        max_text=4 * service.NOTE_MAX,
    )
    try:
        document = await service.add(session, actor, household_id, upload, root)
    finally:
        await storage.discard(upload.path)
    response.headers["Location"] = f"{HOUSEHOLDS}/{household_id}/documents/{document.id}"
    answer_household_version(response, session, household_id)
    return service.document_out(actor, document)


@router.get(
    "",
    response_model=Page[DocumentOut],
    summary="Documents of the household's file, oldest first",
    description="Ordered by id (upload time). Roles that see ID numbers masked are not "
    "listed documents whose kind holds an ID image; original names and notes are null for "
    "roles that may not see names in free text. The read is audited.",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_documents_list(
    household_id: HouseholdId,
    actor: LedgerReader,
    session: ReadDbSession,
    page: PageParams,
    include_voided: Annotated[
        bool, Query(description="Also list voided documents (kept for the audit trail).")
    ] = False,
) -> Page[DocumentOut]:
    found, cursor = await service.page(
        session, actor, household_id, page, include_voided=include_voided
    )
    return Page(items=[service.document_out(actor, d) for d in found], next_cursor=cursor)


@router.get(
    DOCUMENT,
    response_model=DocumentOut,
    summary="One document's description (not its bytes)",
    responses=protected_problems(*PERSONAL_READ, IdImageWithheld),
)
async def household_documents_get(
    household_id: HouseholdId,
    document_id: DocumentId,
    actor: LedgerReader,
    session: ReadDbSession,
) -> DocumentOut:
    document = await service.one(
        session, actor, household_id, document_id, "household.document.read"
    )
    return service.document_out(actor, document)


@router.get(
    DOCUMENT + "/content",
    response_class=FileResponse,
    summary="A document's bytes, as an attachment",
    description="Served with the type read from the bytes at upload, `Content-Disposition: "
    "attachment`, `X-Content-Type-Options: nosniff` and the SHA-256 as a strong ETag. A "
    "personal read, audited.",
    responses={
        200: {
            "description": "The document's bytes.",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}, "example": "(bytes)"}
                for media in sniffing.ALLOWED
            },
            "headers": {
                "ETag": {"description": "The SHA-256 of the bytes.", "schema": {"type": "string"}},
                "Content-Disposition": {
                    "description": "`attachment`, named `<kind>-<id>.<extension>`.",
                    "schema": {"type": "string"},
                },
            },
        },
        **protected_problems(*PERSONAL_READ, IdImageWithheld),
    },
)
async def household_documents_content(
    household_id: HouseholdId,
    document_id: DocumentId,
    actor: LedgerReader,
    session: ReadDbSession,
) -> FileResponse:
    document = await service.one(
        session, actor, household_id, document_id, "household.document.content"
    )
    return FileResponse(
        service.content_path(actor, document),
        media_type=document.media_type,
        headers={
            "ETag": f'"{document.sha256}"',
            "Content-Disposition": attachment(service.download_name(document)),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post(
    DOCUMENT + "/void",
    response_model=DocumentOut,
    summary="Void a document filed by mistake; it stays for the audit trail",
    responses={**household_written(200), **protected_problems(*PERSONAL_READ, InvalidTransition)},
)
async def household_documents_void(
    household_id: HouseholdId,
    document_id: DocumentId,
    actor: DocumentWriter,
    response: Response,
    session: DbSession,
    body: DocumentVoid,
) -> DocumentOut:
    document = await service.void(session, actor, household_id, document_id, body.reason)
    answer_household_version(response, session, household_id)
    return service.document_out(actor, document)
