"""The pull connection: its frame parser (pure), and connecting to real servers with auth and pings."""

import asyncio
import random
import shutil
import subprocess
import time

import pytest

from devtools.embedded import EmbeddedNats, free_port, port_is_open
from streaming.delivery import Delivery, parse_ack_reply
from streaming.pull.connection import PullConnection
from streaming.pull.wire import FrameParser, UnusableNatsUrl, check_servers, header_in_block, parse_headers
from tests.streaming.stall_proxy import StallProxy

PAYLOAD_WITH_PROTOCOL_INSIDE = b'{"text": "HMSG a 1 2 3\r\nPING\r\n"}'
WIRE = b"".join(
    [
        b'INFO {"server_id": "x"}\r\n',
        b"HMSG game.r1.events 1 $JS.ACK.S.c.1.7.7.1.0 33 %d\r\n" % (33 + len(PAYLOAD_WITH_PROTOCOL_INSIDE)),
        b"NATS/1.0\r\nNats-Msg-Id: r1:t:0\r\n\r\n" + PAYLOAD_WITH_PROTOCOL_INSIDE + b"\r\n",
        b"PING\r\n",
        b"HMSG _INBOX.x 1 28 28\r\nNATS/1.0 404 No Messages\r\n\r\n\r\n",
        b"MSG game.r2.events 1 $JS.ACK.S.c.1.8.8.1.0 2\r\n{}\r\n",
        b"MSG plain 1 0\r\n\r\n",
        b"+OK\r\n",
        b"-ERR 'Slow Consumer'\r\n",
    ]
)
FRAMES = [
    b'INFO {"server_id": "x"}',
    (
        b"game.r1.events",
        b"$JS.ACK.S.c.1.7.7.1.0",
        b"NATS/1.0\r\nNats-Msg-Id: r1:t:0\r\n\r\n",
        PAYLOAD_WITH_PROTOCOL_INSIDE,
    ),
    b"PING",
    (b"_INBOX.x", None, b"NATS/1.0 404 No Messages\r\n\r\n", b""),
    (b"game.r2.events", b"$JS.ACK.S.c.1.8.8.1.0", b"", b"{}"),
    (b"plain", None, b"", b""),
    b"+OK",
    b"-ERR 'Slow Consumer'",
]


def feed_in_chunks(chunks: list[bytes]) -> list:
    parser = FrameParser()
    frames = []
    for chunk in chunks:
        frames.extend(parser.feed(chunk))
    return frames


def test_frames_read_at_once():
    assert feed_in_chunks([WIRE]) == FRAMES


def test_frames_split_at_every_byte_come_out_the_same():
    for cut in range(1, len(WIRE)):
        assert feed_in_chunks([WIRE[:cut], WIRE[cut:]]) == FRAMES, cut


def test_frames_fed_in_random_pieces_come_out_the_same():
    rng = random.Random(3)
    wire = WIRE * 20
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(wire)), rng.randint(1, 30)))
        chunks = [wire[a:b] for a, b in zip([0, *cuts], [*cuts, len(wire)], strict=True)]
        assert feed_in_chunks(chunks) == FRAMES * 20


def test_headers_and_statuses_are_parsed_as_nats_py_reports_them():
    assert parse_headers(b"NATS/1.0\r\nNats-Msg-Id: r1:2026-01-01T00:00:00Z:4\r\nX-Two:b\r\n\r\n") == {
        "Nats-Msg-Id": "r1:2026-01-01T00:00:00Z:4",
        "X-Two": "b",
    }
    assert parse_headers(b"NATS/1.0 409 Consumer Deleted\r\n\r\n") == {
        "Status": "409",
        "Description": "Consumer Deleted",
    }
    assert parse_headers(b"NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 5\r\n\r\n") == {
        "Status": "100",
        "Description": "Idle Heartbeat",
        "Nats-Last-Consumer": "5",
    }


@pytest.mark.parametrize(
    "block",
    [
        b"NATS/1.0\r\nNats-Msg-Id: r1:2026-01-01T00:00:00Z:4\r\n\r\n",
        b"NATS/1.0\r\nX-Two:b\r\nNats-Msg-Id:r1:2026-01-01T00:00:00Z:5  \r\n\r\n",
        b"NATS/1.0\r\nNats-Stream-Source: GAME_EVENTS 17 > > game.r1.events\r\nNats-Msg-Id: r1:x:1",
        b"NATS/1.0\r\nX-Nats-Msg-Id: not-this\r\n\r\n",
        b"NATS/1.0 100 Idle Heartbeat\r\n\r\n",
    ],
)
def test_a_delivery_reads_its_msg_id_in_place_as_the_whole_parse_does(block):
    whole = Delivery("game.r1.events", b"{}", headers=parse_headers(block))
    in_place = Delivery("game.r1.events", b"{}", header_block=block)
    assert in_place.msg_id == whole.msg_id
    assert in_place.msg_id == header_in_block(block, "Nats-Msg-Id")


@pytest.mark.parametrize(
    ("servers", "advice"),
    [
        ([], "names no server"),
        (["ws://127.0.0.1:8080"], "give the nats:// .or tls://. address"),
        (["nats://127.0.0.1:4222", "wss://user:secret@example.com:443"], "uses wss://.*does not speak"),
        (["nats://127.0.0.1:42x2"], "no valid port"),
        (["nats://:4222"], "names no host"),
    ],
)
def test_a_nats_url_the_pull_connection_cannot_use_is_refused_saying_what_to_do(servers, advice):
    with pytest.raises(UnusableNatsUrl, match=advice) as error:
        check_servers(servers)
    assert "secret" not in str(error.value)


def test_usable_nats_urls_pass():
    check_servers(["nats://a:secret@127.0.0.1:4222", "tls://nats.example.com:4222", "127.0.0.1:4223", "token@h"])


@pytest.fixture
def nats_server(tmp_path):
    """Start a nats-server of the test's own with the given arguments; its URL without credentials."""
    processes = []

    def start(*arguments: str, config: str = "") -> str:
        port = free_port()
        command = [EmbeddedNats.binary(), "-a", "127.0.0.1", "-p", str(port), *arguments]
        if config:
            path = tmp_path / f"nats-{port}.conf"
            path.write_text(config)
            command += ["-c", str(path)]
        processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while not port_is_open(port):
            assert time.monotonic() < deadline, "nats-server did not start"
            time.sleep(0.05)
        return f"127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def connects(url: str) -> str:
    async def attempt() -> str:
        connection = PullConnection("test-pull", lambda frames: None)
        try:
            await connection.open([url])
            await connection.round_trip()
            return connection.server
        finally:
            await connection.close()

    return asyncio.run(attempt())


def test_user_and_password_from_the_url_are_sent(nats_server):
    address = nats_server("--user", "alice", "--pass", "p@ss:word")
    assert connects(f"nats://alice:p%40ss%3Aword@{address}") == address
    with pytest.raises(ConnectionError, match="Authorization"):
        connects(f"nats://alice:wrong@{address}")


def test_a_token_from_the_url_is_sent(nats_server):
    address = nats_server("--auth", "s3cret")
    assert connects(f"nats://s3cret@{address}") == address
    with pytest.raises(ConnectionError, match="Authorization"):
        connects(f"nats://{address}")


def test_unreachable_servers_are_each_named_in_the_error():
    ports = [free_port(), free_port()]

    async def open_any() -> None:
        # With and without a scheme, as NATS_URL may give them.
        await PullConnection("test-pull", lambda frames: None).open(
            [f"nats://127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}"]
        )

    with pytest.raises(ConnectionError) as error:
        asyncio.run(open_any())
    assert all(f"127.0.0.1:{port}" in str(error.value) for port in ports)


def test_servers_are_tried_in_random_order_so_consumers_spread_over_a_cluster(nats_server):
    addresses = {nats_server(), nats_server()}
    assert {connects_to_any(sorted(addresses)) for _ in range(20)} == addresses


def connects_to_any(addresses: list[str]) -> str:
    async def attempt() -> str:
        connection = PullConnection("test-pull", lambda frames: None)
        try:
            await connection.open([f"nats://{address}" for address in addresses])
            return connection.server
        finally:
            await connection.close()

    return asyncio.run(attempt())


@pytest.mark.slow
def test_the_servers_pings_are_answered_so_an_idle_connection_stays_open(nats_server):
    # The server closes a connection that leaves ping_max PINGs unanswered: here after about 0.3 s.
    address = nats_server(config='ping_interval: "100ms"\nping_max: 2\n')

    async def idle_then_use() -> bool:
        connection = PullConnection("test-pull", lambda frames: None)
        await connection.open([f"nats://{address}"])
        try:
            await asyncio.sleep(1.5)
            await connection.round_trip()
            return connection.is_connected
        finally:
            await connection.close()

    assert asyncio.run(idle_then_use())


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test's certificate")
def test_tls_is_used_for_a_server_that_requires_it(nats_server, tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *subject, *files],
        check=True,
        capture_output=True,
    )
    address = nats_server(config=f'tls {{\n  cert_file: "{cert}"\n  key_file: "{key}"\n}}\n')
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own certificate
    assert connects(f"tls://{address}") == address
    assert connects(f"nats://{address}") == address  # the server says it requires TLS
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "nothing.pem"))
    with pytest.raises(ConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        connects(f"tls://{address}")


@pytest.mark.slow
def test_a_server_that_stops_answering_is_dropped_within_the_stale_timeout(nats_server, caplog):
    proxy = StallProxy(nats_server())
    proxy.forward()
    lost = []

    async def stall_then_wait() -> float:
        connection = PullConnection("test-pull", lambda frames: None, on_lost=lambda: lost.append(1), stale_seconds=1.0)
        await connection.open([proxy.url])
        try:
            await asyncio.sleep(1.5)  # healthy: its own pings keep it open past the stale timeout
            assert connection.is_connected and not lost
            proxy.stall()
            stalled = time.monotonic()
            while connection.is_connected:
                assert time.monotonic() - stalled < 10, "the stalled connection was never dropped"
                await asyncio.sleep(0.02)
            return time.monotonic() - stalled
        finally:
            await connection.close()

    try:
        noticed = asyncio.run(stall_then_wait())
    finally:
        proxy.close()
    assert noticed <= 1.0 + 1.0  # the stale timeout, and scheduling slack
    assert lost == [1]
    assert "nats pull connection stale name=test-pull" in caplog.text


@pytest.mark.parametrize(
    "reply",
    [
        "$JS.ACK.GAME_EVENTS.match-archiver.2.1234.77.1733550000123456789.5",
        "$JS.ACK.hub.ACCHASH.GAME_EVENTS.match-archiver.2.1234.77.1733550000123456789.5",
        "$JS.ACK.hub.ACCHASH.GAME_EVENTS.match-archiver.2.1234.77.1733550000123456789.5.rnd",
    ],
)
def test_an_ack_subject_gives_the_same_position_as_bytes_received_or_decoded(reply):
    position = (1234, 2, 1733550000123456789)
    assert parse_ack_reply(reply) == parse_ack_reply(reply.encode()) == position
