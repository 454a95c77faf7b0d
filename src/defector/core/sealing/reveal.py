"""Revealing a sealed value: an action, with a stated reason and an audit record."""

from __future__ import annotations

from django.db import models, transaction

from defector.core import access, audit
from defector.core.auth import require_recent_second_factor
from defector.core.errors import InvalidInput
from defector.core.sealing.fields import open_sealed, sealed_fields
from defector.core.sealing.keys import MAX_REASON_LENGTH, MIN_REASON_LENGTH, SealingError
from defector.core.users import AnyUser


def reveal(
    *,
    acting_user: AnyUser | None,
    instance: models.Model,
    field_name: str,
    reason: str,
    cryptonym: str = "",
) -> str:
    """The clear value of ``instance``'s sealed field ``field_name``, for ``acting_user``.

    An action: the user states why (at least ``MIN_REASON_LENGTH`` characters), must be
    allowed to ``reveal`` the object (``core.access``; denied answers like missing:
    :class:`NotFound`), must have given the second factor within the last minutes in a web
    request (``core.auth.require_recent_second_factor``: :class:`StepUpRequired`), and the
    reveal is written to the audit chain with the reason — never the value — in the same
    transaction. The stored value is read afresh. A value that does
    not open raises :class:`SealingError` after recording the failed attempt.
    """
    model = type(instance)
    errors: list[dict[str, str]] = []
    if field_name not in {f.name for f in sealed_fields(model)}:
        errors.append(
            {"field": "field_name", "message": f"is not a sealed field of {model.__name__}"}
        )
    stated = reason.strip() if isinstance(reason, str) else ""
    if len(stated) < MIN_REASON_LENGTH:
        errors.append(
            {
                "field": "reason",
                "message": f"state why you need it (at least {MIN_REASON_LENGTH} characters)",
            }
        )
    elif len(stated) > MAX_REASON_LENGTH:
        errors.append({"field": "reason", "message": f"at most {MAX_REASON_LENGTH} characters"})
    if errors:
        raise InvalidInput(errors)

    failure: SealingError | None = None
    with transaction.atomic():
        row = access.get_for(
            acting_user, access.Action.REVEAL, model._default_manager.all(), instance.pk
        )
        # Step-up: the second factor within the last minutes (docs/security.md).
        require_recent_second_factor(acting_user)
        try:
            value = open_sealed(row, field_name)
        except SealingError as exc:
            failure = exc
            audit.record(
                actor=acting_user,
                action="sealed.reveal_failed",
                obj=row,
                cryptonym=cryptonym,
                after={"field": field_name, "error": str(exc)},
                reason=stated,
            )
        else:
            audit.record(
                actor=acting_user,
                action="sealed.reveal",
                obj=row,
                cryptonym=cryptonym,
                after={"field": field_name},
                reason=stated,
            )
    if failure is not None:
        raise failure
    return value or ""
