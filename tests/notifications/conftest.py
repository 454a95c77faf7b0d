"""Fixtures of the notifications tests: the cast of :mod:`support.three_posts` (committees at
three posts, a case officer), ``api(user)`` to call ``/api/v1/notifications``, and a real SMTP
server (``smtp_server``; ``email_through`` points the e-mail settings at it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.api import api_fixture
from support.smtp import SmtpServer, run_smtp_server
from support.three_posts import (  # noqa: F401 (fixtures)
    _sealed,
    administrator,
    auditor,
    bonn_member,
    chair,
    cia_member,
    committee,
    default_agency,
    idc,
    invited,
    officer,
    open_case,
    raise_problem,
    second_idc,
    senior,
    state_member,
    tokyo_member,
    tokyo_senior,
    world_parts,
)

api = api_fixture("/api/v1/notifications")


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 and a free port, for the length of one test."""
    yield from run_smtp_server()


@pytest.fixture
def email_through(smtp_server: SmtpServer, settings: Any) -> SmtpServer:
    """Notices e-mailed (through the outbox) to the test's SMTP server: pytest-django's
    in-memory mail replaced by Django's SMTP backend."""
    settings.DEFECTOR_EMAIL_NOTICES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "defector-program@example.gov"
    settings.DEFECTOR_SITE_URL = "https://defector.example.gov/"
    return smtp_server
