"""What a walk-in writes is made before its transaction (``cases.actions.opening``): its rows
converted, its timeline lines and audit record encoded, but for what only the transaction
knows — and it is what the transaction made of the same intake."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from defector.cases import cryptonyms
from defector.cases.actions import intake
from defector.cases.models import Case, TimelineEntry
from defector.core import audit
from defector.core.models import AuditEvent
from defector.core.sealing import open_sealed

pytestmark = pytest.mark.django_db

WALK_IN: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "dissatisfied": True,
    "willing_to_defect": True,
    "requests": ["asylum"],
    "threat_information": True,
}
MOMENT = dt.datetime(2026, 11, 30, 8, 46, 51, 322919, tzinfo=dt.UTC)
#: What differs between two intakes of the same values: their keys, times and cryptonyms.
VARYING = ("seq", "prev_hash", "at", "object_id", "cryptonym", "request_id")


def _record(case: Case) -> dict[str, Any]:
    event = AuditEvent.objects.get(action="cases.case.open", object_id=str(case.pk))
    assert audit.event_matches(event)
    fields = audit.hashed_fields(event)
    after = dict(fields.pop("after"))
    assert after.pop("cryptonym") == case.cryptonym
    if "note" in after:
        assert after.pop("note") == case.notes.get().pk
    return {name: value for name, value in fields.items() if name not in VARYING} | {"after": after}


def _lines(case: Case) -> list[tuple[str, ...]]:
    return [
        (e.kind, e.summary.replace(case.cryptonym, "*"), e.object_label, e.actor_name, str(e.at))
        for e in TimelineEntry.objects.filter(case=case).order_by("pk")
    ]


def _in_the_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the record and the lines are made in the transaction (none drafted)."""
    made = intake.make
    monkeypatch.setattr(
        intake,
        "make",
        lambda *args, **kwargs: dataclasses.replace(made(*args, **kwargs), lines=None, draft=None),
    )


@pytest.mark.parametrize("note", ["", "Walked in at the consular window."])
def test_a_walk_ins_record_and_lines_made_before_are_those_made_in_its_transaction(
    open_case: Any, monkeypatch: pytest.MonkeyPatch, note: str
) -> None:
    given = {
        "kind": "walk_in",
        "facts": WALK_IN,
        "note": note,
        "received_where": "100% gate",
        "at": MOMENT,
    }
    before = open_case(**given)
    _in_the_transaction(monkeypatch)
    inside = open_case(**given)
    assert _record(before) == _record(inside)
    assert _lines(before) == _lines(inside)
    assert [e.audit_seq for e in TimelineEntry.objects.filter(case=before)] == [
        AuditEvent.objects.get(action="cases.case.open", object_id=str(before.pk)).seq
    ] * len(_lines(before))
    assert {e.object_id for e in TimelineEntry.objects.filter(case=before)} >= {str(before.pk)}


def test_a_cryptonym_drawn_again_is_the_one_the_record_and_the_timeline_name(
    open_case: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_case()
    draws = iter([first.cryptonym, "ZRNEWWORD"])  # as if another intake took it meanwhile
    monkeypatch.setattr(cryptonyms, "draw", lambda: next(draws))
    monkeypatch.setattr(cryptonyms, "new_cryptonym", lambda: next(draws))
    second = open_case(kind="walk_in", facts=WALK_IN)
    assert second.cryptonym == "ZRNEWWORD"
    event = AuditEvent.objects.get(action="cases.case.open", object_id=str(second.pk))
    assert audit.event_matches(event)
    assert event.cryptonym == "ZRNEWWORD"
    assert audit.hashed_fields(event)["after"]["cryptonym"] == "ZRNEWWORD"
    opened = TimelineEntry.objects.filter(case=second).order_by("pk").first()
    assert opened is not None
    assert "ZRNEWWORD" in opened.summary


def test_a_walk_ins_subject_is_sealed_in_its_transaction_bound_to_its_row(
    open_case: Any, identity: dict[str, str]
) -> None:
    case = open_case(kind="walk_in", facts=WALK_IN)
    subject = Case.objects.get(pk=case.pk).subject
    assert subject.seal_uid is not None
    assert open_sealed(subject, "true_name") == identity["true_name"]
