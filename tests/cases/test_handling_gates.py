"""The gates the status determination (6b(2)) reads from the handling records: bona fides
established (6b(3)(b)) and a signed statement on file (6b(3)(c)), as the grant gate sees
them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases import actions as actions_handling
from defector.cases import queries as queries_determination
from defector.cases.models import Case
from defector.directory.models import Official

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def test_the_grant_gate_names_bona_fides_and_the_statement_until_both_are_met(
    open_case: Any, walk_in_facts: dict[str, Any], officer: User, member: User
) -> None:
    case = open_case(facts=walk_in_facts)
    refused = queries_determination.grant_readiness(case)
    assert not refused.allowed
    assert {"6b(3)(b)", "6b(3)(c)"} <= set(refused.clauses)

    check = actions_handling.add_bona_fides_check(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        kind="identity_documents",
        analyst_id=Official.objects.get(user=officer).pk,
        result="consistent",
        checked_on=timezone.localdate(),
        finding="Documents genuine.",
    )
    actions_handling.record_bona_fides_verdict(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        verdict="established",
        check_ids=[check.pk],
        rationale="Documents genuine and consistent.",
    )
    statement = actions_handling.record_statement(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        language_code="ru",
        language_name="Russian",
        text_original="Прошу убежища.",
        text_english="I ask for asylum.",
        signed_at=timezone.now(),
        signature_file=b"%PDF-1.4\n%%EOF\n",
    )
    assert "6b(3)(c)" in queries_determination.grant_readiness(case).clauses
    actions_handling.witness_statement(
        acting_user=member,
        case_id=case.pk,
        statement_id=statement.pk,
        expected_version=version(case),
    )
    inputs = queries_determination.grant_inputs(case)
    assert inputs.bona_fides.allowed
    assert inputs.signed_statement.allowed
    still = queries_determination.grant_readiness(case)
    assert not still.allowed
    assert set(still.clauses) == {"7a"}  # only the political-risk determination is missing
