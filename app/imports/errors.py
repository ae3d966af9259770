"""Errors of bulk imports, each with a stable code and messages in both languages."""

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError, PayloadTooLarge, SizeLimit
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class FirstImport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"import_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"}]}
    )

    import_id: uuid.UUID = Field(description="The import that took this very file first.")


class ImportDuplicate(AppError):
    """409: this very file (same SHA-256) was imported already, or is being imported; `force` overrides."""

    status = 409
    code = "import_duplicate"
    members_model = FirstImport

    def __init__(self, first_import_id: uuid.UUID) -> None:
        super().__init__(
            params={"import_id": str(first_import_id)},
            members=FirstImport(import_id=first_import_id),
        )


class ImportFileTooLarge(PayloadTooLarge):
    """413: the uploaded file is larger than `SANZHU_IMPORT_MAX_UPLOAD_BYTES`."""

    code = "import_file_too_large"
    members_model = SizeLimit

    def __init__(self, limit: int) -> None:
        super().__init__(params={"limit": limit}, members=SizeLimit(limit=limit))


class UnpackLimits(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"limit": 209_715_200, "max_ratio": 100, "reason": "compression_ratio"}]
        }
    )

    limit: int = Field(description="The most all the workbook's parts may unpack to, in bytes.")
    max_ratio: int = Field(description="The highest compression ratio one part may have.")
    reason: Literal["unpacked_bytes", "compression_ratio", "parts"] = Field(
        description="Which limit the workbook exceeds."
    )


class ImportUnpackedTooLarge(PayloadTooLarge):
    """413: the XLSX declares more than it may unpack to (a zip bomb, or a workbook to split).

    `reason` says which limit: `unpacked_bytes` (all parts together, `limit`),
    `compression_ratio` (one part, `max_ratio`) or `parts` (how many).
    """

    code = "import_unpacked_too_large"
    members_model = UnpackLimits

    def __init__(self, limit: int, max_ratio: int, reason: str) -> None:
        super().__init__(
            params={"limit": limit},
            members=UnpackLimits(limit=limit, max_ratio=max_ratio, reason=reason),
        )


register_messages(
    {
        "import_file_too_large": Message(
            "导入文件过大",
            "Import file too large",
            "导入文件不能超过 {limit} 字节；请拆分后分批上传。",
            "The file may not exceed {limit} bytes; split it and upload the parts one by one.",
        ),
        "import_unpacked_too_large": Message(
            "Excel 文件解压后过大",
            "Workbook unpacks too large",
            "Excel 文件解压后不能超过 {limit} 字节，其中的部件也不能异常高度压缩；"
            "请删除多余的空白行、格式和工作表，或拆分后分批上传。",
            "The workbook may not unpack to more than {limit} bytes, nor hold an unusually "
            "highly compressed part; remove surplus blank rows, formatting and sheets, or "
            "split it and upload the parts one by one.",
        ),
        "import_duplicate": Message(
            "该文件已导入过",
            "File already imported",
            "内容完全相同的文件已由导入 {import_id} 导入（或正在导入）；确需再次导入请设置 force=true。",
            "A file with the same content was imported (or is being imported) by import {import_id}; send force=true to import it again.",
        ),
    }
)


register_field_messages(
    {
        "unsupported_file_format": FieldMessage(
            "请将工作簿另存为 .xlsx 或 .csv", "save the workbook as .xlsx or .csv"
        )
    }
)
