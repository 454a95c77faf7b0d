"""The e-mail outbox (``6e``): notices e-mailed by the worker, never in the request.

**Queueing.** :func:`queue` is called by the notify functions inside the transaction that
writes the notices: one :class:`~defector.notifications.models.OutboundEmail` per notice whose
recipient has an address. Rows and notices commit together or not at all; on commit a task
(:func:`send_outbox`) is queued so that an idle worker sends within its poll interval.

**Sending.** :func:`deliver_due` (run by that task, and by the ``notifications.outbox`` sweep
as a safety net) takes each due row by a conditional update — waiting and due, or being sent
under a lease that has run out — which sets it *being sent*, counts the attempt and gives this
sender a lease (``DEFECTOR_EMAIL_LEASE_SECONDS``). That claim commits before the SMTP
conversation starts, so two workers never send the same row at once. After the server accepts
the message the row is marked sent; a failure puts it back to wait with exponential backoff
(30 s, 1 min, 2 min … up to an hour), given up after ten tries.

**What a crash does.** A sender that dies (SIGKILL, power) leaves its row *being sent*; when the
lease runs out another worker takes it and sends it again. If the death came before the server
accepted the message (before its reply to the end of DATA), the server kept nothing: the
message arrives once. If it came in the instant after the server accepted and before the row
was marked sent, the message arrives twice — with the same ``Message-ID`` (derived from the row),
so it is recognisably the same message and mail clients that de-duplicate drop it. Delivery
is therefore **at least once**, and exactly once except in that window: SMTP has no way to ask
a server whether it already holds a message, so no sender can close it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Sequence
from typing import Final

from django.conf import settings
from django.core import mail
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from defector.core.worker import worker_name
from defector.directory.models import Official
from defector.notifications.choices import (
    EMAIL_BATCH,
    EMAIL_FIRST_RETRY_SECONDS,
    EMAIL_LONGEST_RETRY_SECONDS,
    EMAIL_MAX_ATTEMPTS,
    EmailStatus,
    NoticeKind,
)
from defector.notifications.models import Notice, OutboundEmail

logger = logging.getLogger(__name__)

#: The subject line's prefix of an e-mailed notice.
EMAIL_SUBJECT_PREFIX: Final = "[Defector Program] "
#: The last line of every message.
EMAIL_FOOTER: Final = "This message names cases by cryptonym only. Do not reply to it."


def email_enabled() -> bool:
    """Whether notices are also e-mailed (``DEFECTOR_EMAIL_NOTICES``; off by default)."""
    return bool(getattr(settings, "DEFECTOR_EMAIL_NOTICES", False))


def lease() -> dt.timedelta:
    """How long a sender holds a row it is sending (``DEFECTOR_EMAIL_LEASE_SECONDS``)."""
    return dt.timedelta(seconds=float(getattr(settings, "DEFECTOR_EMAIL_LEASE_SECONDS", 120)))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: 30 s, doubling, at most an hour."""
    seconds = EMAIL_FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, EMAIL_LONGEST_RETRY_SECONDS))


def _domain() -> str:
    sender = str(getattr(settings, "DEFAULT_FROM_EMAIL", "")).rpartition("@")[2]
    return sender.strip(" >") or "localhost"


def message_text(notice: Notice) -> tuple[str, str]:
    """The subject and body of the e-mail of ``notice``: its summary (cryptonyms and codes
    only) and its link, nothing else."""
    label = NoticeKind(notice.kind).label
    site = str(getattr(settings, "DEFECTOR_SITE_URL", "")).rstrip("/")
    where = f"{site}{notice.link}" if notice.link else site
    body = "\n".join(
        [
            notice.summary,
            "",
            f"See it at {where}" if where else "Sign in to the case system to see it.",
            "",
            EMAIL_FOOTER,
        ]
    )
    subject = f"{EMAIL_SUBJECT_PREFIX}{label}: {notice.summary}"[:200]
    return subject, body


def queue(notices: Sequence[Notice], officials: Sequence[Official]) -> list[OutboundEmail]:
    """Queue the e-mail of each of ``notices`` whose recipient (among ``officials``) has an
    address, in the caller's transaction; on its commit, ask a worker to send them."""
    addresses = {official.pk: official.user.email.strip() for official in officials}
    domain = _domain()
    rows = []
    for notice in notices:
        address = addresses.get(notice.recipient_id, "")
        if not address:
            continue
        subject, body = message_text(notice)
        rows.append(
            OutboundEmail(
                notice=notice,
                to_address=address,
                subject=subject,
                body=body,
                message_id=f"<notice-{notice.pk}.{uuid.uuid4().hex[:16]}@{domain}>",
                created_at=notice.created_at,
                next_attempt_at=notice.created_at,
            )
        )
    if not rows:
        return []
    created = OutboundEmail.objects.bulk_create(rows)
    transaction.on_commit(request_delivery)
    return created


def request_delivery(at: dt.datetime | None = None) -> None:
    """Queue a task that sends what is due (at ``at``, or now). A queue that cannot be
    written loses nothing: the outbox sweep sends the rows anyway."""
    try:
        if at is None:
            send_outbox.enqueue()
        else:
            send_outbox.using(run_after=at).enqueue()
    except DatabaseError:
        logger.exception("could not queue the sending of the outbox; the sweep will send it")


@task()
def send_outbox() -> int:
    """The worker's task: send the e-mails due now (another task follows if there are more)."""
    return deliver_due()


def sweep_outbox(now: dt.datetime) -> int:
    """The ``notifications.outbox`` sweep: what the tasks missed (retries, a dead sender's
    rows once their lease has run out, a task that could not be queued)."""
    return deliver_due(now)


def _due(now: dt.datetime) -> Q:
    return Q(status=EmailStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=EmailStatus.SENDING, lease_until__lt=now
    )


def claim(email_id: int, sender: str, now: dt.datetime) -> OutboundEmail | None:
    """Take one due row for ``sender`` (committed before anything is sent), or ``None`` if
    another sender has it or it is not due."""
    taken = (
        OutboundEmail.objects.filter(_due(now), pk=email_id)
        .filter(attempts__lt=EMAIL_MAX_ATTEMPTS)
        .update(
            status=EmailStatus.SENDING,
            claimed_by=sender,
            lease_until=now + lease(),
            attempts=F("attempts") + 1,
        )
    )
    if not taken:
        return None
    return OutboundEmail.objects.get(pk=email_id)


def deliver_due(now: dt.datetime | None = None, *, limit: int = EMAIL_BATCH) -> int:
    """Send up to ``limit`` due e-mails, each claimed first; how many were sent."""
    moment = now if now is not None else timezone.now()
    sender = f"{worker_name()}/{uuid.uuid4().hex[:8]}"
    due = list(
        OutboundEmail.objects.filter(_due(moment))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    # A row whose sender died at its last try is given up, not left "being sent".
    OutboundEmail.objects.filter(
        status=EmailStatus.SENDING, lease_until__lt=moment, attempts__gte=EMAIL_MAX_ATTEMPTS
    ).update(status=EmailStatus.FAILED, claimed_by="", lease_until=None)
    sent = 0
    connection = None
    try:
        for email_id in due:
            email = claim(email_id, sender, moment)
            if email is None:
                continue
            if connection is None:
                connection = mail.get_connection(fail_silently=False)
            try:
                connection.send_messages([_message(email)])
            except (OSError, smtplib.SMTPException) as error:
                _failed(email, sender, moment, error)
                connection.close()
                connection = None
                continue
            _sent(email, sender)
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    if len(due) >= limit:
        request_delivery()
    return sent


def _message(email: OutboundEmail) -> mail.EmailMessage:
    return mail.EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to_address],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )


def _sent(email: OutboundEmail, sender: str) -> None:
    marked = OutboundEmail.objects.filter(pk=email.pk, claimed_by=sender).update(
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        claimed_by="",
        lease_until=None,
        last_error="",
    )
    if not marked:
        # Our lease ran out while the server was slow and another sender took the row: it
        # may send it again (the same Message-ID). A lease longer than any send avoids this.
        logger.warning("e-mail %s was sent after its lease ran out", email.pk)
        OutboundEmail.objects.filter(pk=email.pk).exclude(status=EmailStatus.SENT).update(
            status=EmailStatus.SENT, sent_at=timezone.now(), claimed_by="", lease_until=None
        )


def _failed(email: OutboundEmail, sender: str, now: dt.datetime, error: Exception) -> None:
    given_up = email.attempts >= EMAIL_MAX_ATTEMPTS
    retry_at = now + backoff(email.attempts)
    OutboundEmail.objects.filter(pk=email.pk, claimed_by=sender).update(
        status=EmailStatus.FAILED if given_up else EmailStatus.PENDING,
        claimed_by="",
        lease_until=None,
        next_attempt_at=retry_at,
        last_error=f"{type(error).__name__}: {error}"[:500],
    )
    if given_up:
        logger.error("gave up e-mail %s after %d tries: %s", email.pk, email.attempts, error)
        return
    logger.warning(
        "could not send e-mail %s (try %d), again at %s: %s",
        email.pk,
        email.attempts,
        f"{retry_at:%Y-%m-%d %H:%M:%S} UTC",
        error,
    )
    request_delivery(retry_at)
