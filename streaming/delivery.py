"""One message in a consumer's hands (`Delivery`), and the place in the stream its ack subject tells."""

from __future__ import annotations

from streaming.pull.wire import header_in_block, parse_headers
from streaming.source_header import SOURCE_HEADER, SourcedFrom, source_in_header_block, sourced_from

_NOT_READ = object()


class Delivery:
    """One message in hand: what a consumer sees of it.

    Its headers and its place in the stream (sequence, times delivered, when stored, from the ack
    subject) are parsed only when asked for: the projector skims most messages by their payload alone,
    and parsing every one was a tenth of its CPU on a backlog.
    """

    __slots__ = (
        "_header_block",
        "_headers",
        "_origin",
        "_position",
        "data",
        "may_have_overtaken",
        "reply",
        "subject",
    )

    def __init__(
        self,
        subject: str,
        data: bytes,
        headers: dict[str, str] | None = None,
        reply: bytes | None = None,
        *,
        header_block: bytes = b"",
        position: tuple[int, int, int] | None = None,
    ) -> None:
        self.subject = subject
        self.data = data
        self.reply = reply  # the ack subject
        self._headers = headers
        self._header_block = header_block
        self._position = position  # (stream sequence, times delivered, stored-at nanoseconds)
        self._origin: SourcedFrom | object | None = _NOT_READ
        # Delivered shortly after a pull connection was lost: messages the server handed to that
        # connection come back after the ack wait, so earlier messages may arrive after this one.
        self.may_have_overtaken = False

    @property
    def headers(self) -> dict[str, str] | None:
        if self._headers is None and self._header_block:
            self._headers = parse_headers(self._header_block)
        return self._headers

    @property
    def position(self) -> tuple[int, int, int]:
        """(stream_seq, num_delivered, timestamp_ns) at once: for a consumer that reads them of every message."""
        return self._position or self._parsed_position()

    @property
    def stream_seq(self) -> int:
        """Its GAME_EVENTS sequence: a copy in GAME_EVENTS_PARTITIONED has its original's (docs/operations.md)."""
        return self._parsed_position()[0]

    @property
    def origin_subject(self) -> str:
        """The subject it was published to: a sourced copy's original subject."""
        source = self._source()
        return source.subject if source is not None and source.subject else self.subject

    @property
    def num_delivered(self) -> int:
        return self._parsed_position()[1]

    @property
    def timestamp_ns(self) -> int:
        """When the stream stored the message."""
        return self._parsed_position()[2]

    @property
    def msg_id(self) -> str | None:
        if self._headers is None and self._header_block:  # read in place: the detector asks it of every message
            return header_in_block(self._header_block, "Nats-Msg-Id")
        headers = self._headers
        return headers.get("Nats-Msg-Id") if headers else None

    def _parsed_position(self) -> tuple[int, int, int]:
        if self._position is None:
            assert self.reply, "a delivery without an ack subject was given no position"
            position = parse_ack_reply(self.reply)
            source = self._source()
            self._position = position if source is None else (source.seq, position[1], position[2])
        return self._position

    def _source(self) -> SourcedFrom | None:
        """Where a sourced copy came from, read once; None for any other message."""
        if self._origin is _NOT_READ:
            if self._header_block:  # one header found in place: no parsing of the others
                self._origin = source_in_header_block(self._header_block)
            else:
                self._origin = sourced_from(self._headers.get(SOURCE_HEADER)) if self._headers else None
        return self._origin

    def __repr__(self) -> str:
        return f"Delivery(subject={self.subject!r}, stream_seq={self.stream_seq}, data={self.data[:60]!r})"


def parse_ack_reply(reply: str | bytes) -> tuple[int, int, int]:
    """(stream sequence, times delivered, stored-at nanoseconds) from a JetStream ack subject, both formats.
    Bytes as received are split as they are (int() reads ASCII digits in bytes): no decoding."""
    tokens = reply.split(b".") if isinstance(reply, bytes) else reply.split(".")
    if len(tokens) == 9:  # $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
        return int(tokens[5]), int(tokens[4]), int(tokens[7])
    # $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>[.<token>]
    return int(tokens[7]), int(tokens[6]), int(tokens[9])
