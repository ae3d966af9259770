"""Errors of bulk imports, each with a stable code and messages in both languages."""

import uuid

from app.core.errors import AppError
from app.core.i18n import Message, register_messages


class ImportDuplicate(AppError):
    """409: this very file (same SHA-256) was imported already, or is being imported; `force` overrides."""

    status = 409
    code = "import_duplicate"

    def __init__(self, first_import_id: uuid.UUID) -> None:
        super().__init__(
            params={"import_id": str(first_import_id)},
            extra={"import_id": str(first_import_id)},
        )


register_messages(
    {
        "import_duplicate": Message(
            "该文件已导入过",
            "File already imported",
            "内容完全相同的文件已由导入 {import_id} 导入（或正在导入）；确需再次导入请设置 force=true。",
            "A file with the same content was imported (or is being imported) by import {import_id}; send force=true to import it again.",
        ),
    }
)
