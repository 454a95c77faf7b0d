"""Writes of the cases app: opening a case at intake (``6b(1)``), revealing a sealed field.

Each action takes a keyword-only ``acting_user``, runs in one transaction, validates its input
first (every bad field named, nothing partial saved), checks access through ``core.access``,
and writes its audit record in the same transaction. Sealed values never appear in an error
message, an audit record or a log line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Final

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector.cases import cryptonyms
from defector.cases.choices import IDENTITY_FIELDS, IntakeKind
from defector.cases.models import Case, Subject
from defector.cases.queries import may_open_at
from defector.core import audit, sealing
from defector.core.access import Action, can, get_for, levels, principal_for, rank
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.directory.choices import Role
from defector.directory.models import Compartment, Official, Post

#: The longest value each sealed field takes, in characters.
IDENTITY_MAX_LENGTHS: Final[dict[str, int]] = {
    "true_name": 300,
    "aliases": 2000,
    "birth_date": 10,
    "birth_place": 300,
    "identity_documents": 4000,
}
#: A date of birth as far as it is known: a year, a year and month, or a full date.
BIRTH_DATE: Final = re.compile(r"(?P<year>[0-9]{4})(-(?P<month>[0-9]{2})(-(?P<day>[0-9]{2}))?)?")
#: Control characters other than tab, line feed and carriage return.
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The fields of a case that its audit records show.
CASE_AUDIT_FIELDS: Final = ["cryptonym", "kind", "post", "sensitivity", "opened_at", "opened_by"]
#: Attempts at saving a new case whose drawn cryptonym another transaction took meanwhile.
CRYPTONYM_SAVE_ATTEMPTS: Final = 3

Errors = list[dict[str, str]]
AnyUser = User | AnonymousUser


def _error(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _as_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _birth_date_problem(value: str, today: dt.date) -> str:
    """What is wrong with a date of birth (never quoting it: it is sealed), or ``""``."""
    match = BIRTH_DATE.fullmatch(value)
    if match is None:
        return "must be a date as YYYY-MM-DD, or YYYY-MM or YYYY when only that is known"
    year = int(match["year"])
    month = int(match["month"] or 1)
    day = int(match["day"] or 1)
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return "is not a real date"
    if born > today:
        return "is in the future"
    if year < 1850:
        return "is before 1850"
    return ""


@sensitive_variables("identity", "value")
def _clean_identity(identity: dict[str, object], errors: Errors) -> dict[str, str]:
    """The sealed fields stripped and checked; errors name the field, never the value."""
    cleaned: dict[str, str] = {}
    today = timezone.localdate()
    for name, value in identity.items():
        if not isinstance(value, str):
            _error(errors, name, "must be text")
            continue
        value = value.strip()
        limit = IDENTITY_MAX_LENGTHS[name]
        problem = ""
        if name == "birth_date" and value:
            problem = _birth_date_problem(value, today)
        elif len(value) > limit:
            problem = f"must be at most {limit} characters"
        elif CONTROL.search(value):
            problem = "contains control characters"
        if problem:
            _error(errors, name, problem)
        cleaned[name] = value
    return cleaned


def _clean_codes(values: Iterable[object] | str) -> list[str] | None:
    if isinstance(values, str):
        return None
    codes: dict[str, None] = {}
    for value in values:
        if not isinstance(value, str) or not value.strip():
            return None
        codes[value.strip()] = None
    return list(codes)


def _check_officers(
    raw: Iterable[object] | str,
    post: Post | None,
    sensitivity_rank: int,
    compartments: list[str],
    errors: Errors,
) -> list[Official]:
    """The officials to assign: case officers at the post, cleared for the case."""
    if isinstance(raw, str):
        _error(errors, "officer_ids", "must be a list of officials' ids")
        return []
    ids: dict[int, None] = {}
    for value in raw:
        number = _as_id(value)
        if number is None:
            _error(errors, "officer_ids", "must be a list of officials' ids")
            return []
        ids[number] = None
    if not ids or post is None:
        return []
    found = {
        official.pk: official
        for official in Official.objects.filter(pk__in=list(ids)).prefetch_related(
            "roles", "compartments"
        )
    }
    chosen: list[Official] = []
    for number in ids:
        official = found.get(number)
        if official is None:
            _error(errors, "officer_ids", f"there is no official {number}")
            continue
        at_post = any(
            role.role == Role.CASE_OFFICER and role.post_id == post.pk
            for role in official.roles.all()
        )
        held = {c.code for c in official.compartments.all()}
        if not at_post:
            _error(errors, "officer_ids", f"official {number} is not a case officer at {post.code}")
        elif rank(official.clearance) < sensitivity_rank:
            _error(errors, "officer_ids", f"official {number} is not cleared for the sensitivity")
        elif not set(compartments) <= held:
            _error(errors, "officer_ids", f"official {number} is not read into every compartment")
        else:
            chosen.append(official)
    return chosen


def _save_with_cryptonym(case: Case) -> None:
    """Save a new case under a fresh cryptonym, drawing again if another transaction took the
    drawn one between the check and the insert."""
    for attempt in range(1, CRYPTONYM_SAVE_ATTEMPTS + 1):
        case.cryptonym = cryptonyms.new_cryptonym()
        try:
            with transaction.atomic():
                case.save()
            return
        except IntegrityError:
            taken = Case.objects.filter(cryptonym=case.cryptonym).exists()
            if not taken or attempt == CRYPTONYM_SAVE_ATTEMPTS:
                raise


@sensitive_variables("true_name", "aliases", "birth_date", "birth_place", "identity_documents")
def open_case(
    *,
    acting_user: AnyUser,
    post_id: int | str | None,
    sensitivity: str,
    compartments: Iterable[str] = (),
    true_name: str = "",
    aliases: str = "",
    birth_date: str = "",
    birth_place: str = "",
    identity_documents: str = "",
    officer_ids: Iterable[int | str] = (),
    kind: str = IntakeKind.WALK_IN,
) -> Case:
    """Open a case at intake (``6b(1)``): a cryptonym at once, the identity sealed.

    Allowed to the post's case officers, committee members and chair, and its senior US
    representative. The acting official is assigned to the case when they are a case officer
    there; ``officer_ids`` names more case officers of the post. The sensitivity may not be
    above the acting user's clearance, and the compartments must be ones they hold.
    """
    principal = principal_for(acting_user)
    opening_posts = may_open_at(principal)
    if not opening_posts or principal.official_id is None:
        raise PermissionDenied(
            "only a post's case officers, committee and senior US representative "
            "may open a case there",
            clauses=("6b(1)",),
        )
    with transaction.atomic():
        errors: Errors = []
        number = _as_id(post_id)
        post = None
        if number is None:
            _error(errors, "post_id", "is required: choose the post")
        else:
            post = Post.objects.filter(pk=number).first()
            if post is None:
                _error(errors, "post_id", "there is no such post")
            elif not post.active:
                _error(errors, "post_id", "the post is not active")
                post = None

        known_levels = levels()
        sensitivity = sensitivity.strip() if isinstance(sensitivity, str) else ""
        if sensitivity not in known_levels:
            _error(errors, "sensitivity", f"must be one of {', '.join(known_levels)}")
        elif rank(sensitivity) > principal.clearance_rank:
            _error(errors, "sensitivity", "is above your clearance")

        codes = _clean_codes(compartments)
        compartment_rows: list[Compartment] = []
        if codes is None:
            _error(errors, "compartments", "must be a list of compartment codes")
            codes = []
        else:
            compartment_rows = list(Compartment.objects.filter(code__in=codes))
            known = {row.code for row in compartment_rows}
            for code in codes:
                if code not in known:
                    _error(errors, "compartments", f"there is no compartment {code}")
                elif code not in principal.compartments:
                    _error(errors, "compartments", f"you are not read into {code}")

        if kind not in IntakeKind.values:
            _error(errors, "kind", f"must be one of {', '.join(IntakeKind.values)}")

        identity = _clean_identity(
            {
                "true_name": true_name,
                "aliases": aliases,
                "birth_date": birth_date,
                "birth_place": birth_place,
                "identity_documents": identity_documents,
            },
            errors,
        )
        officers = _check_officers(officer_ids, post, max(rank(sensitivity), 0), codes, errors)
        if errors or post is None:
            raise InvalidInput(errors)
        if post.pk not in opening_posts:
            raise PermissionDenied(
                f"you may not open a case at {post.code}: only its case officers, committee "
                "and senior US representative may",
                clauses=("6b(1)",),
            )

        acting_official = Official.objects.get(pk=principal.official_id)
        if (post.pk, Role.CASE_OFFICER) in principal.post_roles and acting_official not in officers:
            officers.insert(0, acting_official)

        case = Case(
            post=post,
            sensitivity=sensitivity,
            kind=kind,
            opened_at=timezone.now(),
            opened_by=acting_official,
        )
        _save_with_cryptonym(case)
        case.compartments.set(compartment_rows)
        case.officers.set(officers)
        subject = Subject(case=case, **identity)
        subject.save()

        after: dict[str, Any] = audit.snapshot(case, CASE_AUDIT_FIELDS)
        after["compartments"] = sorted(codes)
        after["officers"] = [official.pk for official in officers]
        after["subject"] = audit.snapshot(subject, list(IDENTITY_FIELDS))
        audit.record(
            actor=acting_user,
            action="cases.case.open",
            obj=case,
            cryptonym=case.cryptonym,
            after=after,
        )
    return case


def reveal_subject_field(
    *, acting_user: AnyUser, case_id: int | str, field_name: str, reason: str
) -> str:
    """The clear value of one sealed field of a case's subject, with a stated reason.

    A user who may not see the case gets :class:`NotFound` (as if it did not exist); one who
    may see it but not reveal gets :class:`PermissionDenied`. ``core.sealing.reveal`` checks
    the reason and the access again, and writes the audit record with the reason. A value
    that does not open raises :class:`~defector.core.sealing.SealingError` after the failed
    attempt is recorded.
    """
    with transaction.atomic():
        number = _as_id(case_id)
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
            return sealing.reveal(
                acting_user=acting_user,
                instance=subject,
                field_name=field_name,
                reason=reason,
                cryptonym=case.cryptonym,
            )
        except sealing.SealingError as exc:
            failure = exc  # raised below, so that the record of the failed attempt commits
    raise failure
