"""The id of the request or command being served, for the audit records it writes.

Plain Python (no Django import), so the ``defector`` command can set it before Django starts.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("defector_request_id", default="")
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_context(request_id: str) -> Iterator[str]:
    """Run a block with ``request_id`` attached to every audit record it writes."""
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


def new_request_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex}"
