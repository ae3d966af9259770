"""Shapes of a household's documents (一户一档)."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.dictionaries.public import CodeOf

DocumentKind = Annotated[str, CodeOf("document_kind")]
MediaType = Literal["application/pdf", "image/jpeg", "image/png", "image/webp"]
"""What `sniffing` recognises (a test keeps the two lists equal)."""

_EXAMPLE: dict[str, Any] = {
    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31",
    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
    "kind": "authorisation",
    "media_type": "application/pdf",
    "size": 183204,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "original_filename": "授权委托书.pdf",
    "note": "社区代为申请的授权委托书",
    "holds_id_image": False,
    "uploaded_by": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e14",
    "uploaded_at": "2026-12-02T08:00:00Z",
    "voided_at": None,
    "voided_by": None,
    "void_reason": None,
}


class DocumentOut(BaseModel):
    """A document of the household's file: what it is, not its bytes (`.../content`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: uuid.UUID = Field(description="Document id.")
    household_id: uuid.UUID = Field(description="The household whose file holds it.")
    kind: DocumentKind = Field(description="Dictionary `document_kind`.")
    media_type: MediaType = Field(
        description="What the bytes are, read from them: `application/pdf`, `image/jpeg`, "
        "`image/png` or `image/webp`."
    )
    size: int = Field(description="Size in bytes.")
    sha256: str = Field(description="SHA-256 of the bytes (hex); the content's ETag.")
    original_filename: str | None = Field(
        description="The uploaded file's name, cleaned; null for roles that may not see "
        "names in free text (it often names the person)."
    )
    note: str | None = Field(
        description="What the uploader wrote about it; null when none or when the role may "
        "not see names in free text."
    )
    holds_id_image: bool = Field(
        description="Whether its kind shows an ID number (`holds_id_image` of the kind): only "
        "roles that see ID numbers whole are served such documents."
    )
    uploaded_by: uuid.UUID = Field(description="User who uploaded it.")
    uploaded_at: datetime = Field(description="When it was uploaded.")
    voided_at: datetime | None = Field(description="When it was voided; null while valid.")
    voided_by: uuid.UUID | None = Field(description="User who voided it.")
    void_reason: str | None = Field(
        description="Why it was voided; null for roles that may not see names in free text."
    )


class DocumentVoid(BaseModel):
    """Voiding a document: it leaves the list, stays readable for the audit trail."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "上传错了家庭的材料"}]}
    )

    reason: str = Field(min_length=1, max_length=500, description="Why it is voided.")
