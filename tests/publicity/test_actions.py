"""The publicity actions (``6f``, ``5a(5)``, ``5a(6)``, ``7a``): who may take each step, the
gates with their clauses, the versions, the audit records and the notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases.models import Case
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.exploitation.models import CaseRequirement
from defector.notifications.models import Notice
from defector.publicity import actions, queries
from defector.publicity.models import Proposal

from .conftest import Propose, satisfy, signed_by_both

pytestmark = pytest.mark.django_db


def test_the_chair_proposes_with_the_7a_determination_and_the_idc_is_told(
    propose: Propose, case: Case, idc: User, usia_idc: User, state_member: User, committed: Any
) -> None:
    with committed():
        with_notices = propose()
    assert with_notices.status == "awaiting_sign_offs"
    assert with_notices.risk_determination is not None
    assert with_notices.risk_determination.subject == "publicity"
    assert with_notices.channels == ["press", "other"]
    event = AuditEvent.objects.filter(action="publicity.proposal.propose").get()
    assert event.cryptonym == case.cryptonym
    assert event.decision["clauses"] == ["6f", "7a"]
    told = set(
        Notice.objects.filter(kind="publicity").values_list("recipient__user__username", flat=True)
    )
    assert {"idc.member", "usia.idc", "sara.state"} <= told
    assert "chris.chair" not in told


def test_a_proposal_without_a_7a_determination_on_publicity_is_refused_naming_7a(
    open_case: Any, chair: User
) -> None:
    bare = open_case()
    with pytest.raises(PolicyRefusal) as refused:
        actions.propose(
            acting_user=chair,
            case_id=bare.pk,
            summary="Surface him.",
            window_start=timezone.localdate(),
            channels=["press"],
            risks="Some.",
        )
    assert refused.value.clauses == ("7a",)


def test_a_second_proposal_while_one_is_pending_is_refused_naming_6f(propose: Propose) -> None:
    propose()
    with pytest.raises(PolicyRefusal) as refused:
        propose()
    assert refused.value.clauses == ("6f",)


@pytest.mark.parametrize("who", ["state_member", "senior", "officer", "idc"])
def test_only_the_chair_proposes(propose: Propose, request: Any, who: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        propose(acting_user=request.getfixturevalue(who))
    assert refused.value.clauses == ("6f",)


def test_a_hidden_case_is_not_found_for_a_chair_of_another_post(
    propose: Propose, make_official: Any, world: Any
) -> None:
    from defector.core.errors import NotFound

    other = make_official("bonn.chair", ("committee_chair", world.bonn))
    with pytest.raises(NotFound):
        propose(acting_user=other)


def test_a_proposal_names_every_bad_field(propose: Propose) -> None:
    with pytest.raises(InvalidInput) as refused:
        propose(
            summary="",
            window_start=timezone.localdate() - dt.timedelta(days=1),
            channels=["carrier pigeon"],
            other_channel="",
            risks="",
        )
    fields = {error["field"] for error in refused.value.errors}
    assert fields == {"summary", "risks", "window_start", "channels"}


def test_the_other_channel_is_named_in_words(propose: Propose) -> None:
    with pytest.raises(InvalidInput) as refused:
        propose(channels=["other"], other_channel="")
    assert [e["field"] for e in refused.value.errors] == ["other_channel"]


def test_a_true_name_in_the_proposal_is_refused(propose: Propose) -> None:
    from support.builders import TRUE_NAME

    with pytest.raises(InvalidInput) as refused:
        propose(summary=f"Present {TRUE_NAME} to the press.")
    assert [e["field"] for e in refused.value.errors] == ["summary"]


def test_state_and_usia_sign_off_and_the_proposal_awaits_the_decision(
    propose: Propose, idc: User, usia_idc: User, chair: User, committed: Any
) -> None:
    proposal = propose()
    with committed():
        first = actions.sign_off(
            acting_user=idc, proposal_id=proposal.pk, position="approve", expected_version=1
        )
    assert first.agency == "STATE"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.version) == ("awaiting_sign_offs", 2)
    actions.sign_off(
        acting_user=usia_idc,
        proposal_id=proposal.pk,
        position="object",
        comments="Too early: the broadcasts are not ready.",
        expected_version=2,
    )
    proposal.refresh_from_db()
    assert proposal.status == "awaiting_decision"
    assert queries.positions_of(proposal) == {"STATE": "approve", "USIA": "object"}
    told = set(Notice.objects.values_list("recipient__user__username", flat=True))
    assert {"chris.chair", "usia.idc"} <= told
    assert "idc.member" not in told  # the one who signed
    assert AuditEvent.objects.filter(action="publicity.proposal.sign_off").count() == 2


def test_an_agency_changes_its_sign_off_until_the_decision(
    propose: Propose, idc: User, usia_idc: User
) -> None:
    proposal = signed_by_both(propose(), idc, usia_idc)
    actions.sign_off(
        acting_user=usia_idc,
        proposal_id=proposal.pk,
        position="object",
        comments="On reflection, not yet.",
        expected_version=proposal.version,
    )
    proposal.refresh_from_db()
    assert queries.positions_of(proposal) == {"STATE": "approve", "USIA": "object"}
    assert proposal.sign_offs.count() == 2
    event = AuditEvent.objects.filter(action="publicity.proposal.sign_off").last()
    assert event is not None
    assert event.before["position"] == "approve"


def test_an_objection_without_comments_is_refused(propose: Propose, usia_idc: User) -> None:
    proposal = propose()
    with pytest.raises(InvalidInput):
        actions.sign_off(
            acting_user=usia_idc, proposal_id=proposal.pk, position="object", expected_version=1
        )


@pytest.mark.parametrize("who", ["cia_idc", "chair", "senior"])
def test_only_an_idc_member_of_state_or_usia_signs_off(
    propose: Propose, request: Any, who: str
) -> None:
    proposal = propose()
    with pytest.raises(PermissionDenied) as refused:
        actions.sign_off(
            acting_user=request.getfixturevalue(who),
            proposal_id=proposal.pk,
            position="approve",
            expected_version=1,
        )
    assert refused.value.clauses == ("5a(6)",)


def test_a_stale_version_is_a_conflict(propose: Propose, idc: User, usia_idc: User) -> None:
    proposal = propose()
    actions.sign_off(
        acting_user=idc, proposal_id=proposal.pk, position="approve", expected_version=1
    )
    with pytest.raises(Conflict):
        actions.sign_off(
            acting_user=usia_idc, proposal_id=proposal.pk, position="approve", expected_version=1
        )


def test_the_idc_may_not_decide_before_both_sign_offs_naming_5a6(
    propose: Propose, idc: User, requirement: CaseRequirement
) -> None:
    satisfy(requirement)
    proposal = propose()
    actions.sign_off(
        acting_user=idc, proposal_id=proposal.pk, position="approve", expected_version=1
    )
    with pytest.raises(PolicyRefusal) as refused:
        actions.decide(
            acting_user=idc,
            proposal_id=proposal.pk,
            outcome="reject",
            reason="No.",
            expected_version=2,
        )
    assert refused.value.clauses == ("5a(6)",)
    assert "United States Information Agency" in refused.value.message


def test_an_approval_is_refused_while_the_objectives_are_not_satisfied_naming_5a5(
    propose: Propose, idc: User, usia_idc: User, requirement: CaseRequirement
) -> None:
    proposal = signed_by_both(propose(), idc, usia_idc)
    with pytest.raises(PolicyRefusal) as refused:
        actions.decide(
            acting_user=idc,
            proposal_id=proposal.pk,
            outcome="approve",
            expected_version=proposal.version,
        )
    assert refused.value.clauses == ("5a(5)",)


def test_the_override_lets_the_approval_through_and_is_recorded_with_its_reason(
    propose: Propose,
    idc: User,
    usia_idc: User,
    cia_idc: User,
    requirement: CaseRequirement,
    chair: User,
) -> None:
    proposal = signed_by_both(propose(), idc, usia_idc)
    actions.override_priority(
        acting_user=cia_idc,
        proposal_id=proposal.pk,
        reason="The propaganda window closes this month.",
        expected_version=proposal.version,
    )
    proposal.refresh_from_db()
    assert proposal.overridden_by is not None
    assert proposal.override_reason
    decided = actions.decide(
        acting_user=cia_idc,
        proposal_id=proposal.pk,
        outcome="approve",
        expected_version=proposal.version,
    )
    assert decided.status == "approved"
    event = AuditEvent.objects.filter(action="publicity.proposal.decide").get()
    assert event.after["objectives"]["holds"] is False
    assert event.decision["clauses"] == ["6f", "5a(6)", "5a(5)"]


def test_the_override_is_refused_when_the_objectives_are_satisfied(
    propose: Propose, idc: User, requirement: CaseRequirement
) -> None:
    satisfy(requirement)
    proposal = propose()
    with pytest.raises(PolicyRefusal) as refused:
        actions.override_priority(
            acting_user=idc, proposal_id=proposal.pk, reason="Because.", expected_version=1
        )
    assert refused.value.clauses == ("5a(5)",)


def test_only_the_idc_overrides_and_decides(
    propose: Propose, chair: User, senior: User, idc: User, usia_idc: User
) -> None:
    proposal = signed_by_both(propose(), idc, usia_idc)
    with pytest.raises(PermissionDenied):
        actions.override_priority(
            acting_user=senior,
            proposal_id=proposal.pk,
            reason="Go.",
            expected_version=proposal.version,
        )
    with pytest.raises(PermissionDenied):
        actions.decide(
            acting_user=chair,
            proposal_id=proposal.pk,
            outcome="approve",
            expected_version=proposal.version,
        )


def test_an_objection_does_not_block_and_stays_on_record(
    propose: Propose,
    idc: User,
    usia_idc: User,
    requirement: CaseRequirement,
    chair: User,
    committed: Any,
) -> None:
    satisfy(requirement)
    proposal = signed_by_both(propose(), idc, usia_idc, position="object", comments="Not now.")
    with committed():
        decided = actions.decide(
            acting_user=idc,
            proposal_id=proposal.pk,
            outcome="approve",
            expected_version=proposal.version,
        )
    assert decided.status == "approved"
    event = AuditEvent.objects.filter(action="publicity.proposal.decide").get()
    assert event.after["sign_offs"] == {"STATE": "approve", "USIA": "object"}
    assert (
        "objection of the United States Information Agency is on record" in event.decision["reason"]
    )
    told = set(Notice.objects.values_list("recipient__user__username", flat=True))
    assert {"chris.chair", "usia.idc"} <= told


def test_a_rejection_states_its_reason(propose: Propose, idc: User, usia_idc: User) -> None:
    proposal = signed_by_both(propose(), idc, usia_idc)
    with pytest.raises(InvalidInput):
        actions.decide(
            acting_user=idc,
            proposal_id=proposal.pk,
            outcome="reject",
            expected_version=proposal.version,
        )
    decided = actions.decide(
        acting_user=idc,
        proposal_id=proposal.pk,
        outcome="reject",
        reason="Not while he is still debriefed.",
        expected_version=proposal.version,
    )
    assert (decided.status, decided.outcome) == ("rejected", "reject")
    with pytest.raises(PolicyRefusal) as refused:
        actions.sign_off(
            acting_user=idc,
            proposal_id=proposal.pk,
            position="object",
            comments="x",
            expected_version=decided.version,
        )
    assert refused.value.clauses == ("5a(6)",)


def test_a_release_follows_an_approval(
    propose: Propose, idc: User, usia_idc: User, requirement: CaseRequirement, chair: User
) -> None:
    satisfy(requirement)
    proposal = signed_by_both(propose(), idc, usia_idc)
    with pytest.raises(PolicyRefusal) as refused:
        actions.record_release(
            acting_user=chair,
            proposal_id=proposal.pk,
            released_on=timezone.localdate(),
            channel="press",
            summary="Statement.",
            expected_version=proposal.version,
        )
    assert refused.value.clauses == ("6f",)
    decided = actions.decide(
        acting_user=idc,
        proposal_id=proposal.pk,
        outcome="approve",
        expected_version=proposal.version,
    )
    released = actions.record_release(
        acting_user=chair,
        proposal_id=proposal.pk,
        released_on=timezone.localdate(),
        channel="press",
        summary="A statement to the press, read by a State spokesman.",
        expected_version=decided.version,
    )
    assert released.status == "released"
    assert released.released_by is not None


def test_the_proposer_withdraws_before_the_decision(
    propose: Propose, chair: User, idc: User
) -> None:
    proposal = propose()
    with pytest.raises(PermissionDenied):
        actions.withdraw(acting_user=idc, proposal_id=proposal.pk, reason="x", expected_version=1)
    withdrawn = actions.withdraw(
        acting_user=chair,
        proposal_id=proposal.pk,
        reason="The defector asked us to wait.",
        expected_version=1,
    )
    assert withdrawn.status == "withdrawn"
    with pytest.raises(PolicyRefusal) as refused:
        actions.withdraw(
            acting_user=chair, proposal_id=proposal.pk, reason="again", expected_version=2
        )
    assert refused.value.clauses == ("6f",)
    assert Proposal.objects.get(pk=proposal.pk).version == 2


def test_my_work_lists_the_sign_off_and_the_decision_for_those_who_must(
    propose: Propose, idc: User, usia_idc: User, cia_idc: User, chair: User
) -> None:
    from defector.notifications.pending import pending_items

    proposal = propose()
    assert [item.clause for item in pending_items(idc) if "ublicity" in item.title] == ["5a(6)"]
    assert not [item for item in pending_items(cia_idc) if "ublicity" in item.title]
    signed_by_both(proposal, idc, usia_idc)
    titles = [item.title for item in pending_items(cia_idc)]
    assert any(title.startswith("Decide publicity proposal") for title in titles)
    assert not [item for item in pending_items(chair) if "ublicity" in item.title]


def test_the_awaiting_decision_count_is_per_case(propose: Propose, idc: User, case: Case) -> None:
    propose()
    assert queries.awaiting_decision(idc, [case.pk, 999]) == {case.pk: 1}
