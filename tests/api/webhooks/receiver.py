"""A tiny HTTP/1.1 receiver on 127.0.0.1 for webhook tests: it answers scripted statuses
(then 200) and keeps every request it got."""

import asyncio
from dataclasses import dataclass, field


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drip_seconds: float = 0.0
    """When set, the body goes one byte at a time with this pause between bytes (a receiver
    that never lets a read time out)."""


class Receiver:
    def __init__(self) -> None:
        self.script: list[Answer] = []
        self.received: list[Received] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, *answers: Answer) -> None:
        """The next requests' answers, in order; 200 once they are used up."""
        self.script.extend(answers)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.received.append(Received(path, headers, body))
        answer = self.script.pop(0) if self.script else Answer(200, body=b"ok")
        extra = "".join(f"{k}: {v}\r\n" for k, v in answer.headers.items())
        writer.write(
            f"HTTP/1.1 {answer.status} X\r\ncontent-length: {len(answer.body)}\r\n{extra}"
            f"connection: close\r\n\r\n".encode()
        )
        if answer.drip_seconds:
            for byte in answer.body:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(answer.drip_seconds)
        else:
            writer.write(answer.body)
        await writer.drain()
        writer.close()
