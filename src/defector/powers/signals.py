"""Signals of the powers app.

``power_changed`` is sent *inside* the action's transaction, after a record is entered or
revoked, with ``power`` (the :class:`~defector.powers.models.Power`), ``change``
(``"recorded"`` or ``"revoked"``), ``acting_user`` and ``at``. The cases app (above) connects
its receiver in its ``ready()``: the open cases the record reaches are assessed again in the
same transaction, so a record and its consequences commit together or not at all.
"""

from __future__ import annotations

from django.dispatch import Signal

power_changed = Signal()
