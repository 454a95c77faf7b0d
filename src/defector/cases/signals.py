"""Signals of the cases app, for the apps that keep members informed (``6e``).

``case_changed`` is sent inside the transaction of every case action, after its writes (from
:func:`defector.cases.actions.record_event`), so that a receiver's writes commit or roll back
with the change (the members' notices, each in a savepoint of its own; the reports app's
standing row), with:

- ``sender``: :class:`~defector.cases.models.Case`;
- ``case``: the case;
- ``change``: what happened, naming the case by its cryptonym only;
- ``actor``: the acting user, or ``None`` for an operator's command;
- for a case created in the transaction (intake) only, ``created`` (``True``) and
  ``obligations``: the obligations its first assessment opened, the only rows of the case yet
  besides its subject, links, assessment and note (a receiver may write from them without
  reading: ``reports``' standing row).

It is sent before the action's own audit record is appended. A receiver that writes records
hands back their audit records (a list of ``core.audit.Event``) instead of appending them:
the action appends its own first, then those, in one move of the audit head
(``core.audit.record_many``), so that the head is taken after every receiver's reads. A
receiver must not append to the audit chain itself (its record would come before the
change's).

``task_changed`` is sent after the commit of a task's assignment or answer (``6b(3)(d)``,
``cases.actions.tasks``) with ``sender`` :class:`~defector.cases.models.CaseTask`, ``task``,
``change`` (``"assigned"``: created, or handed to another assignee; ``"declined"``) and
``actor``.

``subject_named`` is sent inside the transaction of every action that gives a subject its
names (intake), so that a higher app (``traces``) can index them in the same transaction and
act after the commit (``transaction.on_commit``), with:

- ``sender``: :class:`~defector.cases.models.Subject`;
- ``subject``: the subject (its names sealed);
- ``case``: its case;
- ``actor``: the acting user, or ``None``;
- ``created``: ``True`` when the subject was created in this transaction (nothing of it is
  indexed yet);
- ``nationality`` (intake): the case's first nationality as its first assessment will have
  it, ``""`` when it will have none.

``subject_to_name`` is sent before the transaction of an intake, outside it (so that what a
receiver reads or computes then holds no write lock), with the subject as it will be saved —
its names in clear, not sealed yet, no case yet — and with ``sender``, ``actor`` and
``nationality`` as ``subject_named`` has them. Its names do not change before
``subject_named`` is sent with the same object. A receiver keeps on the subject what it
prepares (``traces``: the digests of the names for the blind index and, where writers take
turns, the search of its trace ahead of the transaction, caught up inside it); it writes
nothing.

``case_invitation`` is sent after the commit of an invitation to a case (``6``), or of its
withdrawal, with ``sender`` the ``Case`` class, ``case``, ``official`` (the invited
representative), ``invited`` (``True`` for an invitation, ``False`` for a withdrawal) and
``actor``.

``case_transfer`` is sent after the commit of each step of a move of a case to another post or
to Washington (``cases.actions.transfers``), with ``sender`` the ``CaseTransfer`` class,
``transfer``, ``change`` (``"proposed"``, ``"accepted"``, ``"declined"``, ``"cancelled"``) and
``actor``: the receiving side is told of a proposal, both sides of its outcome.
"""

from django.dispatch import Signal

case_changed = Signal()
task_changed = Signal()
subject_named = Signal()
subject_to_name = Signal()
case_invitation = Signal()
case_transfer = Signal()
