"""Signals of the cases app, for the apps that keep members informed (``6e``).

``case_changed`` is sent after the commit of every case action (from
:func:`defector.cases.actions.record_event`) with:

- ``sender``: :class:`~defector.cases.models.Case`;
- ``case``: the case;
- ``change``: what happened, naming the case by its cryptonym only;
- ``actor``: the acting user, or ``None`` for an operator's command.

``case_invitation`` is sent after the commit of an invitation to a case (``6``), or of its
withdrawal, with ``sender`` the ``Case`` class, ``case``, ``official`` (the invited
representative), ``invited`` (``True`` for an invitation, ``False`` for a withdrawal) and
``actor``.
"""

from django.dispatch import Signal

case_changed = Signal()
case_invitation = Signal()
