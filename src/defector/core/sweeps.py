"""The periodic sweeps that the worker runs (``defector worker``), and its heartbeat.

An app that must act on the passing of time (an obligation falling due, an unacknowledged
FLASH climbing its ladder) registers a sweep in its ``AppConfig.ready()``::

    sweeps.register("compliance.obligations", sweep_obligations, every=timedelta(minutes=1))

``run(now)`` is given the moment of the sweep and answers how many things it did. A sweep
must be idempotent and safe with two workers running it at once: it claims what it acts on
inside its own transaction (``select_for_update(skip_locked=True)`` on PostgreSQL, a
conditional update elsewhere), so running it twice, or on two workers, does each thing once.

The worker records a heartbeat (:class:`defector.core.models.WorkerHeartbeat`) at every turn
of its loop; :func:`last_heartbeat` is what readiness checks read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max

from defector.core.models import WorkerHeartbeat

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
