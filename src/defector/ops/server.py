"""Gunicorn's configuration for ``defector serve`` (``gunicorn -c python:defector.ops.server``).

``defector serve`` starts gunicorn with this module as its configuration and passes the address,
the number of processes and of threads (``DEFECTOR_SERVER_WORKERS``, ``DEFECTOR_SERVER_THREADS``)
and the time limits on its command line; what is the same for every deployment is here:

- gthread workers: each process serves several requests at once on threads, so a request
  waiting on the database (or on Argon2 at sign-in) does not hold up the others;
- the access log on standard output, one line a request with its ``X-Request-ID`` and its
  time, but only the path: never the query string (a search's ``q`` may hold a name) nor the
  referrer (which may hold another page's query);
- a graceful stop on SIGTERM *and* SIGINT (Ctrl-C): gunicorn's own SIGINT is a quick stop,
  which cuts requests in flight; here both stop accepting, let the requests in flight finish
  (within ``--graceful-timeout``) and exit 0;
- a bounded number of connections a process, none kept alive (on the command line of
  ``defector serve``: see ``serve.gunicorn_command``);
- Prometheus metrics across processes (``prometheus_client``'s multiprocess mode): each worker
  writes its figures to files under ``PROMETHEUS_MULTIPROC_DIR`` (made by ``defector serve``),
  ``/metrics`` adds them up, a dead worker's are marked so, and the directory goes at exit.
"""

from __future__ import annotations

import os
import shutil
import signal
from typing import Any

from prometheus_client import multiprocess

wsgi_app = "defector.wsgi:application"
worker_class = "gthread"
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'
# The control socket (gunicorn 24+) would be a file in the state or home directory: unused.
control_socket_disable = True
# The temporary files of the workers' heartbeats in memory, not on a disk that may be slow.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


def on_starting(server: Any) -> None:
    """SIGINT stops the master as SIGTERM does: gracefully."""
    server.handle_int = server.handle_term


def post_worker_init(worker: Any) -> None:
    """Ctrl-C reaches every process of the terminal's group: a worker that gets SIGINT
    finishes its requests in flight, as on SIGTERM, instead of dropping them."""
    signal.signal(signal.SIGINT, worker.handle_exit)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exits leaves its counters and histograms; its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    """Remove the metrics directory ``defector serve`` made for this server."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory and os.path.basename(directory).startswith("defector-metrics-"):
        shutil.rmtree(directory, ignore_errors=True)
