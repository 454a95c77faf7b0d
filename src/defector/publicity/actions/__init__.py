"""Writes of the publicity app (``6f``, ``5a(5)``, ``5a(6)``, ``7a``).

- the local committee's chair proposes (:func:`propose`) and may withdraw (:func:`withdraw`);
- IDC members of State and of USIA sign off for their agency (:func:`sign_off`);
- an IDC member records the override of ``5a(5)`` (:func:`override_priority`) and the IDC's
  decision (:func:`decide`);
- the post's chair or an IDC member records the release (:func:`record_release`).

Each action takes a keyword-only ``acting_user``, runs in one transaction with its audit record,
checks the seat (``PermissionDenied``), the input (``InvalidInput``), the proposal's version
(``Conflict``: ``expected_version``) and the gate (``PolicyRefusal`` naming the clause), and
tells the IDC, the proposer or the post's committee after the commit.
"""

from __future__ import annotations

from defector.publicity.actions.proposals import check_propose, propose, withdraw
from defector.publicity.actions.washington import (
    decide,
    override_priority,
    record_release,
    sign_off,
)

__all__ = [
    "check_propose",
    "decide",
    "override_priority",
    "propose",
    "record_release",
    "sign_off",
    "withdraw",
]
