"""The household's file (一户一档, DOMAIN 4): documents attached to a household.

Documents are personal data (an authorisation names the family, a certificate its
illness, an ID image its numbers): reading one is a personal read (the social-worker
confidentiality gate, Beijing 7), audited; roles that see ID numbers masked are never
served a document whose kind holds an ID image (`document_kind` attribute
`holds_id_image`): such documents are left out of their lists, and fetching one by id is
403 `id_image_withheld`, audited as refused. Names in free text (the original file name,
the note, a void reason) go only to roles that see names and phones whole.
"""

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.field_messages import CHARACTERS
from app.core.masking import PersonalField
from app.core.pagination import PageRequest
from app.core.transitions import InvalidTransition
from app.core.uploads import Upload
from app.dictionaries.public import CodeOf, codes_with
from app.households import access, changes
from app.households.changes import Change
from app.households.documents import repository, sniffing, storage
from app.households.documents.schemas import DocumentOut
from app.households.errors import DocumentTypeNotAllowed, IdImageWithheld
from app.households.events import Event
from app.households.models import HouseholdDocument

KINDS = "document_kind"
ID_IMAGE_KINDS = codes_with(KINDS, "holds_id_image")
"""Kinds whose documents show an ID number (the dictionary says which)."""
KIND_CODES = frozenset(CodeOf(KINDS).codes)
NOTE_MAX = 500
OBJECT = "household_document"


def sees_id_images(actor: Actor) -> bool:
    return actor.viewer.sees_full(PersonalField.id_number)


def _free_text(actor: Actor, value: str | None) -> str | None:
    return value if actor.viewer.sees_full(PersonalField.text) else None


def document_out(actor: Actor, document: HouseholdDocument) -> DocumentOut:
    return DocumentOut(
        id=document.id,
        household_id=document.household_id,
        kind=document.kind,
        media_type=document.media_type,
        size=document.size,
        sha256=document.sha256,
        original_filename=_free_text(actor, document.original_filename),
        note=_free_text(actor, document.note),
        holds_id_image=document.kind in ID_IMAGE_KINDS,
        uploaded_by=document.uploaded_by,
        uploaded_at=document.uploaded_at,
        voided_at=document.voided_at,
        voided_by=document.voided_by,
        void_reason=_free_text(actor, document.void_reason),
    )


def clean_filename(name: str) -> str | None:
    """The file's own name (no directories), NFC, without control or format characters
    (no header injection, no right-to-left overrides), at most 255 characters."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    kept = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    return kept[:255] or None


@dataclass(frozen=True, slots=True)
class Received:
    """An upload checked: what it is, what it is for."""

    kind: str
    note: str | None
    media_type: str


def check_upload(upload: Upload) -> Received:
    """The form's fields and the file's type, before anything is kept: 422 for a missing or
    unknown kind, a note over 500 characters or an empty file; 415 for a type not taken."""
    kind = upload.fields.get("kind", "")
    if not kind:
        raise ValidationFailed.at(["body", "kind"], "missing")
    if kind not in KIND_CODES:
        raise ValidationFailed.at(["body", "kind"], "unknown_code")
    note = upload.fields.get("note") or None
    if note is not None and len(note) > NOTE_MAX:
        raise ValidationFailed.at(["body", "note"], "too_long", max_length=NOTE_MAX, **CHARACTERS)
    if upload.size == 0:
        raise ValidationFailed.at(["body", "file"], "file_empty")
    media_type = sniffing.sniff(upload.head)
    if media_type is None:
        raise DocumentTypeNotAllowed(list(sniffing.ALLOWED))
    return Received(kind, note, media_type)


async def readable(session: ReadSession, actor: Actor, household_id: uuid.UUID) -> None:
    """The household's file may be read by this actor (404 out of reach; the social
    worker's confidentiality gate, 403)."""
    await access.personal(session, actor, household_id)


async def add(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    upload: Upload,
    root: Path,
) -> HouseholdDocument:
    """File a document in the household's file (一户一档): its bytes kept under their hash,
    the row, the history entry, the audit event. The household is checked before the body
    is read (`readable`) and locked only now, once the bytes are in."""
    received = check_upload(upload)
    household = await access.writable(session, actor, household_id)
    await storage.keep(root, upload.path, upload.sha256)
    document = HouseholdDocument(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        kind=received.kind,
        sha256=upload.sha256,
        size=upload.size,
        media_type=received.media_type,
        original_filename=clean_filename(upload.file_name),
        note=received.note,
        uploaded_by=actor.principal.id,
        uploaded_at=utcnow(),
    )
    session.add(document)
    await session.flush()
    summary = {"id": str(document.id), "kind": document.kind, "media_type": document.media_type}
    await changes.record(
        session,
        actor,
        household,
        Change(
            "document.add",
            Event.changed,
            {"document": {"before": None, "after": summary}},
            audit_object=(OBJECT, document.id),
            audit_fields=["file", "kind", *(["note"] if document.note else [])],
        ),
    )
    return document


async def add_bytes(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    content: bytes,
    *,
    kind: str,
    file_name: str,
    note: str | None = None,
) -> HouseholdDocument:
    """File a document given whole in memory (the demo data), by the same rules as an upload."""
    root = actor.services.settings.documents_path
    part = storage.incoming_path(root)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(content)
    upload = Upload(
        path=part,
        file_name=file_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        head=content[: sniffing.HEAD_BYTES],
        fields={"kind": kind, **({"note": note} if note else {})},
    )
    try:
        return await add(session, actor, household_id, upload, root)
    finally:
        await storage.discard(part)


async def page(
    session: ReadSession,
    actor: Actor,
    household_id: uuid.UUID,
    page_request: PageRequest,
    *,
    include_voided: bool,
) -> tuple[list[HouseholdDocument], str | None]:
    """The household's documents an actor may be served; the read is audited."""
    household = await access.personal(session, actor, household_id)
    hidden = () if sees_id_images(actor) else ID_IMAGE_KINDS
    found = await repository.page(
        session, household.id, page_request, include_voided=include_voided, hidden_kinds=hidden
    )
    access.audit_read(session, actor, "household.documents.list", household)
    return found


async def one(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, document_id: uuid.UUID, action: str
) -> HouseholdDocument:
    """A document an actor may be served (404 out of reach or of another household, 403 an
    ID image for a masked role); the read is audited as `action`."""
    household = await access.personal(session, actor, household_id)
    document = await repository.get(session, household.id, document_id)
    if document is None:
        raise NotFound("材料", "document")
    if document.kind in ID_IMAGE_KINDS and not sees_id_images(actor):
        raise IdImageWithheld().refusing(
            action=action,
            object_type=OBJECT,
            object_id=str(document.id),
            region_code=household.region_code,
        )
    access.audit_read(session, actor, action, household, subject=(OBJECT, document.id))
    return document


async def void(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    document_id: uuid.UUID,
    reason: str,
) -> HouseholdDocument:
    """Void a document filed by mistake: it leaves the lists, and its row and bytes stay for
    the audit trail (never deleted). A voided document cannot be voided again (409)."""
    household = await access.writable(session, actor, household_id)
    document = await repository.get(session, household.id, document_id)
    if document is None:
        raise NotFound("材料", "document")
    if document.voided_at is not None:
        raise InvalidTransition("voided", [])
    document.voided_at = utcnow()
    document.voided_by = actor.principal.id
    document.void_reason = reason.strip()
    summary = {"id": str(document.id), "kind": document.kind}
    await changes.record(
        session,
        actor,
        household,
        Change(
            "document.void",
            Event.changed,
            {"document": {"before": summary, "after": {**summary, "voided": True}}},
            audit_object=(OBJECT, document.id),
            audit_fields=["voided_at", "void_reason"],
        ),
    )
    return document


def content_path(actor: Actor, document: HouseholdDocument) -> Path:
    """Where the document's bytes are; a missing file is the server's fault (500, logged)."""
    path = storage.path_of(actor.services.settings.documents_path, document.sha256)
    if not path.is_file():
        raise RuntimeError(f"document file missing: {document.sha256}")
    return path


def download_name(document: HouseholdDocument) -> str:
    """The name a download is saved under: kind and id, never the uploaded name (it may name
    the person, and it came from the client)."""
    return f"{document.kind}-{document.id}.{sniffing.EXTENSIONS[document.media_type]}"
