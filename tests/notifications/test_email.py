"""Notices by e-mail (``DEFECTOR_EMAIL_NOTICES``), through a real SMTP server that the test
starts on a free local port: Python 3.11's standard ``smtpd`` module, run by ``asyncore`` in a
thread (both deprecated, and still the only SMTP server in the standard library)."""

from __future__ import annotations

import email
import socket
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.notifications.models import Notice

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd

pytestmark = pytest.mark.django_db


@dataclass
class Received:
    """One message as the server received it."""

    sender: str
    recipients: list[str]
    message: Message

    @property
    def body(self) -> str:
        payload = self.message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode("utf-8")


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)


class _Collector(smtpd.SMTPServer):
    def __init__(self, server: SmtpServer, *args: Any, **kwargs: Any) -> None:
        self.collected = server
        super().__init__(*args, **kwargs)

    def process_message(
        self, peer: Any, mailfrom: str, rcpttos: list[str], data: bytes | str, **kwargs: Any
    ) -> None:
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        self.collected.received.append(Received(mailfrom, rcpttos, email.message_from_bytes(raw)))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 and a free port, for the length of one test."""
    channels: dict[int, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        probe = SmtpServer("127.0.0.1", 0)
        collector = _Collector(probe, ("127.0.0.1", 0), None, map=channels, decode_data=False)
    probe.port = collector.socket.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            asyncore.loop(timeout=0.05, count=1, map=channels)

    thread = threading.Thread(target=serve, name="test-smtp", daemon=True)
    thread.start()
    yield probe
    stop.set()
    thread.join(timeout=5)
    collector.close()
    for channel in list(channels.values()):
        channel.close()


@pytest.fixture
def email_through(smtp_server: SmtpServer, settings: Any) -> SmtpServer:
    """Notices e-mailed through the test's SMTP server (pytest-django's in-memory outbox
    replaced by Django's SMTP backend)."""
    settings.DEFECTOR_EMAIL_NOTICES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "defector-program@example.gov"
    settings.DEFECTOR_SITE_URL = "https://defector.example.gov/"
    return smtp_server


def test_notices_are_emailed_after_the_commit_with_cryptonyms_only(
    email_through: SmtpServer,
    committee: dict[str, User],
    open_case: Any,
    raise_problem: Any,
    committed: Any,
) -> None:
    # The problem's texts name a person who is not the case's subject: a text naming the
    # subject is refused before any notice is sent (6b(1), tests/escalations/test_free_text.py).
    case = open_case(true_name="Boris Ivanovich Kozlov")
    with committed():
        problem = raise_problem(
            cryptonyms=[case.cryptonym],
            title="Where Arkady Shevchenko sleeps tonight",
            description="Arkady Nikolayevich Shevchenko wants the residence.",
        )
    # The committee members with an address: the CIA member (the raiser is not told; the chair
    # and the senior representative have no address).
    [received] = email_through.received
    assert received.sender == "defector-program@example.gov"
    assert received.recipients == ["carl@example.gov"]
    subject = received.message["Subject"]
    assert subject.startswith(f"[Defector Program] Mutual problem: Mutual problem {problem.pk}")
    assert case.cryptonym in subject
    body = received.body
    assert f"Mutual problem {problem.pk} at VIENNA ({case.cryptonym}): raised, due" in body
    assert f"https://defector.example.gov/escalations/{problem.pk}/" in body
    for leak in ("Arkady", "Shevchenko", "residence", "sleeps"):
        assert leak not in body
        assert leak not in subject


def test_the_idc_is_emailed_when_a_problem_is_referred(
    email_through: SmtpServer, committee: dict[str, User], raise_problem: Any, committed: Any
) -> None:
    from defector.escalations import actions

    problem = raise_problem()
    actions.request_referral(
        acting_user=committee["cia_member"], problem_id=problem.pk, summary="Decide."
    )
    email_through.received.clear()
    with committed():
        actions.transmit_referral(acting_user=committee["cia_member"], problem_id=problem.pk)
    addressed = sorted(r for message in email_through.received for r in message.recipients)
    assert addressed == ["idc@example.gov", "sara@example.gov"]


def test_nothing_is_emailed_unless_it_is_turned_on(
    smtp_server: SmtpServer,
    settings: Any,
    committee: dict[str, User],
    raise_problem: Any,
    committed: Any,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    assert settings.DEFECTOR_EMAIL_NOTICES is False
    with committed():
        raise_problem()
    assert smtp_server.received == []
    assert Notice.objects.count() == 3


def test_a_mail_server_that_is_down_loses_no_notice(
    settings: Any,
    committee: dict[str, User],
    raise_problem: Any,
    committed: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.DEFECTOR_EMAIL_NOTICES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 2
    with committed():
        raise_problem()
    assert Notice.objects.count() == 3
    assert "could not e-mail a problem notice to 1 recipients" in caplog.text
