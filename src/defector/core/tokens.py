"""Making and checking API tokens (pure helpers; the writes are in ``core.actions``)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "dpa_"  # noqa: S105 (a prefix, not a secret)


def new_token() -> str:
    """A fresh token: a recognisable prefix and 256 bits of randomness."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a token. Tokens are random, so a fast hash is enough."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
