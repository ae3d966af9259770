"""AppRouter: a router no route of which can take the path is passed over, and nothing else changes."""

import uuid

import httpx
from fastapi import FastAPI
from starlette.routing import Match

from app.core.routing import AppRouter


def _app() -> tuple[FastAPI, AppRouter, AppRouter]:
    first = AppRouter(prefix="/v/things")
    second = AppRouter(prefix="/v")

    @first.get("/{thing_id}")
    async def thing(thing_id: uuid.UUID) -> dict[str, str]:
        return {"route": "thing", "id": str(thing_id)}

    @first.post("/{thing_id}/parts/{part:int}")
    async def part(thing_id: uuid.UUID, part: int) -> dict[str, object]:
        return {"route": "part", "part": part}

    @second.get("/others/")
    async def others() -> dict[str, str]:
        return {"route": "others"}

    app = FastAPI()
    app.include_router(first)
    app.include_router(second)
    return app, first, second


def _scope(path: str, method: str = "GET") -> dict[str, object]:
    return {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}


class TestFilter:
    def test_a_path_none_of_its_routes_takes_is_refused_before_route_matching(self) -> None:
        _, first, second = _app()
        assert first.matches(_scope("/v/others/"))[0] is Match.NONE
        assert second.matches(_scope(f"/v/things/{uuid.uuid4()}"))[0] is Match.NONE

    def test_the_filter_follows_routes_added_later(self) -> None:
        _, _, second = _app()

        @second.get("/late")
        async def late() -> dict[str, str]:
            return {}

        pattern = second._path_filter()
        assert pattern is not None
        assert pattern.match("/v/late") is not None


class TestRequests:
    async def _get(self, method: str, path: str) -> httpx.Response:
        app, _, _ = _app()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.request(method, path)

    async def test_routes_of_a_later_router_are_found_with_their_parameters(self) -> None:
        thing_id = uuid.uuid4()
        response = await self._get("GET", f"/v/things/{thing_id}")
        assert response.json() == {"route": "thing", "id": str(thing_id)}
        response = await self._get("POST", f"/v/things/{thing_id}/parts/7")
        assert response.json() == {"route": "part", "part": 7}

    async def test_a_convertor_still_decides(self) -> None:
        response = await self._get("POST", f"/v/things/{uuid.uuid4()}/parts/seven")
        assert response.status_code == 404

    async def test_another_method_on_a_known_path_is_405_with_allow(self) -> None:
        response = await self._get("DELETE", f"/v/things/{uuid.uuid4()}")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET"

    async def test_the_trailing_slash_redirect_still_finds_its_route(self) -> None:
        response = await self._get("GET", "/v/others")
        assert response.status_code == 307
        assert response.headers["location"] == "http://t/v/others/"
