"""The periodic sweeps that the worker runs (``defector worker``), and its heartbeat.

An app that must act on the passing of time (an obligation falling due, an unacknowledged
FLASH climbing its ladder) registers a sweep in its ``AppConfig.ready()``::

    sweeps.register("compliance.obligations", sweep_obligations, every=timedelta(minutes=1))

``run(now)`` is given the moment of the sweep and answers how many things it did. A sweep
must be idempotent and safe with two workers running it at once: it claims what it acts on
inside its own transaction (``select_for_update(skip_locked=True)`` on PostgreSQL, a
conditional update elsewhere), so running it twice, or on two workers, does each thing once.

The worker records a heartbeat (:class:`defector.core.models.WorkerHeartbeat`) at every turn
of its loop (:func:`beat`); :func:`last_heartbeat` is what readiness checks read.

:func:`run_due` is the worker's turn: each registered sweep whose time has come is taken by a
lease on its :class:`~defector.core.models.SweepLease` row (a conditional update, so of two
workers one runs it) and run; a sweep that raises is logged and tried again at its next turn.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from django.db import DatabaseError
from django.db.models import Max, Q
from django.utils import timezone

from defector.core.models import SweepLease, WorkerHeartbeat

logger = logging.getLogger(__name__)

#: A worker holds a sweep it runs for this many of its intervals: a worker killed during a
#: sweep delays that sweep by at most this; one that is merely slow may see another worker run
#: the same sweep beside it, which the sweeps' claims on each item make harmless.
LEASE_INTERVALS: Final = 2

SweepRun = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class Sweep:
    """One periodic sweep: its name (``app.what``), what it runs, and how often."""

    name: str
    run: SweepRun
    every: dt.timedelta


_SWEEPS: dict[str, Sweep] = {}


def register(name: str, run: SweepRun, *, every: dt.timedelta = dt.timedelta(minutes=1)) -> None:
    """Let the worker run ``run(now)`` every ``every``. Registering a name again replaces it
    (``ready()`` may run more than once in tests)."""
    if every <= dt.timedelta(0):
        raise ValueError(f"sweep {name!r}: 'every' must be positive, not {every}")
    _SWEEPS[name] = Sweep(name=name, run=run, every=every)


def registered() -> tuple[Sweep, ...]:
    """The sweeps registered, by name."""
    return tuple(_SWEEPS[name] for name in sorted(_SWEEPS))


def last_heartbeat() -> dt.datetime | None:
    """When any worker last reported that it was alive, or ``None`` if none ever did."""
    latest: dt.datetime | None = WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
    return latest


def beat(worker: str, *, started_at: dt.datetime | None = None) -> None:
    """Record that ``worker`` is alive now (its row created at its first beat)."""
    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(worker=worker).update(beat_at=now):
        WorkerHeartbeat.objects.update_or_create(
            worker=worker, defaults={"beat_at": now, "started_at": started_at or now}
        )


def take(sweep: Sweep, worker: str, now: dt.datetime) -> bool:
    """Take ``sweep``'s turn at ``now`` for ``worker``: true if it is due and no live lease
    holds it (then its next turn is set, and the lease is the worker's)."""
    SweepLease.objects.get_or_create(name=sweep.name, defaults={"next_run_at": now})
    taken = (
        SweepLease.objects.filter(name=sweep.name, next_run_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            next_run_at=now + sweep.every,
            leased_by=worker,
            lease_until=now + sweep.every * LEASE_INTERVALS,
            last_started_at=now,
        )
    )
    return taken == 1


def release(sweep: Sweep, worker: str, count: int) -> None:
    """Give back ``sweep``'s lease after its run (if ``worker`` still holds it)."""
    SweepLease.objects.filter(name=sweep.name, leased_by=worker).update(
        leased_by="", lease_until=None, last_finished_at=timezone.now(), last_count=count
    )


def run_due(worker: str, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every registered sweep that is due and not held by another worker; what each one
    run did (``{name: count}``). A sweep that fails is logged: the others still run."""
    moment = now if now is not None else timezone.now()
    done: dict[str, int] = {}
    # One read per turn; only a sweep that looks due is then taken (a write).
    waiting = {
        lease.name
        for lease in SweepLease.objects.all()
        if lease.next_run_at > moment or (lease.lease_until and lease.lease_until >= moment)
    }
    for sweep in registered():
        if sweep.name in waiting:
            continue
        try:
            if not take(sweep, worker, moment):
                continue
        except DatabaseError:
            logger.warning("could not take sweep %s (the database is busy)", sweep.name)
            continue
        count = 0
        try:
            count = int(sweep.run(moment))
        except Exception:
            logger.exception("sweep %s failed", sweep.name)
        finally:
            release(sweep, worker, count)
        done[sweep.name] = count
    return done
