"""Invited representatives (``6``): the committee's chair invites a representative of another
department, agency or military command to take part in one case, and may withdraw the
invitation.

An invited representative is an official holding the ``invited_representative`` role at the
case's post; once invited (``Case.invited``) they see the case (``cases.access``), so that a
task to their agency can be assigned (``6b(3)(d)``). The invited official is told by a notice
(``cases.signals.case_invitation``, cryptonym only).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from defector.cases import signals
from defector.cases.actions.common import claim_case, find_case, record_event
from defector.cases.actions.fields import _row_id
from defector.cases.models import Case
from defector.cases.queries.invitations import INVITATION_CLAUSE, cleared_for, may_invite
from defector.cases.validation import Errors, as_version, moment_of
from defector.cases.validation import error as add_error
from defector.core.access import Action
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official


def _require_chair(acting_user: AnyUser | None, case: Case) -> None:
    if not may_invite(acting_user, case):
        raise PermissionDenied(
            f"only the chair of the {case.post.code} committee may invite a representative "
            "to a case",
            clauses=(INVITATION_CLAUSE,),
        )


def _invitee(errors: Errors, case: Case, official_id: object) -> Official | None:
    """An active invited representative at the case's post, cleared for the case."""
    number = _row_id(official_id)
    official = (
        Official.objects.filter(
            pk=number,
            user__is_active=True,
            roles__role=Role.INVITED_REPRESENTATIVE,
            roles__post_id=case.post_id,
        )
        .select_related("agency", "user")
        .prefetch_related("compartments")
        .first()
        if number is not None
        else None
    )
    if official is None:
        add_error(
            errors,
            "official_id",
            f"must be an active invited representative at {case.post.code}",
        )
        return None
    needed = set(case.compartments.values_list("code", flat=True))
    if not cleared_for(official, case.sensitivity, needed):
        add_error(
            errors,
            "official_id",
            f"{official} is not cleared for this case's sensitivity and compartments",
        )
        return None
    return official


def _notify(case: Case, official: Official, *, invited: bool, actor: AnyUser | None) -> None:
    transaction.on_commit(
        lambda: signals.case_invitation.send(
            sender=Case, case=case, official=official, invited=invited, actor=actor
        )
    )


def invite_to_case(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    official_id: int | str,
    at: dt.datetime | None = None,
) -> Case:
    """Invite a representative of another agency to the case (``6``): the committee's chair
    only. Inviting one already invited changes nothing (and writes no record)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        _require_chair(acting_user, case)
        errors: Errors = []
        version = as_version(errors, expected_version)
        official = _invitee(errors, case, official_id)
        if errors or official is None:
            raise InvalidInput(errors)
        if case.invited.filter(pk=official.pk).exists():
            return case
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        case.invited.add(official)
        record_event(
            case,
            acting_user=acting_user,
            action="cases.case.invite",
            summary=f"{official} ({official.agency.code}) invited to take part in the case",
            at=moment,
            after={"invited": official.pk, "agency": official.agency.code},
        )
        _notify(case, official, invited=True, actor=acting_user)
    return case


def withdraw_invitation(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    official_id: int | str,
    at: dt.datetime | None = None,
) -> Case:
    """Withdraw an invitation to the case (``6``): the committee's chair only. The official no
    longer sees the case; their agency's open tasks stay, for the chair to reassign."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        _require_chair(acting_user, case)
        errors: Errors = []
        version = as_version(errors, expected_version)
        if errors:
            raise InvalidInput(errors)
        number = _row_id(official_id)
        official = (
            case.invited.select_related("agency").filter(pk=number).first()
            if number is not None
            else None
        )
        if official is None:
            raise NotFound("no such invitation to this case")
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        case.invited.remove(official)
        record_event(
            case,
            acting_user=acting_user,
            action="cases.case.uninvite",
            summary=f"Invitation of {official} ({official.agency.code}) withdrawn",
            at=moment,
            before={"invited": official.pk, "agency": official.agency.code},
        )
        _notify(case, official, invited=False, actor=acting_user)
    return case
