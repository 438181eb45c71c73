"""Log lines: JSON for collectors, text for a terminal, never a secret or an escape code; a client
coming and going writes nothing at `info`."""

import asyncio
import json
import logging
import os
import pty
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from server.infra.logs import JsonFormatter, TextFormatter, configure_logging, formatter
from tests.support.gqlws import GqlWs
from tests.support.live import Live, live_server
from tests.support.servers import ROOT, ServerProcess, free_port
from tests.support.ysocket import YSocket

ESC = "\x1b"
TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S+  \S")
# What a client opening and closing a sync socket used to write at info (uvicorn's, websockets', ours).
PER_CONNECTION = {
    '%s - "WebSocket %s" [accepted]',
    "connection open",
    "connection closed",
    "sync closed",
    "room opened",
    "room closed",
}


def _record(msg: str, *args: object, name: str = "uvicorn.error", **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_log_lines_never_carry_tokens() -> None:
    record = _record(
        '%s - "WebSocket %s" %s', "127.0.0.1:1", "/sync/abc?token=SECRET123&x=1", "[accepted]",
        token="SECRET123", path="/sync/abc?token=SECRET123",
    )  # fmt: skip
    for line in (JsonFormatter().format(record), TextFormatter().format(record)):
        assert "SECRET123" not in line
        assert "token=[redacted]" in line


def test_log_lines_never_carry_sync_tickets() -> None:
    record = _record(
        '%s - "WebSocket %s" %s', "127.0.0.1:1", "/sync/abc?ticket=T1CKET&x=1", "[accepted]", ticket="T1CKET"
    )
    for line in (JsonFormatter().format(record), TextFormatter().format(record)):
        assert "T1CKET" not in line
        assert "ticket=[redacted]" in line


def test_uvicorns_coloured_copy_of_a_message_is_left_out() -> None:
    coloured = f"Started server process [{ESC}[36m%d{ESC}[0m]"
    record = _record("Started server process [%d]", 42, color_message=coloured)
    entry = json.loads(JsonFormatter().format(record))
    assert entry == {"ts": entry["ts"], "level": "info", "logger": "uvicorn.error", "msg": entry["msg"]}
    assert entry["msg"] == "Started server process [42]"
    assert ESC not in TextFormatter().format(record)


def test_text_lines_are_readable_and_escape_control_characters() -> None:
    record = _record(
        "sync closed", name="warroom.sync", case_id="c1", close_code=1002, reason="bad message: x"
    )
    line = TextFormatter().format(record)
    assert TEXT_LINE.match(line), line
    assert line.endswith(
        ' INFO    warroom.sync  sync closed case_id=c1 close_code=1002 reason="bad message: x"'
    )
    hostile = TextFormatter().format(_record(f"title {ESC}[2J\nforged line", name="warroom"))
    assert ESC not in hostile
    assert "\n" not in hostile
    assert hostile.endswith("title \\x1b[2J\\nforged line")


def test_auto_picks_text_for_a_terminal_and_json_otherwise() -> None:
    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    assert isinstance(formatter("auto", Stream(True)), TextFormatter)  # type: ignore[arg-type]
    assert isinstance(formatter("auto", Stream(False)), JsonFormatter)  # type: ignore[arg-type]
    assert isinstance(formatter("json", Stream(True)), JsonFormatter)  # type: ignore[arg-type]
    assert isinstance(formatter("text", Stream(False)), TextFormatter)  # type: ignore[arg-type]


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


def test_uvicorns_per_connection_lines_are_debug() -> None:
    root, uvicorn = logging.getLogger(), logging.getLogger("uvicorn.error")
    saved = root.handlers[:], root.level, uvicorn.filters[:], uvicorn.level
    seen: list[logging.LogRecord] = []
    try:
        uvicorn.setLevel(logging.NOTSET)  # an in-process uvicorn of another test may have raised it
        configure_logging("info", "json")
        root.addHandler(_Collect(seen))
        uvicorn.info("connection open")
        uvicorn.info('%s - "WebSocket %s" 403', "127.0.0.1:1", "/graphql")
        assert [r.getMessage() for r in seen] == ['127.0.0.1:1 - "WebSocket /graphql" 403']
        root.setLevel(logging.DEBUG)
        uvicorn.info("connection closed")
        assert (seen[-1].getMessage(), seen[-1].levelname) == ("connection closed", "DEBUG")
    finally:
        root.handlers[:], uvicorn.filters[:] = saved[0], saved[2]
        root.setLevel(saved[1])
        uvicorn.setLevel(saved[3])


async def _connect_and_leave(live: Live) -> str:
    """A sync client (with a ticket in its URL) and a GraphQL WebSocket client come, work and go; the token
    they used."""
    case = await live.case()
    client = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    await client.synced.wait()
    client.add_paragraph("hello")
    await client.close()
    gql = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", case.owner.token)
    await gql.close()
    return case.owner.token


async def test_a_server_writes_json_without_escape_codes_and_no_info_line_per_connection(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with live_server(sqlite_url, tmp_path) as live:  # stderr is a file: JSON
        await _connect_and_leave(live)
    # Leaving on SIGTERM is an ordinary exit: nothing (multiprocessing's leak warnings) bypasses the logs.
    assert live.server.process.returncode == 128 + signal.SIGTERM
    lines = live.server.logs().splitlines()
    assert ESC not in "".join(lines)
    entries = [json.loads(line) for line in lines]
    assert not any(ESC in str(value) for entry in entries for value in entry.values())
    messages = {entry["msg"] for entry in entries}
    pid = live.server.process.pid
    assert {
        "server started",
        f"Started server process [{pid}]",
        f"Finished server process [{pid}]",
    } <= messages
    assert not any("color_message" in entry for entry in entries)
    at_info = [entry for entry in entries if entry["level"] == "info"]
    assert not [e for e in at_info if e["msg"] in PER_CONNECTION or "[accepted]" in e["msg"]], at_info


async def test_text_lines_when_asked_with_per_connection_lines_at_debug(
    sqlite_url: str, tmp_path: Path
) -> None:
    env = {"WARROOM_LOG_FORMAT": "text", "WARROOM_LOG_LEVEL": "debug"}
    async with live_server(sqlite_url, tmp_path, env) as live:
        token = await _connect_and_leave(live)
    text = live.server.logs()
    assert ESC not in text
    lines = [line for line in text.splitlines() if TEXT_LINE.match(line)]
    assert len(lines) > 0.9 * len(text.splitlines())  # the rest: lines of a traceback or a message
    assert any(" INFO    warroom  server started database=sqlite" in line for line in lines)
    for message in ("sync closed", "connection open", "[accepted]"):
        written = [line for line in lines if message in line]
        assert written, message
        assert all(" DEBUG " in line for line in written), written
    assert "ticket=[redacted]" in text
    assert token not in text


def _read_all(fd: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every process holding the terminal is gone
            return
        if not chunk:
            return
        into.append(chunk)


@pytest.mark.timeout(60)
async def test_a_server_on_a_terminal_writes_text(sqlite_url: str, tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    port = free_port()
    env = {
        **os.environ,
        "WARROOM_DATABASE_URL": sqlite_url,
        "WARROOM_DATA_DIR": str(tmp_path),
        "WARROOM_EMBEDDING_WARMUP": "0",
    }
    env.pop("WARROOM_LOG_FORMAT", None)
    chunks: list[bytes] = []
    reader = threading.Thread(target=_read_all, args=(primary, chunks), daemon=True)
    reader.start()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "serve", "--port", str(port),
        cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=secondary, stderr=secondary,
    )  # fmt: skip
    os.close(secondary)
    server = ServerProcess(process, port, tmp_path / "no-log-file")
    try:
        await server.wait_ready()
    finally:
        await server.stop()
        await asyncio.to_thread(reader.join, 10)
        os.close(primary)
    lines = [line.rstrip("\r") for line in b"".join(chunks).decode().splitlines() if line.strip()]
    assert any("server started database=sqlite" in line for line in lines), lines
    assert [line for line in lines if not TEXT_LINE.match(line)] == []
    assert ESC not in "".join(lines)
