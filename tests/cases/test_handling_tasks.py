"""Tasks to the participating organizations (6b(3)(d)): to an agency or an official (exactly
one), with a due date; assigned → accepted or declined (with the reason) → done (with the
result); only the assignee answers; the case's officers and committee create, change and
withdraw them; overdue after the due date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases import actions as actions_handling
from defector.cases import queries as queries_handling
from defector.cases.models import Case, CaseTask, TimelineEntry
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DUE = TODAY + dt.timedelta(days=7)


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def official_of(user: User) -> Official:
    return Official.objects.get(user=user)


@pytest.fixture
def state_member(make_official: Any, world: Any) -> User:
    """A committee member at Vienna from the Department of State."""
    user = make_official("state.member", ("committee_member", world.vienna))
    Official.objects.filter(user=user).update(agency=world.state)
    return user


Create = Callable[..., CaseTask]


@pytest.fixture
def create(case: Case, officer: User) -> Create:
    def create_(user: User | None = None, **assignee: Any) -> CaseTask:
        return actions_handling.create_task(
            acting_user=user or officer,
            case_id=case.pk,
            expected_version=version(case),
            title="Name trace on AEBEACON through the Bonn station",
            details="Check the 1974 travel against the consular records.",
            due_on=DUE,
            **assignee,
        )

    return create_


def answer(verb: str, case: Case, user: User, task: CaseTask, **extra: Any) -> CaseTask:
    action = getattr(actions_handling, f"{verb}_task")
    result: CaseTask = action(
        acting_user=user,
        case_id=case.pk,
        task_id=task.pk,
        expected_version=version(case),
        **extra,
    )
    return result


def test_a_task_to_an_official_goes_assigned_accepted_done(
    case: Case, create: Create, member: User
) -> None:
    task = create(official_id=official_of(member).pk)
    assert (task.status, task.agency, task.official) == ("assigned", None, official_of(member))
    task = answer("accept", case, member, task)
    assert task.status == "accepted"
    assert task.responded_by == official_of(member)
    task = answer("complete", case, member, task, result="Traces run: consistent with AEBEACON.")
    assert task.status == "done"
    assert task.result.startswith("Traces run")
    kinds = list(
        TimelineEntry.objects.filter(kind__startswith="cases.casetask").values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["cases.casetask.create", "cases.casetask.accept", "cases.casetask.complete"]
    assert AuditEvent.objects.filter(action__startswith="cases.casetask").count() == 3


def test_a_task_to_an_agency_is_answered_by_any_of_its_officials(
    case: Case, create: Create, world: Any, state_member: User, member: User
) -> None:
    task = create(agency_id=world.state.pk)
    with pytest.raises(PermissionDenied) as refused:
        answer("accept", case, member, task)  # CIA, not STATE
    assert refused.value.clauses == ("6b(3)(d)",)
    assert "STATE" in refused.value.message
    task = answer("decline", case, state_member, task, reason="No consular records survive.")
    assert task.status == "declined"
    assert task.decline_reason == "No consular records survive."


def test_only_the_assignee_answers_not_the_one_who_assigned_it(
    case: Case, create: Create, member: User, officer: User, chair: User
) -> None:
    task = create(official_id=official_of(member).pk)
    for other in (officer, chair):
        with pytest.raises(PermissionDenied, match="only the task's assignee"):
            answer("accept", case, other, task)


def test_a_stranger_to_the_case_is_told_the_task_does_not_exist(
    case: Case, create: Create, officer_in_bonn: User
) -> None:
    task = create(official_id=official_of(case.officers.get().user).pk)
    with pytest.raises(NotFound):
        answer("accept", case, officer_in_bonn, task)


def test_a_decline_needs_a_reason_and_a_done_needs_a_result(
    case: Case, create: Create, member: User
) -> None:
    task = create(official_id=official_of(member).pk)
    with pytest.raises(InvalidInput, match="reason"):
        answer("decline", case, member, task, reason="")
    answer("accept", case, member, task)
    with pytest.raises(InvalidInput, match="result"):
        answer("complete", case, member, task, result="ok")
    task.refresh_from_db()
    assert task.status == "accepted"


def test_the_steps_come_in_order(case: Case, create: Create, member: User) -> None:
    task = create(official_id=official_of(member).pk)
    with pytest.raises(InvalidInput, match="only an accepted task may be done"):
        answer("complete", case, member, task, result="Done before it was accepted.")
    answer("accept", case, member, task)
    with pytest.raises(InvalidInput, match="only an assigned task may be declined"):
        answer("decline", case, member, task, reason="Changed our mind about it.")


def test_the_assignee_is_exactly_one_and_must_see_the_case(
    case: Case, create: Create, world: Any, member: User, officer_in_bonn: User
) -> None:
    with pytest.raises(InvalidInput, match="not both"):
        create(agency_id=world.cia.pk, official_id=official_of(member).pk)
    with pytest.raises(InvalidInput, match="choose an agency or an official"):
        create()
    with pytest.raises(InvalidInput, match="may not see this case"):
        create(official_id=official_of(officer_in_bonn).pk)
    with pytest.raises(InvalidInput, match="no official of STATE may see this case"):
        create(agency_id=world.state.pk)
    with pytest.raises(InvalidInput, match="there is no agency"):
        create(agency_id=2**70)
    assert CaseTask.objects.count() == 0


def test_bad_input_names_every_field_and_saves_nothing(
    case: Case, officer: User, counts: Callable[[], tuple[int, ...]]
) -> None:
    before = counts(), version(case)
    with pytest.raises(InvalidInput) as refused:
        actions_handling.create_task(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            title="",
            due_on=TODAY - dt.timedelta(days=1),
            official_id="nobody",
        )
    assert {e["field"] for e in refused.value.errors} == {"title", "due_on", "official_id"}
    assert (counts(), version(case)) == before


def test_those_who_may_only_see_the_case_create_no_tasks(
    case: Case, create: Create, idc: User, member: User
) -> None:
    with pytest.raises(PermissionDenied):
        create(idc, official_id=official_of(member).pk)


def test_a_stale_version_is_refused_with_409(case: Case, create: Create, member: User) -> None:
    task = create(official_id=official_of(member).pk)
    stale = version(case)
    create(official_id=official_of(member).pk)
    with pytest.raises(Conflict):
        actions_handling.accept_task(
            acting_user=member, case_id=case.pk, task_id=task.pk, expected_version=stale
        )
    task.refresh_from_db()
    assert task.status == "assigned"


def test_an_assigned_task_may_be_changed_and_an_open_one_withdrawn(
    case: Case, create: Create, officer: User, member: User, chair: User
) -> None:
    task = create(official_id=official_of(member).pk)
    changed = actions_handling.update_task(
        acting_user=chair,
        case_id=case.pk,
        task_id=task.pk,
        expected_version=version(case),
        due_on=DUE + dt.timedelta(days=3),
        official_id=official_of(officer).pk,
    )
    assert (changed.due_on, changed.official) == (DUE + dt.timedelta(days=3), official_of(officer))
    answer("accept", case, officer, task)
    with pytest.raises(InvalidInput, match="only an assigned task may be changed"):
        actions_handling.update_task(
            acting_user=chair,
            case_id=case.pk,
            task_id=task.pk,
            expected_version=version(case),
            title="Something else",
        )
    withdrawn = answer("withdraw", case, chair, task, reason="The trace was run in Washington.")
    assert withdrawn.status == "withdrawn"
    assert CaseTask.objects.filter(pk=task.pk).exists()  # kept, not deleted


def test_an_open_task_past_its_due_date_is_overdue(
    case: Case, create: Create, member: User
) -> None:
    task = create(official_id=official_of(member).pk)
    CaseTask.objects.filter(pk=task.pk).update(due_on=TODAY - dt.timedelta(days=1))
    done = create(official_id=official_of(member).pk)
    answer("accept", case, member, done)
    answer("complete", case, member, done, result="Finished on time, filed.")
    CaseTask.objects.filter(pk=done.pk).update(due_on=TODAY - dt.timedelta(days=1))
    views = {view.id: view for view in queries_handling.tasks_of(member, case)}
    assert views[task.pk].overdue
    assert not views[done.pk].overdue  # done: never overdue
    assert [view.id for view in queries_handling.tasks_of(member, case)] == [task.pk, done.pk]
