"""Gunicorn's configuration for ``defector serve`` (``gunicorn -c python:defector.ops.server``).

``defector serve`` starts gunicorn with this module as its configuration and passes the address,
the number of processes and of threads (``DEFECTOR_SERVER_WORKERS``, ``DEFECTOR_SERVER_THREADS``)
and the time limits on its command line; what is the same for every deployment is here:

- with one thread a process (``DEFECTOR_SERVER_THREADS``, the default), gunicorn's sync
  worker (:class:`SyncWorker`): one request at a time a process, from one queue of connections
  for all processes, no interpreter lock shared and no hand-over between threads; with more,
  gthread workers: each process serves several requests at once on threads;
- the access log on standard output, one line a request with its ``X-Request-ID`` and its
  time, but only the path: never the query string (a search's ``q`` may hold a name) nor the
  referrer (which may hold another page's query);
- a graceful stop on SIGTERM *and* SIGINT (Ctrl-C): gunicorn's own SIGINT is a quick stop,
  which cuts requests in flight; here both stop accepting, let the requests in flight finish
  (within ``--graceful-timeout``) and exit 0;
- a bounded number of connections a process, none kept alive (on the command line of
  ``defector serve``: see ``serve.gunicorn_command``);
- the cyclic garbage collector settled in each worker once the application is loaded: what
  start-up made is frozen out of its sight (``DEFECTOR_SERVER_GC_FREEZE``) and its first
  threshold set (``DEFECTOR_SERVER_GC_THRESHOLD``), see :func:`settle_collector`;
- Prometheus metrics across processes (``prometheus_client``'s multiprocess mode): each worker
  writes its figures to files under ``PROMETHEUS_MULTIPROC_DIR`` (made by ``defector serve``),
  ``/metrics`` adds them up, a dead worker's are marked so, and the directory goes at exit.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import socket
from typing import Any

from django.conf import settings
from django.urls import get_resolver
from gunicorn import util  # type: ignore[import-untyped]
from gunicorn.workers.sync import SyncWorker as GunicornSyncWorker  # type: ignore[import-untyped]
from prometheus_client import multiprocess

wsgi_app = "defector.wsgi:application"
# A name ending in ``SyncWorker``: gunicorn runs its threaded worker (gthread) instead when a
# process has more than one thread (``--threads``), this one when it has one.
worker_class = "defector.ops.server.SyncWorker"
#: How long a process of :class:`SyncWorker` waits for a new connection's first bytes before it
#: closes the connection: as long as gunicorn's threaded worker waits with a thread.
FIRST_BYTES_SECONDS = 5.0
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'
# The control socket (gunicorn 24+) would be a file in the state or home directory: unused.
control_socket_disable = True
# The temporary files of the workers' heartbeats in memory, not on a disk that may be slow.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


class SyncWorker(GunicornSyncWorker):  # type: ignore[misc]
    """Gunicorn's sync worker: a process takes a connection from the listening socket only
    when it is free, and serves its one request. The connections waiting stay in the socket,
    where the first free process takes the oldest: one queue for all processes, in order,
    instead of a queue in each process behind requests of its own (gthread's, of
    ``--worker-connections``).

    Gunicorn's own waits as long as a client takes to send its request; this one waits at most
    :data:`FIRST_BYTES_SECONDS` for the first bytes, then closes the connection, so that a
    client that connects and sends nothing (a browser's speculative connection, a port scan)
    holds a process no longer than it would hold a thread of the threaded worker."""

    def accept(self, listener: socket.socket) -> None:
        client, address = listener.accept()
        client.settimeout(FIRST_BYTES_SECONDS)
        try:
            started = bool(client.recv(1, socket.MSG_PEEK))
        except OSError:  # the wait ran out, or the client went
            started = False
        if not started:
            util.close(client)
            return
        client.setblocking(True)
        util.close_on_exec(client)
        self.handle(listener, client, address)


def on_starting(server: Any) -> None:
    """SIGINT stops the master as SIGTERM does: gracefully."""
    server.handle_int = server.handle_term


def post_worker_init(worker: Any) -> None:
    """Ctrl-C reaches every process of the terminal's group: a worker that gets SIGINT
    finishes its requests in flight, as on SIGTERM, instead of dropping them."""
    signal.signal(signal.SIGINT, worker.handle_exit)
    settle_collector()


def settle_collector() -> None:
    """Freeze what start-up made, and set the collector's first threshold, in a worker that
    has loaded the application (gunicorn loads it in each worker: no ``preload_app``, so
    that SIGHUP and ``--reload`` load new code).

    A collection of the oldest generation walks every object it holds: with the application
    loaded, about 470,000, 150–260 ms of CPU with the interpreter lock held, while the
    process's requests wait. It comes when the objects that outlived the younger
    generations since the last one reach a quarter of those it holds: every 4,000–7,000
    requests, and in every process at about the same time, since they serve alike. Frozen
    (``gc.freeze()``), start-up's objects stay out of every collection: the oldest
    generation holds only what the process made since, and a collection of it takes 10–20
    ms of CPU. The URL configuration is loaded first (it imports every view, form and the
    API, which the first request would otherwise do), and start-up's garbage collected, so
    that none is frozen.
    """
    if settings.SERVER_GC_FREEZE:
        len(get_resolver().reverse_dict)
        gc.collect()
        gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(settings.SERVER_GC_THRESHOLD, older, oldest)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exits leaves its counters and histograms; its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    """Remove the metrics directory ``defector serve`` made for this server."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory and os.path.basename(directory).startswith("defector-metrics-"):
        shutil.rmtree(directory, ignore_errors=True)
