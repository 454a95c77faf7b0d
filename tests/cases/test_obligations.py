"""Obligations as work: created from the assessment with the post's clocks, owned, overdue
when late, discharged only with evidence, waived only with a reason by those who may,
reassigned only to someone who sees the case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from defector.cases import actions, clocks, queries
from defector.cases.models import Case, CaseNote, Obligation, TimelineEntry
from defector.cases.queries import obligations as obligations_module
from defector.core.access import remembering
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.policy.obligations import ObligationId

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

#: A defector who walked in with threat information: every obligation but recruitment in
#: place arises.
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
#: A potential defector still under control: recruitment in place arises (5a(1)).
UNDER_CONTROL: dict[str, Any] = {
    "nationalities": ["PL"],
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
}


def obligation(case: Case, identifier: str) -> Obligation:
    return Obligation.objects.get(case=case, identifier=identifier)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


# --- due times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "facts", "due"),
    [
        ("disseminate_threat_information", EVERYTHING, AT + dt.timedelta(minutes=15)),
        ("secure_reception", EVERYTHING, RECEIVED + dt.timedelta(hours=24)),
        ("consider_defector_status", EVERYTHING, AT + dt.timedelta(days=30)),
        ("political_risk_determination", EVERYTHING, AT + dt.timedelta(days=30)),
        ("establish_bona_fides", EVERYTHING, RECEIVED + dt.timedelta(days=30)),
        ("obtain_voluntary_statement", EVERYTHING, None),
        ("report_to_idc", EVERYTHING, AT + dt.timedelta(days=30)),
        ("consider_recruitment_in_place", UNDER_CONTROL, AT + dt.timedelta(days=30)),
    ],
    ids=[
        "threat information is due 15 minutes after it is found (6b(3)(a))",
        "secure reception is due 24 hours after the reception (6b(1))",
        "defector status is considered within 30 days (6b(2))",
        "the political-risk determination is due within 30 days (7a)",
        "bona fides is due 30 days from the reception (6b(3)(b))",
        "the voluntary statement has no clock: before status is granted (6b(3)(c))",
        "the IDC report is due within 30 days (6d)",
        "recruitment in place is considered within 30 days (5a(1))",
    ],
)
def test_each_obligation_is_due_by_the_post_clock(
    open_case: Any, identifier: str, facts: dict[str, Any], due: dt.datetime | None
) -> None:
    case = open_case(facts=facts, received_at=RECEIVED, at=AT)
    found = obligation(case, identifier)
    assert found.due_at == due
    assert found.arose_at == AT
    assert found.status == "open"
    assert (
        found.clause
        == {
            "disseminate_threat_information": "6b(3)(a)",
            "secure_reception": "6b(1)",
            "consider_defector_status": "6b(2)",
            "political_risk_determination": "7a",
            "establish_bona_fides": "6b(3)(b)",
            "obtain_voluntary_statement": "6b(3)(c)",
            "report_to_idc": "6d",
            "consider_recruitment_in_place": "5a(1)",
        }[identifier]
    )


def test_the_statement_reads_as_due_before_status(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    views = {view.identifier: view for view in queries.obligations_of(officer, case, now=AT)}
    assert views["obtain_voluntary_statement"].due_text == "before status is granted"
    assert views["obtain_voluntary_statement"].overdue is False


def test_a_setting_overrides_the_default_clocks(settings: Any, world: Any) -> None:
    settings.DEFECTOR_CASE_CLOCKS = {
        "establish_bona_fides": {"days": 21},
        "report_to_idc": None,
    }
    post_clocks = clocks.clocks_for(world.vienna)
    assert post_clocks.limit("establish_bona_fides") == dt.timedelta(days=21)
    assert post_clocks.limit("report_to_idc") is None
    assert post_clocks.sources["establish_bona_fides"] == "setting"
    assert post_clocks.sources["secure_reception"] == "default"


@pytest.mark.parametrize(
    "bad",
    [
        {"no_such_obligation": {"days": 1}},
        {"report_to_idc": "soon"},
        {"report_to_idc": {"days": -1}},
    ],
    ids=["an unknown obligation", "a duration that is text", "a negative duration"],
)
def test_a_bad_clock_setting_is_refused(settings: Any, world: Any, bad: dict[str, Any]) -> None:
    settings.DEFECTOR_CASE_CLOCKS = bad
    with pytest.raises(ImproperlyConfigured):
        clocks.clocks_for(world.vienna)


@pytest.fixture
def procedures(world: Any) -> Iterator[None]:
    """Vienna's local procedures (as the committees app will register them) set bona fides
    at 14 days and leave the rest to the defaults."""

    def vienna(post: Any) -> Mapping[str, dt.timedelta | None] | None:
        if post.code == "VIENNA":
            return {ObligationId.ESTABLISH_BONA_FIDES: dt.timedelta(days=14)}
        return None

    clocks.register_provider(vienna)
    yield
    clocks.unregister_provider(vienna)


@pytest.mark.usefixtures("procedures")
def test_a_posts_local_procedures_set_its_clocks(open_case: Any, world: Any) -> None:
    assert clocks.clocks_for(world.vienna).sources["establish_bona_fides"] == "procedures"
    assert clocks.clocks_for(world.bonn).limit("establish_bona_fides") == dt.timedelta(days=30)
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    assert obligation(case, "establish_bona_fides").due_at == RECEIVED + dt.timedelta(days=14)


# --- owners -----------------------------------------------------------------------------------


def test_obligations_belong_to_the_acting_officer_or_the_role_that_answers_for_them(
    open_case: Any, officer: User, senior: User, chair: User
) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    owners = {
        o.identifier: o.owner.user.username
        for o in Obligation.objects.filter(case=case).select_related("owner__user")
        if o.owner is not None
    }
    assert owners["political_risk_determination"] == senior.username  # 7a
    assert owners["consider_defector_status"] == chair.username
    assert owners["report_to_idc"] == chair.username
    assert owners["establish_bona_fides"] == officer.username
    assert owners["disseminate_threat_information"] == officer.username


def test_without_a_senior_representative_the_acting_officer_owns_the_7a_determination(
    open_case: Any, officer: User
) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    owner = obligation(case, "political_risk_determination").owner
    assert owner is not None
    assert owner.user == officer


# --- overdue ------------------------------------------------------------------------------------


def test_an_open_obligation_past_its_due_time_is_overdue(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    threat = obligation(case, "disseminate_threat_information")
    assert not threat.is_overdue(AT + dt.timedelta(minutes=14))
    assert threat.is_overdue(AT + dt.timedelta(minutes=16))
    views = queries.obligations_of(officer, case, now=AT + dt.timedelta(minutes=16))
    overdue = {view.identifier for view in views if view.overdue}
    assert overdue == {"disseminate_threat_information"}
    assert views[0].identifier == "disseminate_threat_information"  # open ones by due time


def test_a_done_obligation_is_never_overdue(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    threat = obligation(case, "disseminate_threat_information")
    actions.discharge_obligation(
        acting_user=officer,
        case_id=case.pk,
        obligation_id=threat.pk,
        expected_version=version(case),
        evidence="Flash cable to Washington and USAREUR at 09:41.",
        at=AT + dt.timedelta(minutes=11),
    )
    threat.refresh_from_db()
    assert not threat.is_overdue(AT + dt.timedelta(days=1))


def test_the_list_counts_and_filters_overdue_cases(open_case: Any, officer: User) -> None:
    late = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    fine = open_case(facts=UNDER_CONTROL, received_at=AT, at=AT)
    now = AT + dt.timedelta(hours=24)  # threat information and secure reception (6b(1))
    rows = {c.cryptonym: c for c in queries.cases_for(officer, now=now)}
    assert rows[late.cryptonym].overdue_count == 2
    assert rows[fine.cryptonym].overdue_count == 0
    overdue = queries.cases_for(officer, queries.CaseFilters(overdue=True), now=now)
    assert [c.cryptonym for c in overdue] == [late.cryptonym]
    on_time = queries.cases_for(officer, queries.CaseFilters(overdue=False), now=now)
    assert [c.cryptonym for c in on_time] == [fine.cryptonym]


# --- discharge ----------------------------------------------------------------------------------


def test_discharging_records_the_evidence_and_who_and_when(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    threat = obligation(case, "disseminate_threat_information")
    done_at = AT + dt.timedelta(minutes=40)
    actions.discharge_obligation(
        acting_user=officer,
        case_id=case.pk,
        obligation_id=threat.pk,
        expected_version=version(case),
        evidence="Flash cable to Washington and USAREUR at 10:10.",
        at=done_at,
    )
    threat.refresh_from_db()
    assert threat.status == "done"
    assert threat.closed_at == done_at
    assert threat.closed_by is not None
    assert threat.closed_by.user == officer
    assert threat.evidence == "Flash cable to Washington and USAREUR at 10:10."
    line = TimelineEntry.objects.filter(case=case).last()
    assert line is not None
    assert line.kind == "cases.obligation.discharge"
    assert line.summary == (
        "Obligation done (after its due time): Disseminate threat information as a matter of "
        "immediate priority (6b(3)(a))"
    )
    assert line.object_label == "cases.obligation"
    assert line.object_id == str(threat.pk)


@pytest.mark.parametrize(
    ("evidence", "message"),
    [("", "is required"), ("   ", "is required"), ("done", "at least 10 characters")],
    ids=["no evidence", "blank evidence", "evidence too short to say anything"],
)
def test_discharging_needs_evidence(
    open_case: Any, officer: User, counts: Any, evidence: str, message: str
) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    threat = obligation(case, "disseminate_threat_information")
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        actions.discharge_obligation(
            acting_user=officer,
            case_id=case.pk,
            obligation_id=threat.pk,
            expected_version=version(case),
            evidence=evidence,
        )
    assert caught.value.errors[0]["field"] == "evidence"
    assert message in caught.value.errors[0]["message"]
    assert counts() == before
    assert obligation(case, "disseminate_threat_information").status == "open"


def test_evidence_may_point_to_a_record_of_the_case(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, at=AT, note="Cable sent at 09:41, acknowledged 09:50.")
    note = CaseNote.objects.get(case=case)
    threat = obligation(case, "disseminate_threat_information")
    actions.discharge_obligation(
        acting_user=officer,
        case_id=case.pk,
        obligation_id=threat.pk,
        expected_version=version(case),
        evidence="Cable sent, see the note.",
        evidence_label="cases.CaseNote",
        evidence_id=note.pk,
    )
    threat.refresh_from_db()
    assert (threat.evidence_label, threat.evidence_id) == ("cases.casenote", str(note.pk))


@pytest.mark.parametrize(
    ("label", "record", "field", "message"),
    [
        ("cases.nothing", "1", "evidence_label", "there is no kind of record"),
        ("cases.casenote", "999999", "evidence_id", "there is no case note 999999"),
        ("cases.casenote", "", "evidence_id", "is required with the kind of record"),
        ("", "7", "evidence_label", "is required with the record's number"),
        ("cases.casenote", "other", "evidence_id", "is not part of this case"),
    ],
    ids=[
        "an unknown kind of record",
        "a record that does not exist",
        "a kind without an id",
        "an id without a kind",
        "a record of another case",
    ],
)
def test_evidence_that_points_nowhere_is_refused(
    open_case: Any, officer: User, label: str, record: str, field: str, message: str
) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    other = open_case(note="A note of another case entirely.")
    if record == "other":
        record = str(CaseNote.objects.get(case=other).pk)
    threat = obligation(case, "disseminate_threat_information")
    with pytest.raises(InvalidInput) as caught:
        actions.discharge_obligation(
            acting_user=officer,
            case_id=case.pk,
            obligation_id=threat.pk,
            expected_version=version(case),
            evidence="Flash cable sent at 09:41.",
            evidence_label=label,
            evidence_id=record,
        )
    assert caught.value.errors[0]["field"] == field
    assert message in caught.value.errors[0]["message"]


def test_another_record_discharges_an_obligation_by_evidence(open_case: Any, officer: User) -> None:
    """What the statement and bona fides records will do: ``discharge_by_evidence``."""
    case = open_case(facts=EVERYTHING, at=AT, note="Statement signed, witnessed by the consul.")
    note = CaseNote.objects.get(case=case)
    from django.db import transaction

    with transaction.atomic():
        done = actions.discharge_by_evidence(
            case,
            "obtain_voluntary_statement",
            acting_user=officer,
            record=note,
            evidence="Signed statement on file",
            at=AT,
        )
        assert done is not None
        assert (
            actions.discharge_by_evidence(
                case,
                "obtain_voluntary_statement",
                acting_user=officer,
                record=note,
                evidence="again",
            )
            is None
        )
    statement = obligation(case, "obtain_voluntary_statement")
    assert statement.status == "done"
    assert (statement.evidence_label, statement.evidence_id) == ("cases.casenote", str(note.pk))


def test_a_done_obligation_cannot_be_discharged_again(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    threat = obligation(case, "disseminate_threat_information")
    arguments = {
        "acting_user": officer,
        "case_id": case.pk,
        "obligation_id": threat.pk,
        "evidence": "Flash cable sent at 09:41.",
    }
    actions.discharge_obligation(expected_version=version(case), **arguments)
    with pytest.raises(InvalidInput, match="is not open: it is done already"):
        actions.discharge_obligation(expected_version=version(case), **arguments)


def test_an_obligation_of_another_case_is_not_found(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    other = open_case(facts=EVERYTHING, at=AT)
    foreign = obligation(other, "disseminate_threat_information")
    with pytest.raises(NotFound):
        actions.discharge_obligation(
            acting_user=officer,
            case_id=case.pk,
            obligation_id=foreign.pk,
            expected_version=version(case),
            evidence="Flash cable sent at 09:41.",
        )


# --- waive ------------------------------------------------------------------------------------


def test_the_chair_waives_an_obligation_with_a_reason(open_case: Any, chair: User) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    target = obligation(case, "report_to_idc")
    actions.waive_obligation(
        acting_user=chair,
        case_id=case.pk,
        obligation_id=target.pk,
        expected_version=version(case),
        reason="Reported through the station's own channel, per the committee.",
    )
    target.refresh_from_db()
    assert target.status == "waived"
    assert target.note.startswith("Reported through")


def test_a_waiver_needs_a_reason(open_case: Any, chair: User, counts: Any) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    target = obligation(case, "report_to_idc")
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        actions.waive_obligation(
            acting_user=chair,
            case_id=case.pk,
            obligation_id=target.pk,
            expected_version=version(case),
            reason="",
        )
    assert caught.value.errors == [
        {"field": "reason", "message": "is required: say why the obligation is waived"}
    ]
    assert counts() == before


def test_only_the_chair_and_the_senior_representative_may_waive(
    open_case: Any, officer: User, member: User
) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    target = obligation(case, "report_to_idc")
    for user in (officer, member):
        with pytest.raises(PermissionDenied) as caught:
            actions.waive_obligation(
                acting_user=user,
                case_id=case.pk,
                obligation_id=target.pk,
                expected_version=version(case),
                reason="We would rather not do it at all.",
            )
        assert caught.value.clauses == ("6b",)


# --- reassign -------------------------------------------------------------------------------


def test_an_obligation_is_given_to_another_official_who_sees_the_case(
    open_case: Any, officer: User, member: User
) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    target = obligation(case, "establish_bona_fides")
    actions.reassign_obligation(
        acting_user=officer,
        case_id=case.pk,
        obligation_id=target.pk,
        expected_version=version(case),
        owner_id=member.official.pk,
    )
    target.refresh_from_db()
    assert target.owner == member.official
    line = TimelineEntry.objects.filter(case=case).last()
    assert line is not None
    assert line.summary.startswith("Obligation given to Committee Member")


def test_an_obligation_cannot_go_to_someone_who_may_not_see_the_case(
    open_case: Any, officer: User, officer_in_bonn: User, counts: Any
) -> None:
    case = open_case(facts=EVERYTHING, at=AT)
    target = obligation(case, "establish_bona_fides")
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        actions.reassign_obligation(
            acting_user=officer,
            case_id=case.pk,
            obligation_id=target.pk,
            expected_version=version(case),
            owner_id=officer_in_bonn.official.pk,
        )
    assert caught.value.errors == [
        {"field": "owner_id", "message": "Bonn Officer may not see this case"}
    ]
    assert counts() == before


# --- the case page's views, made once -------------------------------------------------------


def test_a_page_makes_its_obligation_views_once_at_the_time_first_asked(
    open_case: Any, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    made: list[str] = []
    row_view = obligations_module._row_view

    def counted(row: dict[str, Any], now: dt.datetime) -> Any:
        made.append(row["identifier"])
        return row_view(row, now)

    monkeypatch.setattr(obligations_module, "_row_view", counted)
    late = AT + dt.timedelta(minutes=16)
    with remembering():  # a page's reading: the case decided
        page = queries.case_page(officer, case.pk)
        banner = queries.obligations_of(officer, page, now=late)  # the threat banner's
        count = len(made)
        overview = queries.obligations_of(officer, page)  # the Overview's: the same views
        assert len(made) == count
        assert overview == banner
        assert overview is not banner
        assert "disseminate_threat_information" in {v.identifier for v in overview if v.overdue}
        early = queries.obligations_of(officer, page, now=AT)  # another time: made for it
        assert len(made) == 2 * count
        assert not any(view.overdue for view in early)
        assert queries.obligations_of(officer, page) == banner  # the page's own again
    assert queries.obligations_of(officer, case, now=late) == banner  # outside a page's reading
