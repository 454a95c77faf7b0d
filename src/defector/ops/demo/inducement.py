"""The demo's inducement (``2b``, ``5a(1)``, ``7a``): on the Vietnamese interpreter at Tokyo (a
potential defector), recruitment in place considered first and judged not to serve, the
Ambassador's determination of the political risk of inducing him, the plan (one person,
``5a(4)``) and the legal attaché's first act under it. Through the cases app's own actions;
cryptonyms only."""

from __future__ import annotations

from typing import Final

from defector.cases import actions as cases
from defector.cases.models import Case, InducementPlan
from defector.directory.queries import acting_official
from defector.ops.demo.directory import users

#: The case (by where the person was met) and who works it.
WHERE: Final = "Reception of a trade delegation, Hotel Okura"


def load_inducement() -> None:
    """Consideration, determination, plan and act (once)."""
    case = Case.objects.filter(post__code="TOKYO", received_where=WHERE).first()
    people = users("tokyo.member", "tokyo.senior")
    if case is None or len(people) < 2 or InducementPlan.objects.filter(case=case).exists():
        return
    member = people["tokyo.member"]
    official = acting_official(member)
    if official is None:
        return
    cases.consider_recruitment_in_place(
        acting_user=member,
        case_id=case.pk,
        expected_version=case.version,
        conclusion="induce_defection",
        reasoning=f"{case.cryptonym} goes home with the delegation and will not travel again: "
        "in place he could be met no more.",
    )
    case.refresh_from_db()
    cases.determine_political_risk(
        acting_user=people["tokyo.senior"],
        case_id=case.pk,
        expected_version=case.version,
        subject="inducement",
        level="low",
        reasoning="An interpreter of a trade delegation: Hanoi would protest quietly, if at "
        "all. No approach on Japanese premises other than the hotel.",
    )
    case.refresh_from_db()
    plan = cases.record_inducement_plan(
        acting_user=member,
        case_id=case.pk,
        expected_version=case.version,
        description="The legal attaché meets him at the delegation's last reception and tells "
        "him how to reach the embassy if he chooses not to go home.",
        group_size=1,
    )
    case.refresh_from_db()
    cases.record_inducement_act(
        acting_user=member,
        case_id=case.pk,
        plan_id=plan.pk,
        expected_version=case.version,
        description="At the reception, offered a private meeting before the delegation leaves; "
        "he took the telephone number.",
        committed_by_id=official.pk,
    )
