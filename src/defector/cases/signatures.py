"""The signature of a voluntary statement (``6b(3)(c)``) as a file: what is accepted, and
where it is kept.

- A **scanned signed statement**: a PDF, PNG or JPEG of at most 10 MB, its type judged by its
  first bytes (:func:`sniff`), never by its name or the type the client claims.
- A **signature drawn on screen** (``cases/signature-pad.js``): a PNG, sent as a
  ``data:image/png;base64,…`` URL or bare base64, at most 1 MB and 4000 pixels a side.

Files live under ``MEDIA_ROOT/statements/<case id>/`` (:func:`statement_storage`: mode 0600,
directories 0700), sealed (``core.sealing.files``) and named by a random UUID, never served
as static files: only ``cases.actions.read_statement_file`` reads them back, after checking
access, opening the seal and checking the file's SHA-256 hash. Plain functions that collect
errors like ``cases.validation``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage

from defector.cases.choices import SignatureMethod
from defector.cases.validation import Errors
from defector.cases.validation import error as add_error

#: The largest scanned statement, and the largest drawn signature, in bytes.
MAX_UPLOAD_BYTES: Final = 10 * 1024 * 1024
MAX_DRAWING_BYTES: Final = 1024 * 1024
#: The largest side of a drawn signature, in pixels.
MAX_DRAWING_SIDE: Final = 4000
#: The kinds of file a signature may be, by their first bytes: (magic, type, extension).
SIGNATURE_FORMATS: Final = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX: Final = "data:image/png;base64,"


class StatementFileError(Exception):
    """A stored signature file is missing or no longer matches its hash: an incident to
    investigate, not a user's mistake (answered as a server error, and logged)."""


def statement_storage() -> FileSystemStorage:
    """Where signature files live: ``MEDIA_ROOT/statements``, readable by the server alone.
    Read at each call (never at import), so that a changed setting takes effect."""
    return FileSystemStorage(
        location=Path(settings.MEDIA_ROOT) / "statements",
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def sniff(content: bytes) -> tuple[str, str] | None:
    """The (content type, extension) of a signature file, from its first bytes; ``None`` for
    anything but a PDF, a PNG or a JPEG."""
    for magic, content_type, extension in SIGNATURE_FORMATS:
        if content.startswith(magic):
            return content_type, extension
    return None


@dataclass(frozen=True, slots=True)
class Signature:
    """A signature as received: its bytes, its type (from its content), how it was made."""

    content: bytes
    content_type: str
    extension: str
    method: str


def uploaded(errors: Errors, upload: File[Any] | bytes) -> Signature | None:
    """A scanned signed statement: at most 10 MB, a PDF, PNG or JPEG by its content."""
    field = "signature_file"
    if isinstance(upload, bytes):
        content = upload
    else:
        size = upload.size or 0
        if size > MAX_UPLOAD_BYTES:
            add_error(errors, field, "must be at most 10 MB")
            return None
        upload.seek(0)
        content = b"".join(upload.chunks())
    if len(content) > MAX_UPLOAD_BYTES:
        add_error(errors, field, "must be at most 10 MB")
        return None
    if not content:
        add_error(errors, field, "is empty")
        return None
    found = sniff(content)
    if found is None:
        add_error(
            errors,
            field,
            "must be a PDF, PNG or JPEG file (judged by its content, not its name)",
        )
        return None
    return Signature(content, found[0], found[1], SignatureMethod.UPLOAD)


def drawn(errors: Errors, drawing: str) -> Signature | None:
    """A signature drawn on screen: a PNG, as a ``data:image/png;base64,…`` URL or bare
    base64, at most 1 MB, with sensible dimensions."""
    field = "signature_drawing"
    text = drawing.strip()
    if text.startswith("data:"):
        if not text.startswith(DATA_URL_PREFIX):
            add_error(errors, field, "must be a PNG image as a data:image/png;base64 URL")
            return None
        text = text.removeprefix(DATA_URL_PREFIX)
    if len(text) > (MAX_DRAWING_BYTES * 4) // 3 + 4:
        add_error(errors, field, "must be at most 1 MB")
        return None
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        add_error(errors, field, "is not valid base64")
        return None
    if not content.startswith(PNG_MAGIC) or len(content) < 24 or content[12:16] != b"IHDR":
        add_error(errors, field, "is not a PNG image")
        return None
    width = int.from_bytes(content[16:20], "big")
    height = int.from_bytes(content[20:24], "big")
    if not (0 < width <= MAX_DRAWING_SIDE and 0 < height <= MAX_DRAWING_SIDE):
        add_error(errors, field, f"must be at most {MAX_DRAWING_SIDE} pixels on each side")
        return None
    return Signature(content, "image/png", ".png", SignatureMethod.DRAWN)


def signature(
    errors: Errors, upload: File[Any] | bytes | None, drawing: object
) -> Signature | None:
    """Exactly one signature: the scanned statement or the drawing."""
    if drawing is not None and not isinstance(drawing, str):
        add_error(errors, "signature_drawing", "must be text")
        return None
    text = (drawing or "").strip()
    if upload is not None and text:
        add_error(errors, "signature", "give one signature: the scanned statement or the drawing")
        return None
    if upload is not None:
        return uploaded(errors, upload)
    if text:
        return drawn(errors, text)
    add_error(
        errors,
        "signature",
        "is required: upload the scanned signed statement, or have the person sign on screen",
    )
    return None


def extension_of(content_type: str) -> str:
    """The file extension of an accepted content type (``""`` for any other)."""
    return next((ext for _, kind, ext in SIGNATURE_FORMATS if kind == content_type), "")
