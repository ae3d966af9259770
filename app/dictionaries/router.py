from typing import Annotated

from fastapi import Header, Response

from app.core.errors import ValidationFailed
from app.core.etag import etag_for_content, if_none_match_hits
from app.core.openapi import problems
from app.core.routing import api_router
from app.core.uow import ReadDbSession
from app.dictionaries import service
from app.dictionaries.schemas import DictionariesOut

router = api_router(prefix="/dictionaries", tags=["reference data"])


@router.get(
    "",
    response_model=DictionariesOut,
    summary="Every code table with zh-CN and en labels",
    description=(
        "Public. Carries an ETag: send it back in `If-None-Match` to get `304 Not Modified` "
        "while no code was added."
    ),
    responses={
        304: {"description": "Not modified since the ETag you sent."},
        **problems(ValidationFailed),
    },
)
async def get_dictionaries(
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
