"""``core.audit.Draft``: an event encoded before its transaction is recorded as the same event
made in it — the same fields, the same bytes, the same hash (``core.encoding.Sketch``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from defector.core import audit, chain
from defector.core.models import AuditEvent

AT = dt.datetime(2026, 12, 7, 4, 0, 0, 123456, tzinfo=dt.UTC)

#: ``after`` values an intake's record holds, and harder ones: a ``%`` (the template's own
#: sign), non-ASCII text, nested objects and lists, keys sorting around the later ones.
AFTERS: list[dict[str, Any]] = [
    {"cryptonym": "ZRWORD", "kind": "walk_in", "post": 3, "subject": {"true_name": "[sealed]"}},
    {
        "received_where": "100% front desk, room %s",
        "note": 7,
        "categories": ["walk_in", "defector"],
        "opened_at": AT,
        "Zeta": None,
        "a%": {"b": [1, "é", {"z": 1, "a": 2}]},
        "cryptonym": "ÉCLAIR",
    },
]


def test_a_sketch_fills_to_the_canonical_encoding_of_the_whole_object() -> None:
    for value in AFTERS:
        plain = audit.jsonable(value)
        for later in ([], ["cryptonym"], sorted(plain), ["cryptonym", "missing"]):
            whole = {**plain, **{key: f"late {key}" for key in later}}
            sketch = chain.Sketch({k: v for k, v in plain.items() if k not in later}, later)
            filled = sketch.fill({key: chain.encode_value(whole[key]) for key in later})
            assert filled == chain.canonical_text(whole)


@pytest.mark.parametrize("after", AFTERS)
def test_a_drafted_event_has_the_fields_and_bytes_of_the_event_made_in_the_transaction(
    after: dict[str, Any],
) -> None:
    actor = User(pk=5, username="duty.officer", first_name="Dana", last_name="Reyes")
    later = {"cryptonym": "QXNEW", "note": 42}
    draft = audit.Draft(
        actor=actor,
        action="cases.case.open",
        object_type="cases.case",
        after={**after, "cryptonym": "drawn before"},
        later=sorted(later),
    )
    drafted = draft.event(object_id="17", cryptonym="QXNEW", after=later)
    made = audit.Event(
        actor=actor,
        action="cases.case.open",
        object_type="cases.case",
        object_id="17",
        cryptonym="QXNEW",
        after={**after, **later},
    )
    ours, theirs = drafted.fields(AT, "req-1"), made.fields(AT, "req-1")
    assert ours == theirs
    for fields in (ours, theirs):
        fields["seq"], fields["prev_hash"] = 12, "ab" * 32
    assert drafted.body(ours) == made.body(theirs) == chain.event_body(theirs)


def test_a_draft_is_given_exactly_its_later_values() -> None:
    draft = audit.Draft(actor=None, action="x.y.z", object_type="x.y", after={"a": 1}, later=("b",))
    with pytest.raises(ValueError, match="exactly"):
        draft.event(object_id="1", cryptonym="", after={"a": 2})


@pytest.mark.django_db
def test_a_drafted_event_is_appended_and_verifies_as_any_other() -> None:
    draft = audit.Draft(
        actor=None,
        action="tests.thing.make",
        object_type="tests.thing",
        after={"n": "50%"},
        later=("id",),
    )
    with transaction.atomic():
        first = audit.record(actor=None, action="tests.thing.make", after={"n": 1})
        second = audit.record_many([draft.event(object_id="9", cryptonym="", after={"id": 9})])[0]
    assert second.seq == first.seq + 1
    stored = AuditEvent.objects.get(pk=second.pk)
    assert audit.hashed_fields(stored)["after"] == {"n": "50%", "id": 9}
    assert audit.event_matches(stored)
    assert audit.verify_stored().ok
