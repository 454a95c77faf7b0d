"""What the reports app does when a figure of Washington's worldwide view moves (``6d``): the
case's standing row is recomputed in the same transaction (``reports.actions.standing``).

- ``cases.signals.case_changed``, sent inside every case action's transaction (from
  ``cases.actions.record_event``, after the action's writes): a stage change, a move between
  posts, an assessment opening or setting aside the ``6d`` obligation, a period discharged, a
  report's step, a requirement's status (the exploitation actions record their events on the
  case);
- Django's ``post_save`` of an obligation of ``report_to_idc`` (the compliance sweep opens the
  next period without a case event), of a case's requirement and of a publicity proposal (the
  publicity actions record no case event): sent by ``save()``, inside the writer's
  transaction.

No lower app imports this one: it connects here, from ``ReportsConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.db.models.signals import post_save

from defector.cases import signals as case_signals
from defector.cases.models import Case, Obligation
from defector.exploitation.models import CaseRequirement
from defector.policy.obligations import ObligationId
from defector.publicity.models import Proposal
from defector.reports.actions.standing import open_standing, refresh_standing

UID: Final = "defector.reports.standing."


def on_case_changed(
    sender: Any,
    case: Case,
    created: bool = False,
    obligations: Sequence[Obligation] = (),
    **kwargs: Any,
) -> None:
    if created:  # a new case: its row from what the intake wrote, without reading it again
        open_standing(case, obligations)
    else:
        refresh_standing([case.pk])


def on_obligation_saved(sender: Any, instance: Obligation, raw: bool = False, **_: Any) -> None:
    if not raw and instance.identifier == ObligationId.REPORT_TO_IDC:
        refresh_standing([instance.case_id])


def on_case_row_saved(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        refresh_standing([instance.case_id])


def connect() -> None:
    """Connect every receiver (once)."""
    case_signals.case_changed.connect(on_case_changed, dispatch_uid=UID + "case", weak=False)
    post_save.connect(
        on_obligation_saved, sender=Obligation, dispatch_uid=UID + "obligation", weak=False
    )
    for model in (CaseRequirement, Proposal):
        post_save.connect(
            on_case_row_saved,
            sender=model,
            dispatch_uid=UID + model._meta.label_lower,
            weak=False,
        )
