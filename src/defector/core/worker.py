"""The background worker (``defector worker``): queued tasks, periodic sweeps, a heartbeat.

One loop, built on the database worker of ``django-tasks-db`` (the queue is a table: no broker
to run, on SQLite and PostgreSQL alike). Each turn it

1. records its heartbeat (:func:`defector.core.sweeps.beat`),
2. runs every registered sweep that is due (:func:`defector.core.sweeps.run_due`: a lease per
   sweep, so of several workers one runs each turn),
3. takes one queued task, if any (claimed inside an exclusive transaction, so no two workers
   take the same task), and runs it;

and, when there was nothing to do, sleeps ``interval`` seconds (a quarter of a second by
default, so that a task queued on an idle worker starts within about that).

Ctrl-C or SIGTERM stops it after the task it is running; a second one stops it at once. A
worker killed outright (SIGKILL) leaves its task marked running and its sweep lease held until
the lease expires; what must not be lost (the e-mail outbox) is claimed with its own lease and
taken up again by the next worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from typing import Any, Final

from django.db import DatabaseError, OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from defector.core import sweeps

logger = logging.getLogger(__name__)

#: How long finished tasks stay in the queue table (the ``core.finished_tasks`` sweep).
FINISHED_TASKS_KEPT: Final = dt.timedelta(days=1)


def prune_finished_tasks(now: dt.datetime) -> int:
    """The ``core.finished_tasks`` sweep: delete the queue's tasks that finished (successfully)
    more than a day ago; how many. Failed ones stay for an operator to read."""
    deleted, _ = DBTaskResult.objects.filter(
        status="SUCCESSFUL", finished_at__lt=now - FINISHED_TASKS_KEPT
    ).delete()
    return int(deleted)


def worker_name() -> str:
    """This process's name as a worker: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker(DatabaseWorker):
    """``django-tasks-db``'s worker, with the project's sweeps and heartbeat in its loop."""

    def __init__(
        self,
        *,
        interval: float,
        backend_name: str = "default",
        max_turns: int | None = None,
        name: str | None = None,
    ) -> None:
        self.name = name or worker_name()
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.name[:64],
            excluded_queue_names=[],
        )
        self.max_turns = max_turns
        self.started_at = timezone.now()

    def turn(self) -> bool:
        """One turn of the loop; true if it found work (a sweep run or a task)."""
        close_old_connections()
        sweeps.beat(self.name, started_at=self.started_at)
        swept = sweeps.run_due(self.name)
        task_result = self.take_task()
        if task_result is not None:
            self.run_task(task_result)
        close_old_connections()
        return task_result is not None or any(swept.values())

    def take_task(self) -> DBTaskResult[Any, Any] | None:
        """The next queued task, claimed for this worker (``None`` if there is none, or the
        database is busy: the next turn tries again)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None
            raise
        return task_result

    def run(self) -> None:
        logger.info("worker %s started", self.name)
        turns = 0
        while self.running:
            try:
                busy = self.turn()
            except DatabaseError:
                # The database went away or stayed locked: log, wait, and try again.
                logger.exception("worker %s: a turn failed; trying again", self.name)
                close_old_connections()
                busy = False
            turns += 1
            if self.max_turns is not None and turns >= self.max_turns:
                return
            if self.running and not busy:
                time.sleep(self.interval)
