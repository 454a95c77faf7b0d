"""The demo's move between posts: a Vienna case proposed for resettlement through Tokyo by
the Vienna committee's chair, awaiting the Tokyo chair (it shows on their "My work")."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from defector.cases import actions as cases
from defector.cases.models import Case, CaseTransfer
from defector.directory.models import Post

#: The case that moves (told apart by where it was received), from and to.
WHERE = "Trade fair, Messe Wien"
FROM, TO = "VIENNA", "TOKYO"


def load_transfers() -> None:
    """Propose the demo's move, unless the case has one already."""
    case = Case.objects.filter(post__code=FROM, received_where=WHERE).first()
    if case is None or CaseTransfer.objects.filter(case=case).exists():
        return
    chair = get_user_model().objects.get(username="committee.chair")
    cases.propose_transfer(
        acting_user=chair,
        case_id=case.pk,
        expected_version=case.version,
        to_post_id=Post.objects.get(code=TO).pk,
        kind="resettlement",
        reason="Relatives in Japan; the Tokyo committee can resettle him out of reach of "
        "the Vienna residency.",
    )
