"""``defector seed``: a realistic data set at scale, the same for the same seed.

Posts with their committees and officials, then cases at every stage with their sealed
subjects, assessments (by the policy itself), obligations (done as far as the stage goes),
notes and timelines, the cases' records in the other apps (``seed.later``: voluntary statements
with sealed files, exploitation, status reports to the IDC, publicity proposals, moves; and
Washington's catalogue of requirements and powers records), the committees' meetings and
minutes, the mutual problems the committees raised and referred to the IDC (``6c``,
``seed.problems``), and the audit events of it all —
exactly ``audit_events`` of them, the surplus over what the directory and cases need being
later notes on the cases. Written in bulk,
one transaction per batch of cases, with the audit chain computed in Python (``ledger``): the
chain verifies (``defector audit verify``).

Every draw goes through one ``random.Random(seed)`` and every time counts back from a fixed
anchor, so the same seed gives the same content (:func:`content_digest`); only the sealed
values (random nonces) and database-assigned times differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from django.db import connection, transaction

from defector.cases.models import Case, Obligation, TimelineEntry
from defector.committees.models import Meeting
from defector.core import chain
from defector.core.models import AuditEvent
from defector.core.progress import Progress
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.ops.seed.cases import CaseWriter
from defector.ops.seed.directory import POST_STAFF, WASHINGTON_STAFF, draw_posts, seed_directory
from defector.ops.seed.later import LaterWriter, plan_later
from defector.ops.seed.ledger import Ledger
from defector.ops.seed.meetings import EVENTS_PER_POST, seed_meetings
from defector.ops.seed.plans import SPAN_DAYS, plan_cases, spread_follow_ups
from defector.ops.seed.problems import PROBLEM_EVENTS_PER_POST, seed_problems
from defector.ops.seed.washington import (
    POWERS_EVENTS,
    catalogue_events,
    seed_catalogue,
    seed_powers,
)
from defector.reports.actions.standing import recompute_standing

__all__ = ["ANCHOR", "SeedSize", "TooFewEvents", "content_digest", "is_empty", "seed"]

#: Every seeded time counts back from here (so the same seed gives the same times).
ANCHOR: Final = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
#: Cases per transaction.
CASE_BATCH: Final = 1000


class TooFewEvents(ValueError):
    """``audit_events`` is fewer than the directory and cases need."""


@dataclass(frozen=True)
class SeedSize:
    posts: int
    cases: int
    audit_events: int
    seed: int


def is_empty() -> bool:
    """Whether the database holds no posts, officials, cases or audit events."""
    return not (
        Post.objects.exists()
        or Official.objects.exists()
        or Case.objects.exists()
        or AuditEvent.objects.exists()
    )


def _batches(items: list, size: int) -> Iterable[list]:  # type: ignore[type-arg]
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _generator(seed: int) -> random.Random:
    """A reproducible generator: the seed's data must be the same for the same seed, and it
    is never a secret (cryptonyms in production come from ``secrets``)."""
    return random.Random(seed)  # noqa: S311


def seed(size: SeedSize, *, request_id: str = "", progress: Progress | None = None) -> int:
    """Write the data set; the number of audit events written. Raises :class:`TooFewEvents`
    (nothing written) when ``audit_events`` cannot cover the directory and cases."""
    if size.posts < 1 or size.cases < 0 or size.audit_events < 0:
        raise ValueError("--posts must be at least 1, --cases and --audit-events not negative")
    rng = _generator(size.seed)
    anchor = ANCHOR
    directory_events = (
        size.posts * (1 + len(POST_STAFF) + EVENTS_PER_POST + PROBLEM_EVENTS_PER_POST)
        + len(WASHINGTON_STAFF)
        + catalogue_events()
        + POWERS_EVENTS
    )
    # Draw the posts and plan the cases first (no writes) to know the events they need.
    posts_rng = _generator(rng.getrandbits(64))
    plan_rng = _generator(rng.getrandbits(64))
    write_rng = _generator(rng.getrandbits(64))
    meetings_rng = _generator(rng.getrandbits(64))
    problems_rng = _generator(rng.getrandbits(64))
    later_rng = _generator(rng.getrandbits(64))
    planned = draw_posts(posts_rng, size.posts)
    officers = POST_STAFF.count(Role.CASE_OFFICER)
    shapes = [(post.country, officers) for post in planned]
    plans = plan_cases(plan_rng, count=size.cases, staff=shapes, anchor=anchor)
    plan_later(later_rng, plans)
    needed = directory_events + sum(plan.events for plan in plans)
    if size.audit_events < needed:
        raise TooFewEvents(
            f"--audit-events {size.audit_events} is too few: {size.posts} posts and "
            f"{size.cases} cases need at least {needed} audit events"
        )
    spread_follow_ups(plan_rng, plans, size.audit_events - needed)
    ledger = Ledger(request_id=request_id or f"cli-seed-{size.seed}", progress=progress)
    with transaction.atomic():
        staff = seed_directory(
            posts_rng,
            planned=planned,
            anchor=anchor,
            ledger=ledger,
        )
        seed_catalogue(ledger, at=anchor - dt.timedelta(days=SPAN_DAYS + 30))
        seed_powers(ledger, before=anchor - dt.timedelta(days=SPAN_DAYS))
        ledger.flush()
    later = LaterWriter(later_rng, anchor=anchor, ledger=ledger)
    writer = CaseWriter(write_rng, staff=staff, anchor=anchor, ledger=ledger, later=later)
    for batch in _batches(plans, CASE_BATCH):
        writer.write(batch)
    seed_meetings(meetings_rng, staff=staff, anchor=anchor, ledger=ledger)
    seed_problems(problems_rng, staff=staff, anchor=anchor, ledger=ledger, idc=later.idc)
    recompute_standing()  # the worldwide view's standing rows (reports.models.Standing)
    gather_statistics()
    return ledger.written


def gather_statistics() -> None:
    """On PostgreSQL, ``ANALYZE`` the tables just filled, as its documentation advises after a
    bulk load: until autovacuum gets to them (never, where it is off) the planner guesses their
    sizes (a case's five obligations guessed as 663, joined by hash over every official). SQLite
    plans without statistics unless asked; it is left as the application runs it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def content_digest() -> str:
    """A SHA-256 over the seeded content that does not depend on database ids or sealing
    nonces: posts, officials, cases, obligations, timelines, meetings and the audit actions."""
    digest = hashlib.sha256()

    def feed(rows: Iterable[object]) -> None:
        for row in rows:
            digest.update(chain.canonical_text(row).encode())
            digest.update(b"\n")

    feed(Post.objects.order_by("code").values_list("code", "name", "kind", "country", "city"))
    feed(
        Official.objects.order_by("user__username").values_list(
            "user__username", "user__first_name", "user__last_name", "post__code", "title"
        )
    )
    feed(
        (c, p, s, k, o, str(r), w, cat)
        for c, p, s, k, o, r, w, cat in Case.objects.order_by("cryptonym").values_list(
            "cryptonym", "post__code", "stage", "kind", "outcome", "received_at",
            "received_where", "categories",
        )
    )  # fmt: skip
    feed(
        (c, i, p, s, str(d))
        for c, i, p, s, d in Obligation.objects.order_by(
            "case__cryptonym", "identifier", "period"
        ).values_list("case__cryptonym", "identifier", "period", "status", "due_at")
    )
    feed(
        (c, k, s, str(a))
        for c, k, s, a in TimelineEntry.objects.order_by("case__cryptonym", "audit_seq", "kind")
        .values_list("case__cryptonym", "kind", "summary", "at")
    )  # fmt: skip
    feed(
        (p, str(t), s, m)
        for p, t, s, m in Meeting.objects.order_by(
            "committee__post__code", "starts_at"
        ).values_list("committee__post__code", "starts_at", "status", "minutes__status")
    )
    feed(
        (a, c, str(t))
        for a, c, t in AuditEvent.objects.order_by("seq").values_list("action", "cryptonym", "at")
    )
    return digest.hexdigest()
