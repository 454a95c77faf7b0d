"""The demo's mutual problems (``6c``), one on each of its paths, through the escalations
app's own actions: at Vienna, CIA and DOD disagree on who debriefs the Hungarian defector, and
the chair refers it to the IDC through CIA channels (the defense attaché tells his principals
directly; the IDC has acknowledged it, and its decision is left to the demo's IDC user); the
Austrian police at the gate ask about the walk-in of the last hour, and time does not permit
referral, so the Ambassador decides (the IDC's information copy awaits its acknowledgement).
At Tokyo, an interpreter problem resolved by the committee, and the resettlement funds still
open. Cryptonyms only."""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases.models import Case
from defector.escalations import actions as escalations
from defector.escalations.models import Problem
from defector.ops.demo.directory import users

#: The demo's cases the problems concern, by where they were received.
HAVAS: Final = "Side entrance, Boltzmanngasse"
PELSH: Final = "Consular section, front desk"
NGUYEN: Final = "Reception of a trade delegation, Hotel Okura"
LIANG: Final = "Embassy gate, Akasaka"


def load_problems() -> None:
    """Vienna's and Tokyo's problems (once each post)."""
    people = users(
        "committee.chair",
        "vienna.member",
        "senior.rep",
        "tokyo.chair",
        "tokyo.member",
        "idc.analyst",
    )
    if len(people) < 6:
        return
    cases = {
        case.received_where: case
        for case in Case.objects.select_related("post").filter(
            received_where__in=(HAVAS, PELSH, NGUYEN, LIANG)
        )
    }
    if len(cases) < 4:
        return
    if not Problem.objects.filter(post=cases[HAVAS].post).exists():
        _vienna(people, cases[HAVAS], cases[PELSH])
    if not Problem.objects.filter(post=cases[LIANG].post).exists():
        _tokyo(people, cases[NGUYEN], cases[LIANG])


def _vienna(people: dict[str, User], havas: Case, pelsh: Case) -> None:
    chair, member = people["committee.chair"], people["vienna.member"]
    referred = escalations.raise_problem(
        acting_user=chair,
        post_id=havas.post_id,
        title="CIA and DOD both wish to lead the debriefing",
        description=f"{havas.cryptonym} knows the ministry's trade with the Warsaw Pact "
        "armies. CIA and DOD each wish to lead his debriefing; the committee could not agree "
        "at its meeting.",
        cryptonyms=[havas.cryptonym],
        agencies=["CIA", "DOD"],
    )
    escalations.request_referral(
        acting_user=chair,
        problem_id=referred.pk,
        summary="The members could not agree who leads the debriefing; the IDC is asked to "
        "decide, and to say how the other agency's requirements are put to him.",
    )
    escalations.transmit_referral(
        acting_user=chair, problem_id=referred.pk, channel_reference="VIENNA 0417"
    )
    escalations.note_direct_communication(
        acting_user=member,
        problem_id=referred.pk,
        summary="The defense attaché told the Defense Intelligence Agency of the referral and "
        "of DOD's requirements on Warsaw Pact trade.",
    )
    # Acknowledged, not decided: the decision is left for the demo's IDC user to take.
    escalations.idc_acknowledge_referral(acting_user=people["idc.analyst"], problem_id=referred.pk)
    urgent = escalations.raise_problem(
        acting_user=chair,
        post_id=pelsh.post_id,
        title="The Austrian police at the gate ask about a visitor",
        description=f"Two police officers ask whether the man who came in this morning "
        f"({pelsh.cryptonym}) is still inside, and who he is.",
        cryptonyms=[pelsh.cryptonym],
        due_date=timezone.localdate(),
    )
    escalations.submit_to_senior_representative(
        acting_user=chair,
        problem_id=urgent.pk,
        reason="The police are waiting at the gate: the IDC could not answer before they leave.",
    )
    escalations.senior_representative_decide(
        acting_user=people["senior.rep"],
        problem_id=urgent.pk,
        decision="Tell them only that a visitor is being interviewed at his own request: no "
        "name, no nationality. The Deputy Chief of Mission calls the Foreign Ministry.",
    )


def _tokyo(people: dict[str, User], nguyen: Case, liang: Case) -> None:
    resolved = escalations.raise_problem(
        acting_user=people["tokyo.member"],
        post_id=nguyen.post_id,
        title="Interpreter cleared for one agency only",
        description=f"The only Vietnamese interpreter at the post is the FBI's; CIA's "
        f"meetings with {nguyen.cryptonym} need one.",
        cryptonyms=[nguyen.cryptonym],
        agencies=["CIA", "FBI"],
    )
    escalations.resolve_locally(
        acting_user=people["tokyo.chair"],
        problem_id=resolved.pk,
        text="The FBI lends its interpreter for CIA's meetings; the legal attaché attends.",
    )
    escalations.raise_problem(
        acting_user=people["tokyo.chair"],
        post_id=liang.post_id,
        title="Resettlement funds not yet committed",
        description=f"The resettlement of {liang.cryptonym} after the debriefing has no funds "
        "yet; INS asks who pays for the first year.",
        cryptonyms=[liang.cryptonym],
        agencies=["CIA", "INS"],
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )
