"""The lifecycle of a case: the transition table (pure, every pair of stages), and the moves
through the action — each audited with the clauses that justify it; an illegal one explained;
closing with a fitting outcome; reopening with a reason."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions, lifecycle
from defector.cases.choices import CaseOutcome, Stage
from defector.cases.models import Assessment, Case, Obligation, TimelineEntry
from defector.core.errors import InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.policy import Decision

pytestmark = pytest.mark.django_db

R, A, D, E, S, C = (
    Stage.RECEPTION,
    Stage.ASSESSMENT,
    Stage.DETERMINATION,
    Stage.EXPLOITATION,
    Stage.RESETTLEMENT,
    Stage.CLOSED,
)

#: Every allowed move, with the clauses that justify it. Every other pair is illegal.
ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {
    (R, A): ("6b(1)",),
    (A, D): ("6b(2)",),
    (D, A): ("6b(2)", "6b(3)(b)"),
    (D, E): ("6b(2)", "5a(5)"),
    (E, S): ("6b(3)(d)",),
    (C, A): ("6b(1)",),
    (R, C): (),
    (A, C): (),
    (D, C): (),
    (E, C): (),
    (S, C): (),
}
#: The outcomes each open stage may close with.
ENDINGS: dict[str, set[str]] = {
    R: {"withdrew", "returned"},
    A: {"referred_refugee", "withdrew", "returned"},
    D: {"declined", "referred_refugee", "withdrew", "redefected", "returned"},
    E: {"granted", "withdrew", "redefected", "returned"},
    S: {"granted", "withdrew", "redefected", "returned"},
    C: set(),
}

PAIRS = list(itertools.product(Stage.values, repeat=2))


@pytest.fixture
def without_the_status_guard() -> Iterator[None]:
    """The status determination's guard (to exploitation only with a grant, ``6b(2)``) set
    aside: these tests walk the stages without recording a determination."""
    from defector.cases.queries import exploitation_guard

    lifecycle.unregister_guard(D, E, exploitation_guard)
    yield
    lifecycle.register_guard(D, E, exploitation_guard)


@pytest.mark.parametrize(
    ("source", "target"),
    PAIRS,
    ids=[
        f"{source} may move to {target}"
        if (source, target) in ALLOWED
        else f"{source} may not move to {target}"
        for source, target in PAIRS
    ],
)
def test_the_transition_table(source: str, target: str) -> None:
    assert lifecycle.allowed(source, target) == ((source, target) in ALLOWED)
    move = lifecycle.transition(source, target)
    if (source, target) in ALLOWED and target != C:
        assert move is not None
        assert move.clauses == ALLOWED[(source, target)]
        assert move.reason
    elif target != C:
        assert move is None


@pytest.mark.parametrize(
    ("source", "outcome"),
    list(itertools.product(Stage.values, CaseOutcome.values)),
    ids=[
        f"a case at {s} {'may' if o in ENDINGS[s] else 'may not'} be closed as {o}"
        for s, o in itertools.product(Stage.values, CaseOutcome.values)
    ],
)
def test_the_outcomes_table(source: str, outcome: str) -> None:
    decision = lifecycle.decision(source, C, outcome)
    assert (decision is not None) == (outcome in ENDINGS[source])
    if decision is not None:
        assert decision.clauses


def test_the_refusal_names_both_stages_and_what_may_follow() -> None:
    assert lifecycle.refusal(R, E) == (
        "a case cannot move from Reception to Exploitation; "
        "from Reception it may move to: Assessment, Closed"
    )
    assert lifecycle.refusal(C, E) == (
        "a case cannot move from Closed to Exploitation; from Closed it may move to: Assessment"
    )


def test_going_back_and_reopening_need_a_reason_in_the_table() -> None:
    assert lifecycle.needs_reason(D, A)
    assert lifecycle.needs_reason(C, A)
    assert not lifecycle.needs_reason(R, A)


# --- through the action -------------------------------------------------------------------------


FACTS = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
}


def move(case: Case, user: User, to: str, **more: Any) -> Case:
    case.refresh_from_db()
    return actions.move_case(
        acting_user=user, case_id=case.pk, expected_version=case.version, to=to, **more
    )


def test_a_case_moves_through_every_stage_and_each_move_is_audited(
    open_case: Any, officer: User, without_the_status_guard: None
) -> None:
    case = open_case(facts=FACTS)
    for target in (A, D, E, S):
        moved = move(case, officer, target)
        assert moved.stage == target
        event = AuditEvent.objects.filter(action="cases.case.move").order_by("-seq").first()
        assert event is not None
        assert event.after["stage"] == target
        assert event.decision is not None
        assert event.decision["allowed"] is True
        assert (
            tuple(event.decision["clauses"])
            == lifecycle.decision(event.before["stage"], target).clauses
        )  # type: ignore[union-attr]
        assert event.policy_version
    closed = move(case, officer, C, outcome="granted")
    assert (closed.stage, closed.outcome) == (C, "granted")
    lines = list(
        TimelineEntry.objects.filter(case=case, kind__in=["cases.case.move", "cases.case.close"])
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert lines == [
        "Stage: Reception → Assessment (6b(1))",
        "Stage: Assessment → Determination (6b(2))",
        "Stage: Determination → Exploitation (6b(2), 5a(5))",
        "Stage: Exploitation → Resettlement (6b(3)(d))",
        "Closed from Resettlement: defector status granted (6b(2))",
    ]


def test_an_illegal_move_is_refused_naming_the_stages(
    open_case: Any, officer: User, counts: Any
) -> None:
    case = open_case(facts=FACTS)
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        move(case, officer, E)
    assert caught.value.errors == [
        {
            "field": "to",
            "message": "a case cannot move from Reception to Exploitation; "
            "from Reception it may move to: Assessment, Closed",
        }
    ]
    assert counts() == before
    case.refresh_from_db()
    assert (case.stage, case.version) == (R, 1)


@pytest.mark.parametrize(
    ("to", "more", "field", "message"),
    [
        ("limbo", {}, "to", "must be one of reception, assessment"),
        (C, {}, "outcome", "is required to close a case"),
        (C, {"outcome": "granted"}, "outcome", "cannot be closed as defector status granted"),
        (C, {"outcome": "vanished"}, "outcome", "must be one of granted"),
        (A, {"outcome": "withdrew"}, "outcome", "only when closing"),
    ],
    ids=[
        "an unknown stage",
        "closing without an outcome",
        "closing with an outcome that does not fit the stage",
        "an unknown outcome",
        "an outcome without closing",
    ],
)
def test_a_bad_move_is_explained_and_nothing_is_saved(
    open_case: Any,
    officer: User,
    counts: Any,
    to: str,
    more: dict[str, str],
    field: str,
    message: str,
) -> None:
    case = open_case(facts=FACTS)
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        move(case, officer, to, **more)
    assert caught.value.errors[0]["field"] == field
    assert message in caught.value.errors[0]["message"]
    assert counts() == before


def test_going_back_needs_a_reason(open_case: Any, officer: User) -> None:
    case = open_case(facts=FACTS)
    move(case, officer, A)
    move(case, officer, D)
    with pytest.raises(InvalidInput, match="is required to go back"):
        move(case, officer, A)
    back = move(case, officer, A, reason="Bona fides doubtful: the name traces conflict.")
    assert back.stage == A


def test_closing_sets_the_open_obligations_aside(open_case: Any, officer: User) -> None:
    case = open_case(facts=FACTS)
    move(case, officer, C, outcome="withdrew")
    statuses = set(Obligation.objects.filter(case=case).values_list("status", flat=True))
    assert statuses == {"not_applicable"}
    note = Obligation.objects.filter(case=case).values_list("note", flat=True).first()
    assert note == "the case was closed (withdrew)"


def test_reopening_needs_a_reason_and_assesses_the_facts_again(
    open_case: Any, officer: User
) -> None:
    case = open_case(facts=FACTS)
    move(case, officer, C, outcome="withdrew")
    with pytest.raises(InvalidInput) as caught:
        move(case, officer, A, reason="back")
    assert caught.value.errors == [
        {"field": "reason", "message": "is required to reopen the case (at least 10 characters)"}
    ]
    reopened = move(case, officer, A, reason="He came back to the embassy two days later.")
    assert (reopened.stage, reopened.outcome) == (A, "")
    assert Assessment.objects.filter(case=case).count() == 2
    assert Obligation.objects.filter(case=case, status="open").exists()
    event = AuditEvent.objects.filter(action="cases.case.reopen").get()
    assert event.reason == "He came back to the embassy two days later."
    line = TimelineEntry.objects.get(case=case, kind="cases.case.reopen")
    assert line.summary == (
        "Reopened, back to Assessment: He came back to the embassy two days later."
    )


def test_a_registered_guard_refuses_a_move_naming_its_clause(
    open_case: Any, officer: User, counts: Any, without_the_status_guard: None
) -> None:
    """How the status determination will hold a case at determination until status is
    granted."""

    def status_granted(case: Case) -> Decision | None:
        return Decision.deny("6b(2)", reason="defector status has not been granted")

    case = open_case(facts=FACTS)
    move(case, officer, A)
    move(case, officer, D)
    lifecycle.register_guard(D, E, status_granted)
    try:
        before = counts()
        with pytest.raises(PolicyRefusal) as caught:
            move(case, officer, E)
        assert caught.value.clauses == ("6b(2)",)
        assert caught.value.message == "defector status has not been granted"
        assert counts() == before
    finally:
        lifecycle.unregister_guard(D, E, status_granted)
    assert move(case, officer, E).stage == E


def test_a_move_needs_the_right_to_change_the_case(open_case: Any, idc: User) -> None:
    case = open_case(facts=FACTS)
    with pytest.raises(PermissionDenied):
        move(case, idc, A)


def test_times_given_to_a_move_are_kept(open_case: Any, officer: User) -> None:
    case = open_case(facts=FACTS)
    at = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    move(case, officer, A, at=at)
    case.refresh_from_db()
    assert case.changed_at == at
    assert TimelineEntry.objects.get(case=case, kind="cases.case.move").at == at
