"""``/healthz``, ``/readyz`` and ``/metrics``: no session needed, each readiness check named,
the metrics only for the holder of the metrics token."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from defector.core import actions, metrics, sealing
from defector.core.models import AuditHead, WorkerHeartbeat
from defector.ops import health
from support.builders import case_opener
from support.fixtures import MakeOfficial
from support.world import World

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-tests-0123456789abcdef"
EVERYTHING: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> Iterator[None]:
    health.forget_migrations()
    yield
    health.forget_migrations()


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official("case.officer", ("case_officer", world.vienna))


def scrape(client: Client | None = None) -> str:
    response = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of the exposition, or None."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        metric, _, value = line.rpartition(" ")
        found_name, _, label_text = metric.partition("{")
        if found_name != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', label_text))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return None


# --- /healthz ------------------------------------------------------------------------------


def test_healthz_answers_without_the_database_even_for_a_signed_in_session(
    officer: User, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.force_login(officer)
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies, "a probe gets no session and no cookie"


def test_healthz_takes_only_safe_methods() -> None:
    assert Client().post("/healthz").status_code == 405


# --- /readyz -------------------------------------------------------------------------------


def test_readyz_is_ready_with_the_database_migrations_keys_and_a_fresh_heartbeat() -> None:
    WorkerHeartbeat.objects.create(worker="host:1")
    response = Client().get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ready"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "keys", "worker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_without_any_worker_answers_503_naming_the_worker() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["failing"] == ["worker"]
    assert "no worker has ever reported" in body["checks"]["worker"]["detail"]


def test_readyz_with_a_stale_heartbeat_names_its_age(settings: Any) -> None:
    settings.READY_HEARTBEAT_SECONDS = 60
    WorkerHeartbeat.objects.create(
        worker="host:1", beat_at=timezone.now() - dt.timedelta(minutes=10)
    )
    body = Client().get("/readyz").json()
    assert body["failing"] == ["worker"]
    assert "more than 60 s" in body["checks"]["worker"]["detail"]


def test_readyz_names_unapplied_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    WorkerHeartbeat.objects.create(worker="host:1")

    class Pending:
        app_label, name = "cases", "0042_next_release"

    def plan(self: Any, targets: Any) -> list[tuple[Any, bool]]:
        return [(Pending(), False)]

    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", plan)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert "cases.0042_next_release" in body["checks"]["migrations"]["detail"]


def test_readyz_names_keys_that_do_not_load(monkeypatch: pytest.MonkeyPatch) -> None:
    WorkerHeartbeat.objects.create(worker="host:1")
    monkeypatch.setenv(sealing.KEYS_ENV, '{"primary": "k1", "keys": {"k1": "not base64!"}}')
    sealing.reset_keyring()
    body = Client().get("/readyz").json()
    assert body["failing"] == ["keys"]
    assert "malformed" in body["checks"]["keys"]["detail"]
    assert "not base64" not in body["checks"]["keys"]["detail"]


def test_readyz_with_the_database_down_names_it_and_what_depends_on_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refuse)
    response = health.readiness()
    assert not response.ok
    assert response.failing == ["database", "migrations", "worker"]


# --- /metrics ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "header"),
    [
        ("", ""),
        ("", f"Bearer {TOKEN}"),
        (TOKEN, ""),
        (TOKEN, "Bearer wrong-token"),
        (TOKEN, f"Basic {TOKEN}"),
        (TOKEN, f"Bearer {TOKEN}x"),
    ],
    ids=[
        "no token set, none sent",
        "no token set: the page does not exist for anyone",
        "no token sent",
        "a wrong token",
        "the token under another scheme",
        "a token that only starts with the right one",
    ],
)
def test_metrics_are_not_found_without_the_metrics_token(
    settings: Any, configured: str, header: str
) -> None:
    settings.METRICS_TOKEN = configured
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert Client().get("/metrics", **extra).status_code == 404


def test_a_session_of_any_role_does_not_open_the_metrics(
    settings: Any, make_official: MakeOfficial
) -> None:
    settings.METRICS_TOKEN = TOKEN
    client = Client()
    client.force_login(make_official("the.auditor", ("auditor", None)))
    assert client.get("/metrics").status_code == 404


def test_metrics_give_latency_by_route_pattern_not_by_path(
    settings: Any, officer: User, world: World
) -> None:
    settings.METRICS_TOKEN = TOKEN
    case = case_opener(acting_user=officer, post_id=world.vienna.pk)(facts=EVERYTHING)
    client = Client()
    client.force_login(officer)
    before = scrape()
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/no/such/page/").status_code == 404
    text = scrape()
    route = "cases/<int:case_id>/"
    count = sample(text, "defector_http_request_duration_seconds_count", route=route, status="200")
    assert (
        count
        == (
            sample(
                before, "defector_http_request_duration_seconds_count", route=route, status="200"
            )
            or 0
        )
        + 1
    )
    assert sample(text, "defector_http_request_duration_seconds_count", route="api/v1/me")
    assert sample(
        text, "defector_http_request_duration_seconds_count", route="<unresolved>", status="404"
    )
    assert f"/cases/{case.pk}/" not in text


def test_metrics_count_overdue_obligations_by_clause(
    settings: Any, officer: User, world: World
) -> None:
    settings.METRICS_TOKEN = TOKEN
    received = timezone.now() - dt.timedelta(days=60)
    case_opener(acting_user=officer, post_id=world.vienna.pk)(
        facts=EVERYTHING, received_at=received, at=received
    )
    text = scrape()
    overdue = dict(re.findall(r'defector_obligations_overdue\{clause="([^"]+)"\} (\S+)', text))
    assert overdue, text
    assert all(float(value) >= 1 for value in overdue.values())
    assert "6b(3)(a)" in overdue  # threat information is disseminated at once


def test_metrics_give_the_audit_chain_length_and_the_last_checkpoint_age(settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    assert sample(scrape(), "defector_audit_checkpoint_age_seconds") == float("inf")
    actions.create_audit_checkpoint(acting_user=None)
    text = scrape()
    assert sample(text, "defector_audit_chain_events") == AuditHead.objects.get().seq
    age = sample(text, "defector_audit_checkpoint_age_seconds")
    assert age is not None
    assert 0 <= age < 60
    assert sample(text, "defector_worker_heartbeat_age_seconds") == float("inf")
    assert sample(text, "defector_metrics_gauge_failures") is None, "no gauge failed"


def test_an_app_registers_a_gauge_and_a_failing_gauge_spoils_no_other(settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN

    def broken() -> float:
        raise RuntimeError("the outbox is unreachable")

    metrics.register_gauge(
        "defector_test_queue_depth", "Test.", lambda: {("email",): 3.0}, labels=("channel",)
    )
    metrics.register_gauge("defector_test_broken", "Test.", broken)
    try:
        text = scrape()
    finally:
        metrics.unregister_gauge("defector_test_queue_depth")
        metrics.unregister_gauge("defector_test_broken")
    assert sample(text, "defector_test_queue_depth", channel="email") == 3.0
    assert sample(text, "defector_metrics_gauge_failures", gauge="defector_test_broken") == 1.0
    assert sample(text, "defector_audit_chain_events") is not None


@pytest.mark.parametrize(
    ("name", "labels"),
    [("bad name", ()), ("defector_x", ("bad-label",)), ("defector_x", ("__reserved",))],
    ids=["a name with a space", "a label with a dash", "a reserved label"],
)
def test_a_gauge_with_a_bad_name_is_refused(name: str, labels: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="not a Prometheus"):
        metrics.register_gauge(name, "Bad.", lambda: 1.0, labels=labels)
