"""Local operating procedures (``6b``) through the actions: required sections named by their
clause, two approvals, one version in effect at a time, differences, the post's clocks for the
cases app, and acknowledgements (``6e``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.committees import actions, queries, signals
from defector.committees.models import Committee, ProceduresVersion
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.policy.gates import committees as rules
from defector.policy.obligations import ObligationId

from .conftest import World, official_of

pytestmark = pytest.mark.django_db

COMPLETE = {key: f"How the post provides for {key}." for key in rules.REQUIRED_SECTIONS}


def effective(committee: Committee, chair: User, senior: User, **kwargs: Any) -> ProceduresVersion:
    version = actions.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, **{"sections": COMPLETE, **kwargs}
    )
    actions.approve_procedures(acting_user=chair, version_id=version.pk)
    return actions.approve_procedures(acting_user=senior, version_id=version.pk)


@pytest.mark.parametrize("missing", list(rules.REQUIRED_SECTIONS))
def test_a_version_missing_a_required_section_is_refused_naming_its_clause(
    missing: str, committee: Committee, chair: User
) -> None:
    sections = {key: text for key, text in COMPLETE.items() if key != missing}
    version = actions.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, sections=sections
    )
    with pytest.raises(PolicyRefusal) as refused:
        actions.approve_procedures(acting_user=chair, version_id=version.pk)
    assert refused.value.clauses == (missing,)
    assert missing in refused.value.message
    version.refresh_from_db()
    assert version.chair_approved_at is None
    assert version.status == "draft"


def test_an_empty_section_is_as_missing_as_an_absent_one(committee: Committee, chair: User) -> None:
    version = actions.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, sections={**COMPLETE, "6b(2)": "   "}
    )
    assert "6b(2)" not in version.sections
    with pytest.raises(PolicyRefusal) as refused:
        actions.approve_procedures(acting_user=chair, version_id=version.pk)
    assert refused.value.clauses == ("6b(2)",)


def test_the_chair_and_the_senior_representative_both_approve_before_it_takes_effect(
    committee: Committee,
    chair: User,
    senior: User,
    member: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = actions.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, sections=COMPLETE, note="First version"
    )
    with pytest.raises(PermissionDenied) as refused:
        actions.approve_procedures(acting_user=member, version_id=version.pk)
    assert refused.value.clauses == ("6b",)
    first = actions.approve_procedures(acting_user=chair, version_id=version.pk)
    assert first.status == "draft"
    assert first.chair_approved_by == official_of(chair)
    with pytest.raises(Conflict):
        actions.approve_procedures(acting_user=chair, version_id=version.pk)
    received: list[dict[str, Any]] = []
    signals.procedures_effective.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            second = actions.approve_procedures(acting_user=senior, version_id=version.pk)
    finally:
        signals.procedures_effective.disconnect(dispatch_uid="t")
    assert second.status == "effective"
    assert second.senior_approved_by == official_of(senior)
    assert second.effective_at is not None
    assert [(r["version"].pk, r["committee"].pk, r["actor"]) for r in received] == [
        (version.pk, committee.pk, senior)
    ]
    approvals = AuditEvent.objects.filter(action="committees.procedures.approve").order_by("seq")
    assert [event.reason for event in approvals] == [
        "approved as chair",
        "approved as senior representative",
    ]
    assert approvals.last().decision["allowed"] is True  # type: ignore[union-attr]


def test_only_the_chair_writes_the_procedures(
    committee: Committee, senior: User, member: User
) -> None:
    for user in (senior, member):
        with pytest.raises(PermissionDenied):
            actions.create_procedures_draft(acting_user=user, committee_id=committee.pk)


def test_a_new_version_supersedes_the_one_in_effect(
    committee: Committee, chair: User, senior: User
) -> None:
    first = effective(committee, chair, senior)
    second = actions.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, clocks={"bona_fides_days": 21}
    )
    assert second.number == 2
    assert second.sections == first.sections  # copied from the version in effect
    with pytest.raises(Conflict):
        actions.create_procedures_draft(acting_user=chair, committee_id=committee.pk)
    actions.approve_procedures(acting_user=senior, version_id=second.pk)
    actions.approve_procedures(acting_user=chair, version_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "effective")
    assert first.superseded_at is not None
    assert ProceduresVersion.objects.filter(committee=committee, status="effective").count() == 1
    with pytest.raises(Conflict):
        actions.update_procedures_draft(acting_user=chair, version_id=first.pk, note="x")


def test_changing_a_draft_withdraws_the_approvals(
    committee: Committee, chair: User, senior: User
) -> None:
    version = actions.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, sections=COMPLETE
    )
    actions.approve_procedures(acting_user=senior, version_id=version.pk)
    changed = actions.update_procedures_draft(
        acting_user=chair, version_id=version.pk, sections={"6b(1)": "Revised reception."}
    )
    assert changed.senior_approved_at is None
    assert changed.sections["6b(1)"] == "Revised reception."
    removed = actions.update_procedures_draft(
        acting_user=chair, version_id=version.pk, sections={"6b(2)": ""}
    )
    assert "6b(2)" not in removed.sections


def test_bad_sections_and_clocks_are_named(committee: Committee, chair: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.create_procedures_draft(
            acting_user=chair,
            committee_id=committee.pk,
            sections={"6b(4)": "x", "6b(1)": 12},  # type: ignore[dict-item]
            clocks={"bona_fides_days": 0, "coffee_minutes": 5},
        )
    fields = {error["field"] for error in refused.value.errors}
    assert fields == {
        "sections.6b(4)",
        "sections.6b(1)",
        "bona_fides_days",
        "clocks.coffee_minutes",
    }
    assert not ProceduresVersion.objects.exists()


def test_the_diff_shows_the_changed_lines_per_section(
    committee: Committee, chair: User, senior: User
) -> None:
    first = effective(
        committee,
        chair,
        senior,
        sections={**COMPLETE, "6b(1)": "Reception at the gate.\nEscort to the chancery."},
    )
    second = actions.create_procedures_draft(
        acting_user=chair,
        committee_id=committee.pk,
        sections={
            "6b(1)": "Reception at the gate.\nEscort to the secure room.\nCall the duty officer."
        },
    )
    diffs = {diff.key: diff for diff in queries.procedures_diff(first, second)}
    assert not diffs["6b(2)"].changed
    rows = [(row.kind, row.old_text, row.new_text) for row in diffs["6b(1)"].rows]
    assert rows == [
        ("same", "Reception at the gate.", "Reception at the gate."),
        ("changed", "Escort to the chancery.", "Escort to the secure room."),
        ("added", "", "Call the duty officer."),
    ]
    assert "-Escort to the chancery." in diffs["6b(1)"].unified
    assert "+Call the duty officer." in diffs["6b(1)"].unified


def test_the_post_clocks_come_from_the_procedures_in_effect(
    world: World, committee: Committee, chair: User, senior: User
) -> None:
    assert queries.post_clocks(world.vienna) is None
    assert queries.case_clocks(world.vienna) is None
    effective(
        committee,
        chair,
        senior,
        clocks={"threat_dissemination_minutes": 10, "bona_fides_days": 21, "reception_hours": 6},
    )
    clocks = queries.post_clocks(world.vienna)
    assert clocks is not None
    assert (
        clocks.threat_dissemination_minutes,
        clocks.bona_fides_days,
        clocks.idc_report_days,
        clocks.minutes_forwarding_days,
    ) == (10, 21, 30, 14)
    assert queries.case_clocks(world.vienna) == {
        ObligationId.DISSEMINATE_THREAT_INFORMATION: dt.timedelta(minutes=10),
        ObligationId.SECURE_RECEPTION: dt.timedelta(hours=6),
        ObligationId.CONSIDER_DEFECTOR_STATUS: dt.timedelta(days=30),
        ObligationId.POLITICAL_RISK_DETERMINATION: dt.timedelta(days=30),
        ObligationId.ESTABLISH_BONA_FIDES: dt.timedelta(days=21),
        ObligationId.REPORT_TO_IDC: dt.timedelta(days=30),
        ObligationId.CONSIDER_RECRUITMENT_IN_PLACE: dt.timedelta(days=30),
    }
    assert queries.post_clocks(world.bonn) is None


def test_the_cases_app_reads_the_posts_clocks_when_it_takes_providers(
    world: World, committee: Committee, chair: User, senior: User
) -> None:
    clocks_module = pytest.importorskip("defector.cases.clocks")
    if not hasattr(clocks_module, "clocks_for"):
        pytest.skip("the cases app has no clocks_for yet")
    effective(committee, chair, senior, clocks={"bona_fides_days": 21})
    found = clocks_module.clocks_for(world.vienna)
    assert found.limit(ObligationId.ESTABLISH_BONA_FIDES) == dt.timedelta(days=21)
    assert found.sources[ObligationId.ESTABLISH_BONA_FIDES] == "procedures"


def test_members_acknowledge_the_procedures_in_effect_and_the_rest_are_listed(
    committee: Committee, chair: User, senior: User, member: User, invited: User
) -> None:
    version = effective(committee, chair, senior)
    status = queries.acknowledgement_status(committee, procedures_version=version)
    assert {o.pk for o in status.outstanding} == {official_of(chair).pk, official_of(member).pk}
    actions.acknowledge(acting_user=member, procedures_version_id=version.pk)
    with pytest.raises(Conflict):
        actions.acknowledge(acting_user=member, procedures_version_id=version.pk)
    assert [o.pk for o in queries.unacknowledged(committee, procedures_version=version)] == [
        official_of(chair).pk
    ]
    with pytest.raises(PermissionDenied):
        actions.acknowledge(acting_user=senior, procedures_version_id=version.pk)
    assert [v.pk for v in queries.awaiting_acknowledgement(chair)] == [version.pk]
    assert queries.awaiting_acknowledgement(member) == []


def test_a_draft_is_not_acknowledged(committee: Committee, chair: User) -> None:
    version = actions.create_procedures_draft(acting_user=chair, committee_id=committee.pk)
    with pytest.raises(Conflict):
        actions.acknowledge(acting_user=chair, procedures_version_id=version.pk)
