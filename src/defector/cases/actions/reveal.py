"""Revealing a subject's sealed field, with a stated reason and an audit record."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from defector.cases.actions.common import Entry, _entry
from defector.cases.choices import IDENTITY_FIELDS
from defector.cases.models import Case, Subject
from defector.cases.validation import as_id
from defector.core import sealing
from defector.core.access import Action, can, get_for
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent
from defector.core.users import AnyUser
from defector.directory.queries import acting_official


def reveal_subject_field(
    *, acting_user: AnyUser, case_id: int | str, field_name: str, reason: str
) -> str:
    """The clear value of one sealed field of a case's subject, with a stated reason.

    A user who may not see the case gets :class:`NotFound` (as if it did not exist); one who
    may see it but not reveal gets :class:`PermissionDenied`. ``core.sealing.reveal`` checks
    the reason and the access again, and writes the audit record with the reason; the case's
    timeline says which field was revealed, by whom (never the value). A value that does not
    open raises :class:`~defector.core.sealing.SealingError` after the failed attempt is
    recorded.
    """
    with transaction.atomic():
        number = as_id(case_id)
        if number is None:
            raise NotFound("no such case")
        case = get_for(acting_user, Action.VIEW, Case.objects.all(), number, what="case")
        if not can(acting_user, Action.REVEAL, case):
            raise PermissionDenied(
                "you may see this case but not reveal its sealed fields; its assigned case "
                "officers, the committee chair and the senior US representative may"
            )
        if field_name not in IDENTITY_FIELDS:
            raise InvalidInput(
                [{"field": "field", "message": f"must be one of {', '.join(IDENTITY_FIELDS)}"}]
            )
        subject = Subject.objects.filter(case=case).first()
        if subject is None or getattr(subject, field_name) is None:
            raise InvalidInput([{"field": "field", "message": "nothing is recorded in it"}])
        try:
            value = sealing.reveal(
                acting_user=acting_user,
                instance=subject,
                field_name=field_name,
                reason=reason,
                cryptonym=case.cryptonym,
            )
        except sealing.SealingError as exc:
            failure = exc  # raised below, so that the record of the failed attempt commits
        else:
            official = acting_official(acting_user)
            _entry(
                case,
                Entry(
                    "sealed.reveal",
                    f"{IDENTITY_FIELDS[field_name]} revealed (the reason is in the audit log)",
                    subject,
                ),
                official=official,
                at=timezone.now(),
                audit_seq=AuditEvent.objects.filter(
                    action="sealed.reveal",
                    object_type=subject._meta.label_lower,
                    object_id=str(subject.pk),
                )
                .order_by("-seq")
                .values_list("seq", flat=True)
                .first(),
            )
            return value
    raise failure
