"""Structured logs: one line per record on stderr, carrying the `extra` fields a call site gives.

JSON (one object a line) for log collectors, or readable text (time, level, logger, message,
`key=value` extras) for a person at a terminal: WARROOM_LOG_FORMAT picks, `auto` by whether stderr
is a terminal. uvicorn's loggers go through the same formatter.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
# Never written, whatever a call site passes.
_SECRET = {"token", "ticket", "password", "authorization", "password_hash"}
# uvicorn passes its message again with ANSI colours for its own formatter; ours writes the plain one.
_NOT_EXTRA = {"color_message"}

# uvicorn logs WebSocket paths with their query string, and a sync URL carries `?ticket=` (once it carried
# `?token=`; an old client may still send one).
_TOKEN_IN_TEXT = re.compile(r"((?:token|ticket)=)[^&\s\"']+", re.IGNORECASE)

# Lines uvicorn writes (websockets' own, too, through uvicorn's logger) for every WebSocket that opens
# and closes: debug, like our own per-connection lines; refusals and errors stay as they are.
_PER_CONNECTION = {'%s - "WebSocket %s" [accepted]', "connection open", "connection closed"}
_FROM_WEBSOCKETS = f"{os.sep}websockets{os.sep}"

# Control characters (ESC above all) are written escaped, so no message can drive a terminal.
_CONTROL = {code: repr(chr(code))[1:-1] for code in (*range(32), 127)}
_CONTROL_BUT_NEWLINE = {code: text for code, text in _CONTROL.items() if code != ord("\n")}


def redact(text: str) -> str:
    """`text` with any `token=...` or `ticket=...` value replaced."""
    return _TOKEN_IN_TEXT.sub(r"\1[redacted]", text)


def _extras(record: logging.LogRecord) -> Iterator[tuple[str, Any]]:
    """The record's `extra` fields, secrets left out and text redacted."""
    for key, value in record.__dict__.items():
        if key in _STANDARD or key in _SECRET or key in _NOT_EXTRA or key.startswith("_"):
            continue
        yield key, value if isinstance(value, int | float | bool | None) else redact(str(value))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        entry.update(_extras(record))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-01-05 09:30:12.345 INFO  warroom.sync  sync closed case_id=... close_code=1002`."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        parts = [
            f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond // 1000:03d}",
            f"{record.levelname:<7}",
            record.name,
            " " + redact(record.getMessage()).translate(_CONTROL),
        ]
        parts += [f"{key}={_text_value(value)}" for key, value in _extras(record)]
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info).translate(_CONTROL_BUT_NEWLINE)
        return line


def _text_value(value: Any) -> str:
    text = str(value).translate(_CONTROL)
    if text == "" or any(c in text for c in ' "='):
        return json.dumps(text, ensure_ascii=False)
    return text


class _PerConnectionAtDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG and _FROM_WEBSOCKETS in record.pathname:
            # Every frame and header, a sign-in's token included: too much, and not ours to write.
            return False
        if record.levelno == logging.INFO and record.msg in _PER_CONNECTION:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def formatter(format: str = "auto", stream: IO[str] | None = None) -> logging.Formatter:
    """The formatter for WARROOM_LOG_FORMAT `format`; `auto` writes text to a terminal, JSON elsewhere."""
    if format == "auto":
        isatty = getattr(stream or sys.stderr, "isatty", None)
        format = "text" if isatty is not None and isatty() else "json"
    return TextFormatter() if format == "text" else JsonFormatter()


def configure_logging(level: str = "info", format: str = "auto") -> None:
    """Send every log line of this process, uvicorn's included, to stderr in `format`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(format, sys.stderr))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "arq"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    uvicorn_error = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _PerConnectionAtDebug) for f in uvicorn_error.filters):
        uvicorn_error.addFilter(_PerConnectionAtDebug())
    # One line per SQLite call at debug drowns everything else.
    logging.getLogger("aiosqlite").setLevel(max(root.level, logging.INFO))
    # Our middleware writes the access lines, without query strings (a sync URL carries a token).
    logging.getLogger("uvicorn.access").disabled = True
