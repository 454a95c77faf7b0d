"""A real SMTP server for the e-mail tests (aiosmtpd, in a thread, on a free local port).

It keeps what it accepted (:attr:`SmtpServer.received`), and can be told to refuse the next
messages with a temporary error (``refuse``), or to stall on the next DATA without ever
answering it (``stall``: a sender killed meanwhile has delivered nothing — the server drops
a message it never acknowledged). ``credentials`` makes it require AUTH LOGIN/PLAIN.
"""

from __future__ import annotations

import asyncio
import email
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# aiosmtpd tells of each connection at INFO from its own thread, also after a test's output
# was closed (a "Logging error" in the run's output): its warnings and errors are enough.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Received:
    """One message as the server accepted it."""

    sender: str
    recipients: list[str]
    message: Message

    @property
    def body(self) -> str:
        payload = self.message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode("utf-8")

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    #: Messages that reached DATA while the server stalled (never acknowledged, not kept).
    stalled: list[Received] = field(default_factory=list)
    #: How many of the next messages to refuse with 451 (a temporary failure).
    refuse: int = 0
    #: How many of the next messages to stall on (no answer to DATA until the test ends).
    stall: int = 0
    refused: int = 0
    credentials: tuple[str, str] | None = None
    released: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, count: int, *, timeout: float = 10.0, stalled: bool = False) -> bool:
        """Wait until ``count`` messages were received (or stalled); false on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.stalled if stalled else self.received) >= count:
                return True
            time.sleep(0.02)
        return False


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        message = Received(
            envelope.mail_from, list(envelope.rcpt_tos), email.message_from_bytes(data)
        )
        if self.server.refuse > 0:
            self.server.refuse -= 1
            self.server.refused += 1
            return "451 4.3.0 Try again later"
        if self.server.stall > 0:
            self.server.stall -= 1
            self.server.stalled.append(message)
            while not self.server.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Aborted"
        self.server.received.append(message)
        return "250 2.0.0 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_smtp_server(credentials: tuple[str, str] | None = None) -> Iterator[SmtpServer]:
    """Start the server; yield it; stop it (the body of a fixture)."""
    server = SmtpServer("127.0.0.1", _free_port(), credentials=credentials)
    options: dict[str, Any] = {}
    if credentials is not None:

        def authenticate(
            smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any
        ) -> AuthResult:
            given = (
                (data.login.decode(), data.password.decode())
                if isinstance(data, LoginPassword)
                else None
            )
            return AuthResult(success=given == credentials, handled=False)

        options = {
            "authenticator": authenticate,
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(_Handler(server), hostname=server.host, port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        server.released.set()
        controller.stop()
