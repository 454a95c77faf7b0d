"""Prometheus metrics: the request latency of every route, and a registry of gauges.

Each app that has a figure worth watching registers a gauge in its ``AppConfig.ready()``::

    metrics.register_gauge(
        "defector_outbox_queue_depth", "E-mails waiting to be sent.", outbox_depth
    )
    metrics.register_gauge(
        "defector_obligations_overdue", "Open obligations past their due time, by clause.",
        overdue_by_clause, labels=("clause",),
    )

A gauge without labels answers one number; one with labels answers a mapping from a tuple of
label values (in the order of ``labels``) to a number. Gauges are read when ``/metrics`` is
scraped (:class:`GaugesCollector`), never in between; one that fails is left out of that scrape
and named in ``defector_metrics_gauge_failures``, so a broken gauge cannot hide the others.

Request latency (:data:`REQUEST_LATENCY`) is observed by :class:`RequestLatencyMiddleware`,
labelled by the route *pattern* that resolved (``cases/<int:pk>/``), never the raw path, so
the number of series stays bounded whatever the ids. Under ``defector serve`` several
processes observe; ``prometheus_client``'s multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``)
adds them up in :func:`exposition`.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

GaugeValue = float | Mapping[tuple[str, ...], float]
GaugeReader = Callable[[], GaugeValue]

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

#: The request latency by route (the resolved pattern), method and status. Not in the default
#: registry: :func:`exposition` adds it (or, across processes, the files it writes).
REQUEST_LATENCY = Histogram(
    "defector_http_request_duration_seconds",
    "Time to answer a request, by route pattern, method and status code.",
    ("route", "method", "status"),
    registry=None,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
#: The route label of a request that no URL pattern resolved, and of a static file.
UNRESOLVED = "<unresolved>"
STATIC = "<static>"


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    read: GaugeReader
    labels: tuple[str, ...]


_GAUGES: dict[str, Gauge] = {}


def register_gauge(
    name: str, help: str, fn: GaugeReader, labels: tuple[str, ...] | list[str] = ()
) -> None:
    """Export ``fn()`` as the gauge ``name`` at each scrape. Registering a name again replaces
    it (``ready()`` may run more than once in tests)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a Prometheus metric name")
    bad = [label for label in labels if not _LABEL.fullmatch(label) or label.startswith("__")]
    if bad:
        raise ValueError(f"gauge {name}: {bad} are not a Prometheus label names")
    _GAUGES[name] = Gauge(name=name, help=help, read=fn, labels=tuple(labels))


def unregister_gauge(name: str) -> None:
    """Forget a gauge (tests)."""
    _GAUGES.pop(name, None)


def registered_gauges() -> tuple[Gauge, ...]:
    return tuple(_GAUGES[name] for name in sorted(_GAUGES))


class GaugesCollector(Collector):
    """Reads every registered gauge at scrape time."""

    def collect(self) -> Iterator[Metric]:
        failures = GaugeMetricFamily(
            "defector_metrics_gauge_failures",
            "1 for each gauge that failed to be read at this scrape (left out of it).",
            labels=["gauge"],
        )
        for gauge in registered_gauges():
            family = GaugeMetricFamily(gauge.name, gauge.help, labels=list(gauge.labels))
            try:
                value = gauge.read()
                if gauge.labels:
                    if not isinstance(value, Mapping):
                        raise TypeError("a gauge with labels answers a mapping")
                    for key, number in sorted(value.items()):
                        if len(key) != len(gauge.labels):
                            raise ValueError(f"{key!r} does not match labels {gauge.labels}")
                        family.add_metric(list(key), float(number))
                else:
                    if isinstance(value, Mapping):
                        raise TypeError("a gauge without labels answers one number")
                    family.add_metric([], float(value))
            except Exception as exc:
                # One line, without the exception's text (a database error may quote SQL).
                logger.warning("the gauge %s could not be read: %s", gauge.name, type(exc).__name__)
                failures.add_metric([gauge.name], 1.0)
                continue
            yield family
        yield failures


def exposition() -> bytes:
    """Every metric in Prometheus's text format: the request latency (of this process, or of
    every process of the server in multiprocess mode) and the registered gauges."""
    registry = CollectorRegistry(auto_describe=False)  # gauges are read once, at collect
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(GaugesCollector())
    return generate_latest(registry)


def route_of(request: HttpRequest) -> str:
    """The pattern that resolved ``request`` (``api/v1/cases/<int:case_id>``), not its path."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)
    static = "/" + str(settings.STATIC_URL).lstrip("/")
    if request.path.startswith(static):
        return STATIC
    return UNRESOLVED


class RequestLatencyMiddleware:
    """Observe each request's time in :data:`REQUEST_LATENCY` (outermost, so it counts every
    other middleware's time too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        REQUEST_LATENCY.labels(
            route=route_of(request), method=request.method or "", status=str(response.status_code)
        ).observe(time.perf_counter() - start)
        return response
