"""Signals of the committees app, for the apps that keep members informed (``6e``).

Each is sent after the change has committed (``transaction.on_commit``), never before, with
``sender`` the model class and these keyword arguments:

- ``procedures_effective(committee, version, actor)``: a version of the local operating
  procedures (``ProceduresVersion``) became effective (``6b``);
- ``guidance_issued(committee, version, actor)``: the senior US representative issued a version
  of policy guidance (``GuidanceVersion``, ``7c``);
- ``minutes_forwarded(committee, minutes, actor)``: approved ``Minutes`` were forwarded to the
  IDC (``6a``).

- ``meeting_changed(committee, meeting, change, actor)``: a meeting was scheduled, moved or
  cancelled (``6a``); ``change`` is ``"scheduled"``, ``"rescheduled"`` or ``"cancelled"``.

``actor`` is the ``User`` who acted, or ``None`` for an operator at the console. Both
``procedures_effective`` and ``guidance_issued`` are documents every member must acknowledge
(``committees.actions.acknowledge``); ``committees.queries.unacknowledged`` lists who has not.
"""

from __future__ import annotations

from django.dispatch import Signal

procedures_effective = Signal()
guidance_issued = Signal()
minutes_forwarded = Signal()
meeting_changed = Signal()
