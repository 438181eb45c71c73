"""`POST /cases/{case_id}/materials`: a file (multipart/form-data field `file`, optional `note`, and an
optional `transcript` with audio or video) sealed into the material store as it arrives.

The body is parsed as a stream and every chunk is hashed and sealed before the next is read: plaintext is
never written anywhere and never held whole. The row, its audit event and its summary job are written in
one transaction once the object is complete; any failure before that (a client that goes away, a body over
the cap, a bad form) removes what was stored. Errors are `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from server.api.bearer import bearer_user
from server.api.context import Services
from server.api.form_stream import PartEnd, PartStart, boundary_of, form_events
from server.domain.errors import BadInput, DomainError
from server.domain.materials import actions
from server.domain.materials.config import MAX_NOTE_CHARS, MAX_TRANSCRIPT_BYTES, MaterialConfig
from server.domain.materials.vault import Upload
from server.infra.ids import new_id
from server.models import Material

log = logging.getLogger("warroom.materials")

PATH: Final = r"^/cases/[^/]+/materials$"
# What a form may add around its file: the note, a transcript, part headers.
_FORM_ALLOWANCE: Final = MAX_TRANSCRIPT_BYTES + 4 * MAX_NOTE_CHARS + 64 * 1024
_STATUS: Final[Mapping[str, int]] = {
    "BAD_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
}


class TooLarge(DomainError):
    code = "PAYLOAD_TOO_LARGE"

    def __init__(self, message: str, max_bytes: int | None = None) -> None:
        super().__init__(message)
        self.max_bytes = max_bytes


class UnsupportedMediaType(DomainError):
    code = "UNSUPPORTED_MEDIA_TYPE"


def error_response(error: DomainError) -> Response:
    """The JSON answer for a refused request."""
    headers = {"WWW-Authenticate": "Bearer"} if error.code == "UNAUTHENTICATED" else {}
    body: dict[str, object] = {"code": error.code, "message": error.message}
    if isinstance(error, TooLarge) and error.max_bytes is not None:
        body["maxBytes"] = error.max_bytes  # so a client can say the limit in its own words
    return JSONResponse(
        {"error": body},
        status_code=_STATUS.get(error.code, 400),
        headers=headers,
    )


@dataclass
class _Form:
    """What arrived besides the file's bytes."""

    filename: str | None = None
    note: bytearray = field(default_factory=bytearray)
    transcript: bytearray | None = None
    current: str | None = None


class MaterialUploads:
    """The upload route; `services` is read at request time (the app creates them at startup)."""

    def __init__(self, services: Callable[[], Services]) -> None:
        self._services = services

    async def upload(self, request: Request) -> Response:
        services = self._services()
        try:
            material = await self._receive(services, request)
        except DomainError as error:
            return error_response(error)
        except ClientDisconnect:
            log.info("material upload interrupted by the client", extra={"path": request.url.path})
            return Response(status_code=400)
        return JSONResponse(
            {
                "id": material.id,
                "name": material.name,
                "size": material.size,
                "contentType": material.content_type,
                "sha256": material.sha256,
            },
            status_code=201,
        )

    async def _receive(self, services: Services, request: Request) -> Material:
        config = MaterialConfig.from_settings(services.settings)
        user = await bearer_user(services, request)
        boundary = boundary_of(request.headers.get("content-type", ""))
        if boundary is None:
            raise UnsupportedMediaType("Send the file as multipart/form-data (field `file`).")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > config.max_bytes + _FORM_ALLOWANCE:
            raise TooLarge(_too_large(config.max_bytes), config.max_bytes)
        case_id = request.path_params["case_id"]
        async with services.db.reads() as session:
            await actions.require_uploader(session, case_id, user)
        upload = services.vault.upload(new_id())
        stored = False
        try:
            form = await self._stream(request, boundary, upload, config)
            name = actions.clean_name(form.filename or "")
            note = actions.clean_note(_decode_note(form.note))
            sealed = await upload.finish()
            stored = True
            content_type = actions.content_type_of(upload.head, name)
            transcript = _transcript(form.transcript, content_type)
            async with services.db.transaction() as session:
                material = await actions.record_upload(
                    session,
                    user,
                    case_id=case_id,
                    material_id=upload.material_id,
                    storage_key=upload.storage_key,
                    name=name,
                    note=note,
                    content_type=content_type,
                    sealed=sealed,
                    transcript=None if transcript is None else upload.seal_transcript(transcript),
                )
        except BaseException:
            # Shielded: a cancelled request still removes what it stored.
            await asyncio.shield(_discard(services, upload, stored))
            raise
        log.info(
            "material uploaded",
            extra={"material_id": material.id, "case_id": case_id, "size": material.size, "user_id": user.id},
        )
        return material

    async def _stream(
        self, request: Request, boundary: bytes, upload: Upload, config: MaterialConfig
    ) -> _Form:
        form = _Form()
        async for event in form_events(request.stream(), boundary):
            if isinstance(event, bytes):
                await _take(form, event, upload, config)
            elif isinstance(event, PartStart):
                _begin(form, event)
            elif isinstance(event, PartEnd):
                form.current = None
        if form.filename is None:
            raise BadInput("The form has no `file` part.")
        if upload.size == 0:
            raise BadInput("The file is empty.")
        return form


def _begin(form: _Form, part: PartStart) -> None:
    if part.name == "file":
        if form.filename is not None:
            raise BadInput("Send one `file` per upload.")
        if part.filename is None:
            raise BadInput("The `file` part must be a file (with a filename).")
        form.filename = part.filename
    elif part.name == "transcript":
        if form.transcript is not None:
            raise BadInput("Send one `transcript` per upload.")
        form.transcript = bytearray()
    elif part.name == "note":
        if form.note:
            raise BadInput("Send one `note` per upload.")
    else:
        raise BadInput(f"Unknown form field {part.name!r}: send `file`, optionally `note` and `transcript`.")
    form.current = part.name


async def _take(form: _Form, data: bytes, upload: Upload, config: MaterialConfig) -> None:
    if form.current == "file":
        await upload.write(data)
        if upload.size > config.max_bytes:
            raise TooLarge(_too_large(config.max_bytes), config.max_bytes)
    elif form.current == "note":
        form.note += data
        if len(form.note) > 4 * MAX_NOTE_CHARS:
            raise BadInput(f"The note is longer than {MAX_NOTE_CHARS} characters.")
    elif form.current == "transcript" and form.transcript is not None:
        form.transcript += data
        if len(form.transcript) > MAX_TRANSCRIPT_BYTES:
            raise TooLarge(f"A transcript may have at most {MAX_TRANSCRIPT_BYTES} bytes.")


def _too_large(max_bytes: int) -> str:
    return f"A material may have at most {max_bytes} bytes (WARROOM_MATERIAL_MAX_BYTES)."


def _decode_note(raw: bytearray) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("The note must be UTF-8 text.") from None


def _transcript(raw: bytearray | None, content_type: str) -> bytes | None:
    """The transcript's bytes, when one came with audio or video and is text."""
    if raw is None or not raw.strip():
        return None
    if not content_type.startswith(("audio/", "video/")):
        raise BadInput(f"A transcript goes with audio or video; this file is {content_type}.")
    encodings = ("utf-16",) if bytes(raw[:2]) in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return bytes(raw)
    raise BadInput("The transcript must be text (SRT, WebVTT or plain), in UTF-8, UTF-16 or GB18030.")


async def _discard(services: Services, upload: Upload, stored: bool) -> None:
    try:
        if stored:
            await services.vault.delete(upload.storage_key)
        else:
            await upload.abort()
    except Exception:  # the sweep removes what is left; the request's own error is the one to report
        log.exception("could not remove an unfinished material", extra={"storage_key": upload.storage_key})
