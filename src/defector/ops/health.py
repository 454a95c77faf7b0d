"""The health checks behind ``/healthz`` and ``/readyz``.

``/healthz`` says only that the process answers (no database, nothing else): a load balancer
or an orchestrator restarts a server that stops answering it. ``/readyz`` says whether the
deployment can do its work, each check named:

- ``database``: a connection answers a query;
- ``migrations``: no migration of the code is unapplied (a new release before its
  ``defector migrate``);
- ``keys``: the sealing keyring and the audit signing key load (``DEFECTOR_SEALING_KEYS`` or
  the key file; ``DEFECTOR_AUDIT_SIGNING_KEY`` or its file);
- ``worker``: a worker (``defector worker``) reported within ``READY_HEARTBEAT_SECONDS``
  (``core.sweeps.last_heartbeat``): without one, no notice is e-mailed and no clock swept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from defector.core import config, sealing, signing, sweeps


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failing(self) -> list[str]:
        return [check.name for check in self.checks if not check.ok]

    def to_dict(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ok else "not ready",
            "failing": self.failing,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in self.checks},
        }


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"the database does not answer: {type(exc).__name__}")
    return Check("database", True, f"{connection.vendor} answers")


#: Once every migration was found applied, this process need not look again: only new code
#: (a new process) brings new migrations.
_migrated = False


def migrations() -> Check:
    global _migrated
    if _migrated:
        return Check("migrations", True, "every migration is applied")
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Check("migrations", False, f"cannot read the migrations: {type(exc).__name__}")
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
        return Check(
            "migrations", False, f"{len(plan)} unapplied (run `defector migrate`): {names}{more}"
        )
    _migrated = True
    return Check("migrations", True, "every migration is applied")


def forget_migrations() -> None:
    """Look at the migrations again at the next check (tests)."""
    global _migrated
    _migrated = False


def keys() -> Check:
    try:
        ring = sealing.keyring()
        signing.signing_key()
    except (sealing.SealingError, config.ConfigurationError, OSError) as exc:
        # The messages name what is missing or wrong, never key material.
        return Check("keys", False, str(exc))
    return Check("keys", True, f"sealing keyring (primary {ring.primary}) and signing key load")


def worker(now: dt.datetime | None = None) -> Check:
    limit = dt.timedelta(seconds=settings.READY_HEARTBEAT_SECONDS)
    try:
        beat = sweeps.last_heartbeat()
    except DatabaseError as exc:
        return Check("worker", False, f"cannot read the heartbeat: {type(exc).__name__}")
    if beat is None:
        return Check("worker", False, "no worker has ever reported (run `defector worker`)")
    age = (now or timezone.now()) - beat
    if age > limit:
        return Check(
            "worker",
            False,
            f"the last worker heartbeat is {int(age.total_seconds())} s old "
            f"(more than {settings.READY_HEARTBEAT_SECONDS} s)",
        )
    return Check("worker", True, f"a worker reported {max(0, int(age.total_seconds()))} s ago")


def readiness() -> Readiness:
    """Every check, the database's first: the others need it but for the keys."""
    first = database()
    if not first.ok:
        skipped = "skipped: the database does not answer"
        return Readiness(
            (first, Check("migrations", False, skipped), keys(), Check("worker", False, skipped))
        )
    return Readiness((first, migrations(), keys(), worker()))
