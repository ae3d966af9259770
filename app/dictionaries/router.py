from typing import Annotated

from fastapi import Depends, Header, Path, Response

from app.core.auth import Actor, actor_for
from app.core.errors import Conflict, ValidationFailed
from app.core.etag import etag_for_content, if_none_match_hits
from app.core.openapi import LOCATION, ResponseHeaders, problems, protected_problems, sends
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.dictionaries import service
from app.dictionaries.schemas import CodeIn, CodeOut, DictionariesOut, ExtensibleTable, Labels

CONTENT_ETAG: ResponseHeaders = {
    "ETag": {
        "description": "Hash of the tables: send it as `If-None-Match` to be answered 304 "
        "while no code was added.",
        "schema": {"type": "string"},
    }
}

router = api_router(prefix=f"{API_V1}/dictionaries", tags=["reference data"])


@router.get(
    "",
    response_model=DictionariesOut,
    summary="Every code table with zh-CN and en labels",
    description=(
        "Public. Carries an ETag: send it back in `If-None-Match` to get `304 Not Modified` "
        "while no code was added."
    ),
    responses={
        **sends(200, CONTENT_ETAG),
        304: {"description": "Not modified since the ETag you sent.", "headers": CONTENT_ETAG},
        **problems(ValidationFailed),
    },
)
async def dictionaries_list(
    session: ReadDbSession,
    response: Response,
    if_none_match: Annotated[
        str | None, Header(alias="If-None-Match", description="ETag from an earlier answer.")
    ] = None,
) -> Response | DictionariesOut:
    body = await service.all_tables(session)
    etag = etag_for_content(body.model_dump_json(by_alias=True).encode())
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if if_none_match_hits(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return body


Writer = Annotated[Actor, Depends(actor_for(Action.reference_write))]


@router.post(
    "/{table}/codes",
    response_model=CodeOut,
    status_code=201,
    summary="Add a code to an extensible code table (admins)",
    responses={**sends(201, LOCATION), **protected_problems(ValidationFailed, Conflict)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def dictionary_codes_create(
    table: Annotated[
        ExtensibleTable,
        Path(description="A table that takes additions (`extensible`), e.g. `hardship_cause`."),
    ],
    admin: Writer,
    response: Response,
    session: DbSession,
    body: CodeIn,
) -> CodeOut:
    addition = await service.add_code_audited(
        session, admin.context, table, body.code, body.label_zh, body.label_en
    )
    response.headers["Location"] = "/api/v1/dictionaries"
    return CodeOut(
        code=addition.code,
        labels=Labels(zh_cn=addition.label_zh, en=addition.label_en),
        group=None,
        builtin=False,
    )
