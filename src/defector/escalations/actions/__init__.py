"""Writes of the escalations app: mutual problems and the three paths of ``6c``.

- **resolved locally** — :func:`resolve_locally`, by a member of the post's committee;
- **referred to the IDC through CIA channels** — :func:`request_referral` by a member, then
  :func:`transmit_referral` by the post's CIA member (refused, naming ``6c``, when the post has
  none); members note their direct communications with Washington
  (:func:`note_direct_communication`); the IDC sees the problem at once,
  :func:`idc_acknowledge_referral` and :func:`idc_decide`;
- **time does not permit referral** — :func:`submit_to_senior_representative` with the reason,
  then :func:`senior_representative_decide`, which also sends the IDC its information copy;
  the IDC acknowledges it (:func:`idc_acknowledge_information`).

Each action takes a keyword-only ``acting_user`` and runs in one transaction: it finds the
problem (``NotFound`` when the user may not see it), checks the user's seat
(``PermissionDenied`` naming ``6c``), asks the transition table (``gate.decide``; a refusal is
a ``PolicyRefusal`` naming ``6c``), validates the input (``InvalidInput`` listing every bad
field), writes, and records the audit event with the table's decision. The post's members (and
the IDC, where it is concerned) are told after the commit (``notifications``).
"""

from __future__ import annotations

from defector.escalations.actions.problems import (
    CONTROL,
    PROBLEM_AUDIT_FIELDS,
    RAISE_REASON,
    REFERENCE_MAX_LENGTH,
    SEATS,
    Errors,
    raise_problem,
    resolve_locally,
)
from defector.escalations.actions.referrals import (
    idc_acknowledge_referral,
    idc_decide,
    note_direct_communication,
    request_referral,
    transmit_referral,
)
from defector.escalations.actions.urgent import (
    idc_acknowledge_information,
    senior_representative_decide,
    submit_to_senior_representative,
)

__all__ = [
    "CONTROL",
    "PROBLEM_AUDIT_FIELDS",
    "RAISE_REASON",
    "REFERENCE_MAX_LENGTH",
    "SEATS",
    "Errors",
    "idc_acknowledge_information",
    "idc_acknowledge_referral",
    "idc_decide",
    "note_direct_communication",
    "raise_problem",
    "request_referral",
    "resolve_locally",
    "senior_representative_decide",
    "submit_to_senior_representative",
    "transmit_referral",
]
