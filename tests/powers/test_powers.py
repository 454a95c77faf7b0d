"""Washington's powers (``1``, ``3``): only the DCI's delegate records them, a case officer can
no longer assert them, and the cases follow the records (assessed again when one is recorded
or revoked)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions as case_actions
from defector.cases.models import Assessment, Case, TimelineEntry
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.ops import demo
from defector.powers import actions, queries
from defector.powers.models import Power
from support.api import api_as

pytestmark = pytest.mark.django_db

AT = dt.datetime(1980, 3, 2, 9, 30, tzinfo=dt.UTC)
#: A Soviet official who escaped to Austria: a defector, under the directive.
SOVIET: dict[str, Any] = {
    "nationalities": ["SU"],
    "location": "AT",
    "as_of": "1980-03-02",
    "escaped_control": True,
    "unwilling_to_return": True,
    "special_value": ["information"],
}
#: An Iranian official in Austria: not covered unless the DCI extends the directive (3).
IRANIAN: dict[str, Any] = {**SOVIET, "nationalities": ["IR"]}


def latest(case: Case) -> Assessment:
    found = Assessment.objects.filter(case=case).order_by("-number").first()
    assert found is not None
    return found


def record(user: User, **overrides: Any) -> Power:
    arguments: dict[str, Any] = {
        "kind": "war_theater",
        "reference": "NSC 1980/1",
        "countries": ["AT"],
        "starts_on": "1980-01-01",
        "at": AT,
        **overrides,
    }
    return actions.record_power(acting_user=user, **arguments)


def test_a_case_officer_cannot_record_an_exclusion_or_an_extension(officer: User) -> None:
    for kind in ("presidential_direction", "war_theater", "dci_determination"):
        with pytest.raises(PermissionDenied) as refused:
            record(officer, kind=kind)
        assert refused.value.clauses == ("1", "3")
    assert not Power.objects.exists()


@pytest.mark.parametrize("fact", ["active_war_theater", "presidential_exclusion", "dci_extension"])
def test_a_case_officer_cannot_assert_a_scope_fact_in_a_cases_facts(
    open_case: Any, officer: User, fact: str
) -> None:
    with pytest.raises(PolicyRefusal) as refused:
        open_case(facts={**SOVIET, fact: True}, at=AT)
    assert refused.value.clauses == (("3",) if fact == "dci_extension" else ("1",))
    assert "DCI's delegate" in refused.value.message
    case = open_case(facts=SOVIET, at=AT)
    with pytest.raises(PolicyRefusal):
        case_actions.update_facts(
            acting_user=officer,
            case_id=case.pk,
            expected_version=case.version,
            facts={**SOVIET, fact: False},
        )


def test_the_cases_api_refuses_the_scope_facts_naming_their_clauses(
    open_case: Any, officer: User
) -> None:
    case = open_case(facts=SOVIET, at=AT)
    api = api_as(officer, "/api/v1/cases")
    answer = api.client.put(
        f"/api/v1/cases/{case.pk}/facts",
        data=json.dumps({"version": case.version, "facts": {**IRANIAN, "dci_extension": True}}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "policy_refusal"
    assert body["clauses"] == ["3"]
    assert latest(case).facts["nationalities"] == ["SU"]


def test_the_case_facts_form_has_no_scope_checkboxes(
    open_case: Any, officer: User, client_for: Any
) -> None:
    case = open_case(facts=SOVIET, at=AT)
    page = client_for(officer).get(f"/cases/{case.pk}/facts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="active_war_theater"' not in html
    assert 'name="presidential_exclusion"' not in html
    assert 'name="dci_extension"' not in html
    assert "Washington&#x27;s powers" in html or "Washington's powers" in html


def test_the_dci_delegate_records_a_theater_and_the_case_follows(
    open_case: Any, delegate: User
) -> None:
    case = open_case(facts=SOVIET, at=AT)
    assert latest(case).applies is True
    power = record(delegate)
    after = latest(case)
    assert after.number == 2
    assert after.facts["active_war_theater"] is True
    assert after.applies is False
    assert after.powers[0]["holds"] is True
    assert after.powers[0]["records"][0]["label"] == queries.label_of(power)
    line = TimelineEntry.objects.get(case=case, kind="cases.case.reassess")
    assert "active theater of war" in line.summary
    assert "(1)" in line.summary
    assert AuditEvent.objects.filter(action="powers.power.record").count() == 1
    assert AuditEvent.objects.filter(action="cases.case.reassess").count() == 1
    case.refresh_from_db()
    assert case.version == 2


def test_a_revocation_takes_the_case_back_under_the_directive(
    open_case: Any, delegate: User
) -> None:
    case = open_case(facts=SOVIET, at=AT)
    power = record(delegate)
    actions.revoke_power(
        acting_user=delegate,
        power_id=power.pk,
        expected_version=power.version,
        reason="Entered in error",
        revoked_from="1980-01-01",
    )
    after = latest(case)
    assert after.number == 3
    assert after.facts["active_war_theater"] is False
    assert after.applies is True
    with pytest.raises(Conflict):
        actions.revoke_power(
            acting_user=delegate,
            power_id=power.pk,
            expected_version=power.version,
            reason="again",
        )


def test_a_dci_determination_brings_another_national_under_the_directive(
    open_case: Any, delegate: User
) -> None:
    case = open_case(facts=IRANIAN, at=AT)
    assert latest(case).categories == []
    record(delegate, kind="dci_determination", countries=["IR"], reference="DCI 80-3")
    after = latest(case)
    assert after.facts["dci_extension"] is True
    assert after.categories == ["defector"]
    assert "3" in {f["clause"] for f in after.outcome["findings"] if f["holds"]}


def test_a_later_case_takes_its_facts_from_the_records_in_force(
    open_case: Any, delegate: User
) -> None:
    record(delegate, kind="dci_determination", countries=["IR"], reference="DCI 80-3")
    case = open_case(facts=IRANIAN, at=AT)
    assert latest(case).facts["dci_extension"] is True
    before = open_case(facts={**IRANIAN, "as_of": "1979-12-31"}, at=AT)
    assert latest(before).facts["dci_extension"] is False


def test_a_direction_naming_a_case_reaches_only_that_case(open_case: Any, delegate: User) -> None:
    named = open_case(facts=SOVIET, at=AT)
    other = open_case(facts=SOVIET, at=AT)
    power = record(
        delegate, kind="presidential_direction", countries=[], cryptonyms=[named.cryptonym]
    )
    assert power.case_ids == [named.pk]
    assert power.names_cases
    assert latest(named).facts["presidential_exclusion"] is True
    assert latest(other).number == 1


def test_a_record_naming_an_unknown_case_is_refused(delegate: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        record(delegate, kind="presidential_direction", countries=[], cryptonyms=["ZZNOTHING"])
    assert refused.value.errors[0]["field"] == "cases"
    assert not Power.objects.exists()


def test_an_extension_to_a_2a_country_is_refused(delegate: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        record(delegate, kind="dci_determination", countries=["SU"])
    assert "2a" in refused.value.errors[0]["message"]


def test_who_sees_the_records(
    delegate: User, idc: User, officer: User, auditor: User, open_case: Any
) -> None:
    case = open_case(facts=SOVIET, at=AT)
    public = record(delegate)
    personal = record(
        delegate, kind="presidential_direction", countries=[], cryptonyms=[case.cryptonym]
    )
    assert set(queries.powers_for(delegate)) == {public, personal}
    assert set(queries.powers_for(idc)) == {public, personal}
    assert set(queries.powers_for(officer)) == {public}
    assert not queries.powers_for(auditor).exists()


def test_the_api_lists_records_and_refuses_a_case_officer(delegate: User, officer: User) -> None:
    body = {
        "kind": "war_theater",
        "reference": "NSC 1980/1",
        "countries": ["AT"],
        "starts_on": "1980-01-01",
    }
    refused = api_as(officer, "/api/v1/powers").post("/records", body)
    assert refused.status_code == 403
    assert refused.json()["clauses"] == ["1", "3"]
    api = api_as(delegate, "/api/v1/powers")
    made = api.post("/records", body)
    assert made.status_code == 201, made.content
    power = made.json()
    assert power["clause"] == "1"
    assert power["in_force"] is True
    listed = api.get("/records")
    assert listed.json()["count"] == 1
    stale = api.post(f"/records/{power['id']}/revoke", {"version": 9, "reason": "x"})
    assert stale.status_code == 409
    done = api.post(f"/records/{power['id']}/revoke", {"version": 1, "reason": "Withdrawn"})
    assert done.status_code == 200
    assert done.json()["revoked"] is True


def test_the_page_shows_the_form_only_to_the_dci_delegate(
    delegate: User, officer: User, client_for: Any
) -> None:
    browser = client_for(delegate)
    mine = browser.get("/powers/").content.decode()
    assert "data-power-form" in mine
    page = client_for(officer).get("/powers/")
    assert page.status_code == 200
    assert "data-power-form" not in page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', mine)
    assert token is not None
    answer = browser.post(
        "/powers/new/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "kind": "war_theater",
            "reference": "NSC 1980/1",
            "countries": ["AT"],
            "starts_on": "1980-01-01",
        },
    )
    assert answer.status_code == 302
    assert Power.objects.count() == 1


def test_the_demo_enters_one_record_of_each_kind_once(world: Any) -> None:
    demo.load()
    kinds = sorted(Power.objects.values_list("kind", flat=True))
    assert kinds == ["dci_determination", "presidential_direction", "war_theater"]
    assert {p.entered_by.user.username for p in Power.objects.all()} == {"dci.delegate"}
    demo.load()
    assert Power.objects.count() == 3


def test_washingtons_records_read_again_give_each_change_at_once(delegate: User) -> None:
    first = record(delegate)
    assert queries.every_record() == [queries.as_value(first)]
    assert queries.every_record() == [queries.as_value(first)]
    Power.objects.filter(pk=first.pk).update(countries=["AT", "HU"])
    changed = queries.every_record()
    assert changed[0].countries == ("AT", "HU")
    assert changed == [queries.as_value(p) for p in Power.objects.order_by("starts_on", "id")]
    second = record(delegate, reference="NSC 1980/2", starts_on="1979-06-01")
    assert [p.ident for p in queries.every_record()] == [second.pk, first.pk]
    Power.objects.all().delete()
    assert queries.every_record() == []
