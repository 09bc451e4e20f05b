"""Developer commands, run inside the virtual environment by ../dev.py.

up [--port 8000] [--no-demo]   embedded servers, migrate, stream, demo admin, web + consumers + demo games
test [pytest args]             ruff, then the web client's checks beside the whole test suite (own servers)
test --quick [pytest args]     the fast lane: ruff, ESLint and the client's unit tests, tests not marked slow
bench [--quick] [--only NAME]  the benchmarks of bench/ (own embedded servers), never part of the tests
servers start|stop|status [--cluster]   the embedded servers of .local/ alone; --cluster: NATS as 3 nodes
up --cluster                   the same system on a 3-node NATS cluster (GAME_EVENTS_REPLICAS=3)
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from devtools import debian, web
from devtools.dev_stream import bound_stream_bytes, dev_stream_max_bytes, first_projected_match
from devtools.embedded import EmbeddedNats, EmbeddedNatsCluster, EmbeddedPostgres, port_is_open
from devtools.embedded_seaweed import EmbeddedSeaweed
from devtools.lanes import pytest_lane

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
SERVERS_FILE = LOCAL / "servers.json"
ADMIN_FILE = LOCAL / "demo-admin.json"
DEMO_PLAYER = "demo-1"  # one of the users `simulate --demo` seats (game/management/commands/simulate.py)
DEFAULT_NATS_PORT = 4222
ARCHIVE_BUCKET = "tetris-history-archive"
# The embedded SeaweedFS accepts any key; boto3 still wants one to sign with.
EMBEDDED_ARCHIVE_ENV = {"AWS_ACCESS_KEY_ID": "embedded", "AWS_SECRET_ACCESS_KEY": "embedded"}


def _nats() -> EmbeddedNats:
    port = DEFAULT_NATS_PORT
    if SERVERS_FILE.exists():
        port = json.loads(SERVERS_FILE.read_text()).get("nats_port", port)
    server = EmbeddedNats(LOCAL / "nats", port)
    if not server.is_running() and port_is_open(port):  # something else holds the port: take a free one
        server = EmbeddedNats(LOCAL / "nats")
    return server


def _cluster() -> EmbeddedNatsCluster:
    """The developer's 3-node cluster in .local/nats-cluster, on the client ports it had before."""
    state = json.loads(SERVERS_FILE.read_text()) if SERVERS_FILE.exists() else {}
    ports, routes = state.get("cluster_ports"), state.get("cluster_route_ports")
    running = bool(ports) and EmbeddedNatsCluster(LOCAL / "nats-cluster", client_ports=ports).is_running()
    if not ports or not routes or (not running and any(port_is_open(port) for port in ports + routes)):
        ports = routes = None  # none yet, or something else holds one of them: take free ones
    return EmbeddedNatsCluster(LOCAL / "nats-cluster", client_ports=ports, route_ports=routes)


def servers_start(*, cluster: bool = False) -> dict[str, str]:
    """Start (or reuse) what DATABASE_URL / NATS_URL do not point at; return the environment to use."""
    env: dict[str, str] = {}
    state = json.loads(SERVERS_FILE.read_text()) if SERVERS_FILE.exists() else {}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = state["database_url"] = EmbeddedPostgres(LOCAL / "pg").start()
        print(f"PostgreSQL (embedded): {LOCAL / 'pg'}", flush=True)
    if cluster and not os.environ.get("NATS_URL"):
        nodes = _cluster()
        nodes.start()
        env["NATS_URL"] = state["nats_url"] = nodes.nats_url
        env["GAME_EVENTS_REPLICAS"] = "3"
        state["cluster_ports"] = [node.port for node in nodes.nodes]
        state["cluster_route_ports"] = nodes.route_ports
        print(f"NATS JetStream (embedded 3-node cluster, replicas 3): {nodes.nats_url}", flush=True)
    elif not os.environ.get("NATS_URL"):
        nats = _nats()
        env["NATS_URL"] = state["nats_url"] = nats.start()
        state["nats_port"] = nats.port
        print(f"NATS JetStream (embedded): {nats.url}", flush=True)
    if not os.environ.get("ARCHIVE_URL"):  # the archive's object store (docs/operations.md)
        endpoint = EmbeddedSeaweed(LOCAL / "seaweedfs").start()
        env.update(EMBEDDED_ARCHIVE_ENV, ARCHIVE_URL=f"s3://{ARCHIVE_BUCKET}", ARCHIVE_ENDPOINT_URL=endpoint)
        state["archive_url"], state["archive_endpoint_url"] = env["ARCHIVE_URL"], endpoint
        print(f"SeaweedFS S3 (embedded, the archive): {endpoint}", flush=True)
    LOCAL.mkdir(exist_ok=True)
    SERVERS_FILE.write_text(json.dumps(state, indent=2))
    return env


def servers_stop() -> None:
    _nats().stop()
    _cluster().stop()
    EmbeddedPostgres(LOCAL / "pg").stop()
    EmbeddedSeaweed(LOCAL / "seaweedfs").stop()
    print("embedded servers stopped", flush=True)


def servers_status() -> int:
    postgres, nats = EmbeddedPostgres(LOCAL / "pg"), _nats()
    print(f"PostgreSQL: {'running' if postgres.is_running() else 'stopped'} ({LOCAL / 'pg'})")
    print(f"NATS:       {'running' if nats.is_running() else 'stopped'} ({nats.url})")
    seaweed = EmbeddedSeaweed(LOCAL / "seaweedfs")
    print(f"SeaweedFS:  {'running' if seaweed.is_running() else 'stopped'} ({seaweed.endpoint_url})")
    for node in _cluster().nodes:
        if node.is_running():
            print(f"NATS node:  running ({node.url}, {node.data_dir})")
    return 0


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, check=True)


def _demo_admin(env: dict[str, str]) -> tuple[str, str]:
    if ADMIN_FILE.exists():
        saved = json.loads(ADMIN_FILE.read_text())
        username, password = saved["username"], saved["password"]
    else:
        username, password = "admin", secrets.token_urlsafe(12)
        ADMIN_FILE.write_text(json.dumps({"username": username, "password": password}))
        ADMIN_FILE.chmod(0o600)
    script = (
        "from django.contrib.auth import get_user_model\n"
        "User = get_user_model()\n"
        f"user, _ = User.objects.get_or_create(username={username!r})\n"
        "user.is_staff = user.is_superuser = True\n"
        f"user.set_password({password!r})\n"
        "user.save()\n"
        # A player of the demo games to try the API as (GET /api/matches lists the caller's matches).
        f"player, _ = User.objects.get_or_create(username={DEMO_PLAYER!r})\n"
        f"player.set_password({password!r})\n"
        "player.save()\n"
    )
    _manage(env, "shell", "-v", "0", "-c", script)
    return username, password


def _available_commands() -> set[str]:
    # Every app that ships commands: the NATS machinery's, the consumers' beside their domains, the game's.
    folders = [ROOT / app / "management" / "commands" for app in ("streaming", "history", "moments", "archive", "game")]
    return {path.stem for folder in folders if folder.exists() for path in folder.glob("*.py")}


def detector_processes(env: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The key moment detector, or one a partition with MOMENT_DETECTOR_PARTITIONS=N > 1 (docs/operations.md)."""
    command = [sys.executable, "manage.py", "run_moment_detector"]
    partitions = int(env.get("MOMENT_DETECTOR_PARTITIONS", "").strip() or 1)
    if partitions == 1:
        return [("detector", command)]
    return [(f"detector-{i}", [*command, "--partition", str(i)]) for i in range(partitions)]


def up(port: int, demo: bool, cluster: bool = False) -> int:
    print(f"Web client: http://127.0.0.1:{port}/ (once the servers below are up)", flush=True)
    web.build_if_changed()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **servers_start(cluster=cluster)}
    # The banner must not scroll away under a line per key moment (5 to 10 a second): those lines are
    # off unless the developer asks for them (MOMENT_LOG_LEVEL=INFO); one line a match stays.
    env.setdefault("MOMENT_LOG_LEVEL", "WARNING")
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "collectstatic", "--no-input", "-v", "0")
    _manage(env, "setup_stream")
    max_bytes = dev_stream_max_bytes(env)
    if bound_stream_bytes(env["NATS_URL"], max_bytes) > 0:
        print(f"GAME_EVENTS kept under {max_bytes / 1024**3:.1f} GiB in development (DEV_STREAM_MAX_BYTES)", flush=True)
    username, password = _demo_admin(env)
    commands = _available_commands()
    processes: dict[str, subprocess.Popen] = {}

    def start(name: str, args: list[str]) -> None:
        processes[name] = subprocess.Popen(args, env=env, cwd=ROOT)

    start(
        "web",
        [
            sys.executable,
            "-m",
            "gunicorn",
            # The deployment's configuration: LOG_FORMAT for its lines, one /metrics for both workers.
            "-c",
            "python:config.gunicorn",
            # uvicorn's workers: the live routes' Server-Sent Events (config/asgi.py, docs/operations.md).
            "-k",
            "config.web_worker.UvicornWorker",
            "config.asgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--graceful-timeout",
            "10",
        ],
    )
    start("projector", [sys.executable, "manage.py", "run_projector"])
    if "run_moment_detector" in commands:
        for name, args in detector_processes(env):
            start(name, args)
    if "run_archiver" in commands:
        start("archiver", [sys.executable, "manage.py", "run_archiver"])
    if demo and "simulate" in commands:
        start("demo", [sys.executable, "manage.py", "simulate", "--demo"])
    base = f"http://127.0.0.1:{port}"
    banner = (
        "\nThe system is up (Ctrl-C stops everything):\n"
        f"  web client {base}/   sign in as {DEMO_PLAYER!r}, password {password!r}\n"
        f"  API docs   {base}/api/docs\n"
        f"  admin      {base}/admin/   user {username!r}, password {password!r}\n"
        f"  API login  user {DEMO_PLAYER!r} (plays in the demo games), the same password\n"
        f"  health     {base}/healthz\n"
        f"  metrics    {base}/metrics   from this machine (or with METRICS_TOKEN)\n"
        f"  processes  {', '.join(processes)}\n"
    )
    print(banner, flush=True)
    # Printed again once the first demo match is projected: by then the start-up lines have pushed
    # the first one out of sight.
    first_match_pending = demo and "simulate" in commands
    began = datetime.now(UTC)
    next_look = time.monotonic()
    stopping = False

    def on_signal(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    exit_code = 0
    while not stopping:
        if first_match_pending and time.monotonic() >= next_look:
            next_look = time.monotonic() + 3
            match_id = first_projected_match(env["DATABASE_URL"], began) if env.get("DATABASE_URL") else None
            if match_id is not None:
                first_match_pending = False
                print(f"{banner}  first match {base}/matches/{match_id}\n", flush=True)
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping everything", flush=True)
                stopping, exit_code = True, 1
                break
        time.sleep(0.3)
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    servers_stop()
    return exit_code


# The niceness of the lanes that yield the CPU to the cluster's (its servers and subprocesses inherit it).
YIELDING = 10

# The worker count of the whole suite: the suite mostly waits (subprocesses starting, redeliveries, a
# browser), so three overlap one another's waits on this project's 2-core machines (1.3 cores busy on
# average with two).
PYTEST_WORKERS = "3"


def _pytest_command(pytest_args: list[str], quick: bool) -> list[str]:
    command = [sys.executable, "-m", "pytest"]
    if quick:
        # The lane for the loop of a change: what needs no server killed, no browser, no cluster, no
        # seconds of generated input (the `slow` marker). Two workers: with one, the lane kept 1.05 of
        # the two cores busy beside npm's checks (96 s, pytest the longest of the two).
        command += ["-m", "not slow", "-n", "2"]
    elif not any(arg.startswith(("-n", "--numprocesses", "--dist")) or arg == "no:xdist" for arg in pytest_args):
        # Unless the caller chose the workers (-n 0, -p no:xdist for one process).
        command += ["-n", PYTEST_WORKERS, "--dist", "loadgroup", "--no-loadscope-reorder"]
    return [*command, *pytest_args]


def test(pytest_args: list[str], quick: bool = False) -> int:
    started = time.monotonic()
    for lint in (["check", "."], ["format", "--check", "."]):
        print(f"ruff {' '.join(lint)} ...", flush=True)
        result = subprocess.run([sys.executable, "-m", "ruff", *lint], cwd=ROOT)
        if result.returncode != 0:
            return result.returncode
    # The browser tests (tests/web) load the built client through Django, in Chromium; a quick test
    # reads the built index.html too. Seconds when the client changed, nothing when it did not.
    web.build_if_changed()
    if not quick:
        debian.ensure_chromium()
        debian.ensure_promtool()  # the alert rules' tests (tests/deploy/test_alert_rules.py)
    print("web client checks started beside the Python tests (their output follows the tests') ...", flush=True)
    client = web.client_checks_lane(web.QUICK_CLIENT_CHECKS if quick else web.CLIENT_CHECKS, nice=YIELDING)
    whole_suite = not quick and not pytest_args
    # The whole suite in three lanes at once, since most of its time is spent waiting on servers and
    # processes: the client's checks, the tests on three workers, and the 3-node cluster's tests in one
    # process. The cluster's lane keeps the machine's priority and the other two yield the CPU to it
    # (nice): it also holds the tests marked `timed`, whose bounds are times measured in the test (a
    # backlog drained at the steady rate, publish() never waiting, a tick rate kept), which a neighbour
    # taking the cores for a second would bend (a CI run: publish() "waited" 1.08 s at nice 10).
    slowest = ["--durations=20"]  # where the suite's time goes, in every run's log
    cluster = (
        pytest_lane("the 3-node cluster's and the timed tests", ["-n", "0", "-m", "cluster or timed", *slowest])
        if whole_suite
        else None
    )
    try:
        first = [*pytest_args, "-m", "not cluster and not timed", *slowest] if whole_suite else pytest_args
        code, summary = _run_pytest(_pytest_command(first, quick), nice=YIELDING if whole_suite else 0)
    finally:
        client_code, _ = client.finish()
        if cluster is not None:
            cluster_code, cluster_summary = cluster.finish()
            code, summary = code or cluster_code, f"{summary}\n{cluster_summary}"
    print(f"dev.py test{' --quick' if quick else ''}: {time.monotonic() - started:.0f} s", flush=True)
    if summary:  # pytest's closing line last again, below the client's output, for whoever reads the end
        print(summary, flush=True)
    # pytest's own code first: 5 ("no tests ran") fails the run as any failure does.
    return code or client_code


def _run_pytest(command: list[str], nice: int = 0) -> tuple[int, str]:
    """Run pytest, its output passed through as it comes; its exit code and its closing line."""
    if sys.stdout.isatty():
        command = [*command, "--color=yes"]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=lambda: os.nice(nice)
    )
    assert process.stdout is not None
    tail = b""
    while chunk := os.read(process.stdout.fileno(), 65536):
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        tail = (tail + chunk)[-4096:]
    code = process.wait()
    lines = [line.strip() for line in tail.decode(errors="replace").splitlines() if line.strip()]
    return code, lines[-1] if lines else ""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    up_parser = sub.add_parser("up", help="run the whole system on embedded servers")
    up_parser.add_argument("--port", type=int, default=8000)
    up_parser.add_argument("--no-demo", action="store_true", help="do not play demo games")
    up_parser.add_argument("--cluster", action="store_true", help="NATS as a 3-node cluster, replicas 3")
    sub.add_parser("test", help="lint and run the whole test suite (--quick: the fast lane)", add_help=False)
    sub.add_parser("bench", help="run the benchmarks (python -m bench), never part of the tests", add_help=False)
    servers = sub.add_parser("servers", help="the embedded servers alone")
    servers.add_argument("action", choices=["start", "stop", "status"])
    servers.add_argument("--cluster", action="store_true", help="start NATS as a 3-node cluster")
    args, rest = parser.parse_known_args(argv)
    if args.command == "test":
        quick = "--quick" in rest
        return test([arg for arg in rest if arg != "--quick"], quick=quick)
    if args.command == "bench":
        return subprocess.run([sys.executable, "-m", "bench", *rest], cwd=ROOT).returncode
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "up":
        return up(args.port, demo=not args.no_demo, cluster=args.cluster)
    if args.action == "start":
        servers_start(cluster=args.cluster)
        return 0
    if args.action == "stop":
        servers_stop()
        return 0
    return servers_status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
