"""Helpers of the second factor: TOTP secrets and their QR code, recovery codes, client address.

Plain functions without database access; the writes are in ``accounts.actions``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
import secrets
from typing import Final
from urllib.parse import quote, urlencode

import segno
from django.http import HttpRequest
from django_otp.oath import TOTP

#: TOTP as every authenticator app does it: SHA-1, 6 digits, 30 seconds.
TOTP_DIGITS: Final = 6
TOTP_STEP: Final = 30
TOTP_KEY_BYTES: Final = 20

#: Recovery codes: 24 characters of Crockford's base32 (120 random bits), in groups of four.
RECOVERY_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_LENGTH: Final = 24
RECOVERY_GROUP: Final = 4
RECOVERY_CODES: Final = 10
_RECOVERY_READS: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS: Final = re.compile(r"[\s-]+")
_DIGITS: Final = re.compile(r"[0-9]{6}")


def new_totp_key() -> str:
    """A fresh TOTP secret, hex (django-otp's storage form)."""
    return secrets.token_hex(TOTP_KEY_BYTES)


def is_totp_key(key: object) -> bool:
    if not isinstance(key, str) or len(key) != 2 * TOTP_KEY_BYTES:
        return False
    try:
        bytes.fromhex(key)
    except ValueError:
        return False
    return True


def base32_secret(key_hex: str) -> str:
    """The secret as authenticator apps take it by hand: base32, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key_hex)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(key_hex: str, username: str, issuer: str) -> str:
    """The ``otpauth://`` URI that a QR code carries to the authenticator app."""
    label = f"{issuer.replace(':', '')}:{username}"
    query = urlencode(
        {
            "secret": base32_secret(key_hex).replace(" ", ""),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": TOTP_DIGITS,
            "period": TOTP_STEP,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{quote(label)}?{query}"


def qr_svg(data: str, title: str) -> str:
    """An inline SVG QR code of ``data`` (no script, no style: the CSP allows it)."""
    code = segno.make(data, error="m")
    svg: str = code.svg_inline(scale=4, border=4, light="#fff", title=title, svgclass="accounts-qr")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def current_totp(key_hex: str) -> str:
    """The TOTP code of ``key_hex`` now (for tests and the demo)."""
    totp = TOTP(binascii.unhexlify(key_hex), step=TOTP_STEP, digits=TOTP_DIGITS)
    return str(totp.token()).zfill(TOTP_DIGITS)


def normalise_code(code: object) -> str:
    """A code as typed, without spaces or dashes, upper case."""
    if not isinstance(code, str):
        return ""
    return _SEPARATORS.sub("", code).upper()[:64]


def is_totp_code(code: str) -> bool:
    return bool(_DIGITS.fullmatch(code))


def new_recovery_codes() -> list[str]:
    """Fresh recovery codes, formatted for reading (``ABCD-EFGH-…``)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(
            "-".join(raw[i : i + RECOVERY_GROUP] for i in range(0, RECOVERY_LENGTH, RECOVERY_GROUP))
        )
    return codes


def recovery_digest(code: object) -> str | None:
    """The stored form of a recovery code as typed, or ``None`` if it cannot be one."""
    text = normalise_code(code).translate(_RECOVERY_READS)
    if len(text) != RECOVERY_LENGTH or any(c not in RECOVERY_ALPHABET for c in text):
        return None
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the server saw it (``REMOTE_ADDR``), or ``None``.

    Behind a reverse proxy, the WSGI server must put the client's address there (e.g.
    gunicorn's ``--forwarded-allow-ips``); a header set by the client is never trusted.
    """
    raw = str(request.META.get("REMOTE_ADDR", "")).strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
