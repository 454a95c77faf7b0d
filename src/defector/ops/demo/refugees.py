"""The demo's refugee (``2f``): the Romanian lorry driver at Vienna, of no special value, is
declined defector status by the committee (``6b(2)``, every agency concurring) and referred as
a refugee to UNHCR and the Austrian asylum office, which closes his case. A refugee is not a
defector (``2f``). Through the cases app's own actions."""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.utils import timezone

from defector.cases import actions as cases
from defector.cases import queries
from defector.cases.models import Case, RefugeeReferral
from defector.ops.demo.directory import users

#: The case (by where the person came in).
WHERE: Final = "Visa section, consular counter"


def load_refugees() -> None:
    """The decline and the referral (once)."""
    case = Case.objects.filter(post__code="VIENNA", received_where=WHERE).first()
    people = users("committee.chair", "duty.officer")
    if case is None or len(people) < 2 or RefugeeReferral.objects.filter(case=case).exists():
        return
    now = timezone.now()
    cases.determine_status(
        acting_user=people["committee.chair"],
        case_id=case.pk,
        expected_version=case.version,
        decision="decline",
        special_value="None: he has no information of intelligence or political value (2a).",
        rationale="He fled hardship, not a hostile service; no special value to weigh against "
        "the risk. He may be helped as a refugee.",
        positions=[
            {"agency_id": agency.pk, "stance": "concur", "note": ""}
            for agency in queries.represented_agencies(case.post)
        ],
        at=now - dt.timedelta(days=2),
    )
    case.refresh_from_db()
    cases.refer_as_refugee(
        acting_user=people["duty.officer"],
        case_id=case.pk,
        expected_version=case.version,
        reason=f"{case.cryptonym} was declined defector status and asks for asylum: the "
        "refugee services take him.",
        referred_to="UNHCR Vienna and the Austrian Federal Asylum Office",
        close=True,
        at=now - dt.timedelta(days=1),
    )
