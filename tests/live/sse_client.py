"""A minimal Server-Sent Events reader over http.client, for tests and benchmarks speaking to the real server."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Message:
    event: str
    data: str
    id: int | None = None

    @property
    def value(self) -> Any:
        return json.loads(self.data)


@dataclass
class SseStream:
    response: http.client.HTTPResponse
    connection: http.client.HTTPConnection
    last_id: int | None = None
    comments: int = 0
    ended: bool = False
    retries: list[int] = field(default_factory=list)

    @property
    def status(self) -> int:
        return self.response.status

    def next(self) -> Message | None:
        """The next message (comments and retry lines counted, not returned); None at the end of the stream."""
        event, data, message_id = "message", [], None
        while True:
            line = self.response.readline()
            if not line:
                self.ended = True
                return None
            text = line.decode().rstrip("\n")
            if text == "":
                if data:
                    if message_id is not None:
                        self.last_id = message_id
                    return Message(event, "\n".join(data), message_id)
                event, data, message_id = "message", [], None
                continue
            if text.startswith(":"):
                self.comments += 1
                continue
            name, _, value = text.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                message_id = int(value)
            elif name == "retry":
                self.retries.append(int(value))

    def read_until(self, event: str, limit: int = 1_000_000) -> list[Message]:
        messages = []
        for _ in range(limit):
            message = self.next()
            if message is None:
                break
            messages.append(message)
            if message.event == event:
                break
        return messages

    def close(self) -> None:
        self.connection.close()


def open_stream(
    port: int, path: str, *, last_event_id: int | None = None, receive_buffer: int | None = None, **headers: str
) -> SseStream:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    if receive_buffer is not None:  # a slow client: a small window, filled at once when it stops reading
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)  # before connect: the window
        sock.settimeout(60)
        sock.connect(("127.0.0.1", port))
        connection.sock = sock
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    connection.request("GET", path, headers={"Accept": "text/event-stream", **headers})
    return SseStream(connection.getresponse(), connection)
