"""Imports: bulk upload of community screening files (摸排), processed by the worker."""

import uuid
from typing import Annotated

import anyio
from fastapi import Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.core.auth import Actor, actor_for
from app.core.config import IMPORT_UPLOAD_CEILING
from app.core.db import new_id
from app.core.errors import (
    MalformedBody,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from app.core.exports import XLSX_MEDIA_TYPE, attachment, csv_stream, xlsx_bytes
from app.core.openapi import LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.dictionaries import public as dictionaries
from app.imports import service, template, views
from app.imports.errors import ImportDuplicate, ImportFileTooLarge, ImportUnpackedTooLarge
from app.imports.schemas import ImportOut
from app.imports.upload import ENVELOPE_BYTES, check_declared_length, receive

router = api_router(prefix=f"{API_V1}/imports", tags=["ledger"])
Importer = Annotated[Actor, Depends(actor_for(Action.imports_run))]
ImportId = Annotated[uuid.UUID, Path(description="Import id.")]

CSV = "text/csv; charset=utf-8"
FileFormat = Annotated[
    str, Query(alias="format", pattern="^(csv|xlsx)$", description="`csv` or `xlsx`.")
]

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The screening file: CSV (UTF-8, with or without "
                            "BOM, or GB18030) or XLSX, laid out as the template. At most "
                            "`SANZHU_IMPORT_MAX_UPLOAD_BYTES` (default 10 MiB; else 413 "
                            "`import_file_too_large`); an XLSX may unpack to at most "
                            "`SANZHU_IMPORT_MAX_UNPACKED_BYTES` (default 64 MiB; else 413 "
                            "`import_unpacked_too_large`); more than `SANZHU_IMPORT_MAX_ROWS` "
                            "rows (default 20,000) fail the import.",
                        },
                        "dry_run": {
                            "type": "boolean",
                            "default": False,
                            "description": "Only check the file: errors are reported, nothing "
                            "is written to the ledger.",
                        },
                        "force": {
                            "type": "boolean",
                            "default": False,
                            "description": "Import even though the same file was imported "
                            "before (otherwise 409 `import_duplicate`).",
                        },
                        "encoding": {
                            "type": "string",
                            "enum": ["auto", "utf-8", "gb18030", "gbk"],
                            "default": "auto",
                            "description": "Text encoding of a CSV file; `auto` tries UTF-8, "
                            "then GB18030.",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    response_model=ImportOut,
    status_code=202,
    summary="Upload a screening file (CSV or XLSX) for import; the worker processes it",
    responses={
        **sends(202, LOCATION),
        **protected_problems(
            ValidationFailed,
            ImportDuplicate,
            ImportFileTooLarge,
            ImportUnpackedTooLarge,
            PayloadTooLarge,
            UnsupportedMediaType,
            MalformedBody,
        ),
    },
    # The route's own limit is only the ceiling of the setting, checked in the handler.
    openapi_extra={
        **route_options(body_limit=IMPORT_UPLOAD_CEILING + ENVELOPE_BYTES),
        **_UPLOAD_BODY,
    },
)
async def imports_create(
    request: Request, actor: Importer, response: Response, session: DbSession
) -> ImportOut:
    import_id = new_id()
    settings = actor.services.settings
    check_declared_length(request.headers.get("content-length"), settings.import_max_upload_bytes)
    upload = await receive(
        request.headers.get("content-type"),
        request.stream(),
        settings.imports_path / f"{import_id}.upload",
        max_bytes=settings.import_max_upload_bytes,
    )
    try:
        record = await service.create(session, actor, upload, import_id)
    except BaseException:
        await anyio.Path(upload.path).unlink(missing_ok=True)
        raise
    response.headers["Location"] = f"/api/v1/imports/{record.id}"
    return await views.import_out(session, record)


@router.get(
    "",
    response_model=Page[ImportOut],
    summary="List your imports and those uploaded within your jurisdiction",
    description="Order: oldest upload first (by id, which is time-ordered).",
    responses=protected_problems(ValidationFailed),
)
async def imports_list(
    actor: Importer, session: ReadDbSession, page: PageParams
) -> Page[ImportOut]:
    items, cursor = await service.search(session, actor, page)
    return Page(items=await views.imports_out(session, items), next_cursor=cursor)


@router.get(
    "/template",
    response_class=Response,
    summary="Download the screening template with Chinese column headers (CSV or XLSX)",
    responses={
        200: {
            "description": "The template; the XLSX explains the grouping rule and codes on a second sheet.",
            "content": {
                XLSX_MEDIA_TYPE: {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "(XLSX workbook)",
                },
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "填写说明：…\r\n*户编号,*所属区划代码,*家庭住址,…\r\n",
                },
            },
        },
        **protected_problems(ValidationFailed),
    },
)
async def imports_template(
    actor: Importer,
    session: ReadDbSession,
    file_format: FileFormat = "xlsx",
) -> Response:
    if file_format == "csv":
        return Response(
            template.csv_template(),
            media_type=CSV,
            headers={"Content-Disposition": attachment("摸排导入模板.csv")},
        )
    content = template.xlsx_template(await dictionaries.all_tables(session))
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": attachment("摸排导入模板.xlsx")},
    )


@router.get(
    "/{import_id}",
    response_model=ImportOut,
    summary="Get an import and its progress (rows done of rows total, households written and failed)",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def imports_get(import_id: ImportId, actor: Importer, session: ReadDbSession) -> ImportOut:
    return await views.import_out(session, await service.get(session, actor, import_id))


@router.get(
    "/{import_id}/errors",
    response_class=Response,
    summary="Download an import's row errors as CSV or XLSX (row, household key, column, code, message)",
    responses={
        200: {
            "description": "The stored errors in row order (UTF-8 CSV with BOM, or a workbook); "
            "when more errors were found than stored, a last line counts the others. Cells a "
            "spreadsheet would run as a formula start with `'`.",
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": '"行号","户编号","列","错误代码","说明"\r\n'
                    '"5","H002","身份证号","id_number_checksum","身份证号校验位不正确"\r\n',
                },
                XLSX_MEDIA_TYPE: {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "(XLSX workbook)",
                },
            },
        },
        **protected_problems(NotFound, ValidationFailed),
    },
)
async def imports_errors_get(
    import_id: ImportId,
    actor: Importer,
    session: ReadDbSession,
    file_format: FileFormat = "csv",
) -> Response:
    record = await service.get(session, actor, import_id)
    rows = service.error_report(actor.services.database, record)
    name = f"import-{record.id}-errors.{file_format}"
    headers = {"Content-Disposition": attachment(name)}
    if file_format == "xlsx":
        content = await xlsx_bytes("导入错误", rows)
        return Response(content, media_type=XLSX_MEDIA_TYPE, headers=headers)
    return StreamingResponse(csv_stream(rows), media_type=CSV, headers=headers)
