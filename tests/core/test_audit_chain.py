"""Tampering with a 10,000-event audit chain is always detected, and a clean chain never alarms.

``core.chain`` is plain Python, so these run on an in-memory chain built once per module;
hypothesis picks what to tamper with and where: edit any field of any event, delete an event,
insert a forged one, swap two, truncate the tail, and re-hash everything after an edit
without the signing key. The verifier knows only the deployment's public key and a
checkpoint kept at the original head (as ``defector audit checkpoint`` prints it), plus the
checkpoints stored along the way.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Mapping
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from defector.core import chain

N = 10_000
STORED_AT = (1, 2_500, 5_000, 7_500)
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: Edits have the most ways to go (any field, any value), so they get more examples.
MORE_EXAMPLES = settings(EXAMPLES, max_examples=50)

ACTIONS = (
    "cases.case.create",
    "cases.subject.reveal",
    "cases.case.update",
    "directory.post.update",
    "directory.official.create",
    "audit.export",
    "audit.checkpoint",
)
ACTORS = (
    "Dana Reyes (duty.officer)",
    "Martin Hale (committee.chair)",
    "Iris Novak (auditor)",
    "system",
    "Zoë Ångström-Łukasz (z.angstrom)",
)


def _event(rng: random.Random, seq: int, previous: str) -> dict[str, Any]:
    action = rng.choice(ACTIONS)
    decided = rng.random() < 0.2
    event: dict[str, Any] = {
        "seq": seq,
        "at": chain.format_time(START + dt.timedelta(seconds=seq * 7, microseconds=seq)),
        "actor_id": rng.choice([None, rng.randrange(1, 400)]),
        "actor_name": rng.choice(ACTORS),
        "action": action,
        "object_type": action.rsplit(".", 1)[0],
        "object_id": str(rng.randrange(1, 5_000)),
        "cryptonym": rng.choice(["", "AEKESTREL", "QRHARBOR", "MHFALCON"]),
        "before": rng.choice([None, {"status": "open", "version": rng.randrange(9)}]),
        "after": {
            "status": rng.choice(["open", "granted", "closed"]),
            "true_name": "[sealed]",
            "aliases": ["Иван", "J. Doe"][: rng.randrange(3)],
        },
        "decision": (
            {"allowed": rng.random() < 0.5, "clauses": ["2a", "6b(2)"], "reason": "meets 2a"}
            if decided
            else None
        ),
        "policy_version": "dcid-4-21/1" if decided else "",
        "reason": rng.choice(["", "", "name trace at HQ", "quarterly review"]),
        "request_id": f"{rng.getrandbits(64):016x}",
        "prev_hash": previous,
    }
    event["hash"] = chain.event_hash(event)
    return event


@functools.cache
def signing() -> tuple[Ed25519PrivateKey, dict[str, Ed25519PublicKey]]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    return key, {chain.key_id(public): public}


@functools.cache
def original() -> tuple[dict[str, Any], ...]:
    """The untampered chain, built once (events are never mutated: tampering copies them)."""
    rng = random.Random(421)
    events: list[dict[str, Any]] = []
    previous = chain.GENESIS
    for seq in range(1, N + 1):
        event = _event(rng, seq, previous)
        previous = event["hash"]
        events.append(event)
    return tuple(events)


def checkpoint_at(events: tuple[dict[str, Any], ...] | list[dict[str, Any]], size: int) -> Any:
    key, _ = signing()
    head = events[size - 1]["hash"] if size else chain.GENESIS
    return chain.sign_checkpoint(key, size=size, head=head, time=START + dt.timedelta(days=1))


@functools.cache
def kept() -> chain.Checkpoint:
    """The checkpoint an operator printed at the original head and kept elsewhere."""
    result: chain.Checkpoint = checkpoint_at(original(), N)
    return result


@functools.cache
def stored() -> tuple[chain.Checkpoint, ...]:
    return tuple(checkpoint_at(original(), size) for size in STORED_AT)


def verify(
    events: list[dict[str, Any]], checkpoints: tuple[chain.Checkpoint, ...] | None = None
) -> chain.Report:
    _, keys = signing()
    chosen = (*stored(), kept()) if checkpoints is None else checkpoints
    return chain.verify(events, chosen, keys)


def rehash_from(events: list[dict[str, Any]], index: int) -> None:
    """Make every link consistent again from ``index`` on, as an attacker would."""
    previous = events[index - 1]["hash"] if index else chain.GENESIS
    for position in range(index, len(events)):
        event = {**events[position], "prev_hash": previous}
        event["seq"] = position + 1
        event["hash"] = chain.event_hash(event)
        events[position] = event
        previous = event["hash"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
INDEX = st.integers(min_value=0, max_value=N - 1)
EDITABLE = st.sampled_from((*chain.HASHED_FIELDS, "hash"))


def differs(new: Any, old: Any) -> bool:
    return chain.canonical_text(new) != chain.canonical_text(old)


def test_the_original_chain_verifies_clean_with_every_checkpoint() -> None:
    report = verify(list(original()))
    assert report.ok, report.faults
    assert report.events == N
    assert report.checkpoints == len(STORED_AT) + 1
    assert report.head == original()[-1]["hash"]


# --- tampering -------------------------------------------------------------------------------


@MORE_EXAMPLES
@given(index=INDEX, field=EDITABLE, value=JSON_VALUES)
def test_editing_any_field_of_any_event_is_detected_at_that_event(
    index: int, field: str, value: Any
) -> None:
    events = list(original())
    assume(differs(value, events[index][field]))
    events[index] = {**events[index], field: value}
    report = verify(events)
    assert not report.ok
    first = report.first_bad
    assert first is not None
    assert first.position == index + 1


@EXAMPLES
@given(index=INDEX)
def test_deleting_any_event_is_detected(index: int) -> None:
    events = list(original())
    del events[index]
    report = verify(events)
    assert not report.ok
    first = report.first_bad
    assert first is not None
    if index < N - 1:
        assert first.position == index + 1
        assert {f.kind for f in report.faults} >= {"out of sequence", "broken link"}
    else:  # the last event: only the kept checkpoint can tell
        assert [f.kind for f in report.faults] == ["truncated"]


@EXAMPLES
@given(
    index=INDEX,
    correct_hash=st.booleans(),
    seq=st.one_of(st.none(), st.integers(min_value=0, max_value=N + 1)),
    data=st.data(),
)
def test_inserting_a_forged_event_anywhere_in_the_signed_chain_is_detected(
    index: int, correct_hash: bool, seq: int | None, data: st.DataObject
) -> None:
    events = list(original())
    forged = {
        **events[index],
        "seq": index + 1 if seq is None else seq,
        "actor_name": data.draw(st.text(min_size=1, max_size=30), label="actor"),
        "after": data.draw(JSON_VALUES, label="after"),
        "prev_hash": events[index - 1]["hash"] if index else chain.GENESIS,
    }
    forged["hash"] = (
        chain.event_hash(forged)
        if correct_hash
        else data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
    )
    events.insert(index, forged)
    report = verify(events)
    assert not report.ok
    first = report.first_bad
    assert first is not None
    # The forged event itself may look well formed; the event after it cannot.
    assert first.position in {index + 1, index + 2}


@EXAMPLES
@given(one=INDEX, other=INDEX)
def test_swapping_two_events_is_detected_at_the_first_of_them(one: int, other: int) -> None:
    assume(one != other)
    events = list(original())
    events[one], events[other] = events[other], events[one]
    report = verify(events)
    assert not report.ok
    first = report.first_bad
    assert first is not None
    assert first.position == min(one, other) + 1


@EXAMPLES
@given(keep=st.integers(min_value=0, max_value=N - 1))
def test_truncating_the_tail_is_detected_by_the_kept_checkpoint(keep: int) -> None:
    events = list(original()[:keep])
    report = verify(events)
    assert not report.ok
    assert "truncated" in {f.kind for f in report.faults}
    assert report.first_bad is not None
    assert report.first_bad.position == 0  # the chain as a whole
    # Every link of what is left holds: only the checkpoint can tell.
    assert all(f.kind == "truncated" for f in report.faults)


@EXAMPLES
@given(
    index=INDEX,
    field=st.sampled_from(["actor_name", "action", "after", "reason", "cryptonym"]),
    value=JSON_VALUES,
    regrow=st.booleans(),
)
def test_rehashing_after_an_edit_without_the_signing_key_is_detected(
    index: int, field: str, value: Any, regrow: bool
) -> None:
    events = list(original())
    assume(differs(value, events[index][field]))
    events[index] = {**events[index], field: value}
    if regrow:  # also cut the tail and grow it back to the original size
        cut = max(index + 1, N - 50)
        events = events[:cut] + [{**e, "reason": "regrown"} for e in events[cut:]]
    rehash_from(events, index)
    report = verify(events)
    assert not report.ok
    assert {f.kind for f in report.faults} == {"checkpoint mismatch"}
    mismatched = sorted(f.position for f in report.faults)
    # The kept checkpoint at the head always catches it; stored ones after the edit do too.
    assert mismatched[-1] == N
    assert mismatched == sorted(size for size in (*STORED_AT, N) if size > index)


@EXAMPLES
@given(index=INDEX, forger=st.sampled_from(["own key", "copied key id"]))
def test_a_checkpoint_forged_without_the_signing_key_is_refused(index: int, forger: str) -> None:
    """Without a kept checkpoint, an attacker who re-hashed also re-signs the stored ones."""
    events = list(original())
    events[index] = {**events[index], "reason": "rewritten"}
    rehash_from(events, index)
    attacker = Ed25519PrivateKey.generate()
    forged = []
    for size in (*STORED_AT, N):
        checkpoint = chain.sign_checkpoint(
            attacker, size=size, head=events[size - 1]["hash"], time=START
        )
        if forger == "copied key id":
            checkpoint = chain.Checkpoint(**{**checkpoint.to_dict(), "key_id": kept().key_id})
        forged.append(checkpoint)
    report = verify(events, tuple(forged))
    assert not report.ok
    expected = "unknown key" if forger == "own key" else "bad signature"
    assert {f.kind for f in report.faults} == {expected}
    assert len(report.faults) == len(forged)


# --- no false alarms -------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data())
def test_an_untampered_chain_of_any_length_with_checkpoints_anywhere_verifies_clean(
    data: st.DataObject,
) -> None:
    length = data.draw(st.integers(min_value=0, max_value=N), label="length")
    sizes = data.draw(
        st.lists(st.integers(min_value=0, max_value=length), max_size=6), label="checkpoints"
    )
    events = list(original()[:length])
    checkpoints = tuple(checkpoint_at(events, size) for size in sizes)
    report = verify(events, checkpoints)
    assert report.ok, report.faults
    assert report.events == length
    assert report.checkpoints == len(set(checkpoints))
    assert report.head == (events[-1]["hash"] if events else chain.GENESIS)


# --- the verifier itself ---------------------------------------------------------------------


def test_the_empty_chain_verifies_clean() -> None:
    report = chain.verify([], [], {})
    assert report.ok
    assert report.events == 0
    assert report.head == chain.GENESIS


def test_verification_stops_after_max_faults_without_claiming_a_truncation() -> None:
    events = [{**event, "reason": "x"} for event in original()[:500]]
    _, keys = signing()
    report = chain.verify(events, [kept()], keys, max_faults=10)
    assert not report.complete
    assert len(report.faults) == 10
    assert "truncated" not in {f.kind for f in report.faults}


def test_an_event_that_cannot_be_encoded_is_a_fault_not_a_crash() -> None:
    events = list(original()[:3])
    events[1] = {**events[1], "after": {"x": float("nan")}}
    report = chain.verify(events, [], {})
    assert [(f.position, f.kind) for f in report.faults] == [(2, "unreadable")]


def test_a_fault_names_its_event_and_its_position_when_they_differ() -> None:
    assert str(chain.Fault(7, "altered", "x", 7)) == "event 7: altered: x"
    assert str(chain.Fault(9, "out of sequence", "x", 7)) == (
        "event at position 7 (seq 9): out of sequence: x"
    )
    assert str(chain.Fault(0, "truncated", "x")) == "chain: truncated: x"


def test_a_checkpoint_round_trips_through_its_printed_form() -> None:
    checkpoint = kept()
    again = chain.Checkpoint.from_dict({**checkpoint.to_dict(), "public_key": "ignored"})
    assert again == checkpoint
    _, keys = signing()
    assert again.verify_signature(keys[again.key_id])


@pytest.mark.parametrize(
    "broken",
    [{"size": "many"}, {"head": None, "size": None}, {}],
    ids=["a size that is not a number", "missing values", "nothing"],
)
def test_a_malformed_checkpoint_is_refused_with_a_message(broken: Mapping[str, Any]) -> None:
    data = {**kept().to_dict(), **broken} if broken else {}
    with pytest.raises(ValueError, match="not a checkpoint"):
        chain.Checkpoint.from_dict(data)
