"""Mutual problems (``6c``): raised, resolved locally; and the checks, moves, audit records and
notices every step of the path shares."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from defector.cases.actions import refuse_names_at_post
from defector.cases.models import Case
from defector.core import audit
from defector.core.access import Action, principal_for
from defector.core.errors import InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.models import Agency, Official, Post
from defector.directory.queries import acting_official
from defector.escalations import queries
from defector.escalations.choices import (
    DEFAULT_DUE,
    MAX_CASES,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ProblemStatus,
)
from defector.escalations.models import Problem, Resolution
from defector.notifications import actions as notifications
from defector.notifications.choices import NoticeKind
from defector.policy import Decision
from defector.policy.gates import escalations as gate

Errors = list[dict[str, str]]

#: Control characters other than tab, line feed and carriage return.
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The fields of a problem that its audit records show.
PROBLEM_AUDIT_FIELDS: Final = [
    "post",
    "raised_by",
    "title",
    "description",
    "raised_at",
    "due_date",
    "status",
    "idc_visible_from",
    "closed_at",
]

#: The longest channel reference of a transmitted referral.
REFERENCE_MAX_LENGTH: Final = 100
#: Who raising a problem is allowed to, and why.
RAISE_REASON: Final = "the local committee considers mutual problems; any member may raise one"


def _error(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _text(
    errors: Errors, field: str, value: object, *, required: bool, limit: int = TEXT_MAX_LENGTH
) -> str:
    """Stripped text, checked for presence, length and control characters."""
    if not isinstance(value, str):
        _error(errors, field, "must be text")
        return ""
    value = value.strip()
    if required and not value:
        _error(errors, field, "is required")
    elif len(value) > limit:
        _error(errors, field, f"must be at most {limit} characters")
    elif CONTROL.search(value):
        _error(errors, field, "contains control characters")
    return value


def _date(errors: Errors, field: str, value: object, today: dt.date) -> dt.date | None:
    """A date on or after today (from a date or ``YYYY-MM-DD``); ``None`` when not given."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        _error(errors, field, "must be a date (YYYY-MM-DD), not a time")
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            _error(errors, field, "must be a date as YYYY-MM-DD")
            return None
    if not isinstance(value, dt.date):
        _error(errors, field, "must be a date as YYYY-MM-DD")
        return None
    if value < today:
        _error(errors, field, "is in the past")
        return None
    return value


def _as_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _codes(errors: Errors, field: str, values: Iterable[object] | str | None) -> list[str]:
    """Distinct, stripped codes in capitals, in the order given."""
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[\s,]+", values)
    codes: dict[str, None] = {}
    for value in values:
        if not isinstance(value, str):
            _error(errors, field, "must be a list of codes")
            return []
        if value.strip():
            codes[value.strip().upper()] = None
    return list(codes)


def _require_official(user: AnyUser) -> Official:
    """The acting official; anyone else is refused, naming ``6c``."""
    official = acting_official(user)
    if official is None:
        raise PermissionDenied(
            "only officials take part in a committee's problems", clauses=("6c",)
        )
    return official


def _locked(user: AnyUser, problem_id: int | str) -> Problem:
    """The problem, if the user may see it (``NotFound`` otherwise), locked for the change."""
    number = _as_id(problem_id)
    if number is None:
        raise NotFound("no such problem")
    visible = queries.access_problem(user, number, Action.CHANGE)
    return Problem.objects.select_for_update().select_related("post").get(pk=visible.pk)


SEATS: Final[dict[str, str]] = {
    "member": "the post's committee members, chair and senior US representative",
    "participant": (
        "the post's committee members, chair and senior US representative, and the invited "
        "representative who raised the problem"
    ),
    "cia_member": "the post's committee member from the CIA (CIA channels)",
    "senior_representative": "the post's senior US representative",
    "idc": "members of the Interagency Defector Committee",
}


def _check_step(user: AnyUser, problem: Problem, step: str) -> Decision:
    """The seat, then the transition table: ``PermissionDenied`` or ``PolicyRefusal`` naming
    ``6c``; the table's decision otherwise."""
    if not queries.may_take(user, problem, step):
        raise PermissionDenied(
            f"only {SEATS[gate.ACTORS[step]]} may do this: a problem is {gate.STEPS[step]} "
            f"by them under 6c",
            clauses=(gate.CLAUSE,),
        )
    decision = gate.decide(problem.status, step)
    if not decision.allowed:
        raise PolicyRefusal(f"{decision.reason} (6c)", clauses=decision.clauses)
    return decision


def _move(problem: Problem, step: str, now: dt.datetime) -> dict[str, Any]:
    """Move the problem along the table; the audit snapshot before the move."""
    before = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
    problem.status = gate.next_status(problem.status, step)
    if not gate.is_open(problem.status) and problem.closed_at is None:
        problem.closed_at = now
    if (
        problem.status
        in {
            ProblemStatus.REFERRED,
            ProblemStatus.DECIDED_BY_IDC,
            ProblemStatus.DECIDED_BY_SENIOR_REP,
        }
        and problem.idc_visible_from is None
    ):
        problem.idc_visible_from = now
    problem.save()
    return before


def _refuse_names(
    errors: Errors, problem: Problem, *, user: AnyUser | None, **fields: object
) -> None:
    """An error on each field that names the subject of a case the problem concerns or of one
    of its post's open cases (``6b(1)``: true names are sealed in the case)."""
    concerned = problem.cases.values_list("pk", flat=True)
    refuse_names_at_post(errors, problem.post_id, user=user, also=concerned, **fields)


def _cryptonyms(problem: Problem) -> list[str]:
    return list(problem.cases.order_by("cryptonym").values_list("cryptonym", flat=True))


def _summary(problem: Problem, what: str) -> str:
    """A notice's summary: the problem's number, post and cryptonyms, and what happened —
    never its title or any text a person typed."""
    cryptonyms = _cryptonyms(problem)
    about = f" ({', '.join(cryptonyms)})" if cryptonyms else ""
    return f"Mutual problem {problem.pk} at {problem.post.code}{about}: {what}."


def _link(problem: Problem) -> str:
    return reverse("escalations:detail", args=[problem.pk])


def _tell_post(
    problem: Problem, what: str, actor: Official, acting_user: AnyUser, *, idc: bool = False
) -> None:
    """After the commit: tell the post's committee and the problem's raiser (an invited
    representative, say) what happened — and the IDC, when it is concerned."""
    summary = _summary(problem, what)
    link = _link(problem)

    def tell() -> None:
        notifications.notify_officials(
            [*notifications.post_officials(problem.post), problem.raised_by],
            NoticeKind.PROBLEM,
            summary,
            link,
            post=problem.post,
            about=[problem],
            exclude=actor,
            acting_user=acting_user,
        )
        if idc:
            notifications.notify_idc(
                NoticeKind.PROBLEM,
                summary,
                link,
                post=problem.post,
                about=[problem],
                exclude=actor,
                acting_user=acting_user,
            )

    transaction.on_commit(tell)


def _record(
    user: AnyUser,
    action: str,
    problem: Problem,
    decision: Decision,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    audit.record(
        actor=user,
        action=action,
        obj=problem,
        cryptonym=",".join(_cryptonyms(problem))[:200],
        before=before,
        after=after,
        decision=decision,
    )


@dataclass(frozen=True, slots=True)
class NewProblem:
    """A problem's validated input, ready to be raised."""

    post: Post
    title: str
    description: str
    due: dt.date
    cases: list[Case]
    agencies: list[Agency]


def _raising_posts(acting_user: AnyUser) -> set[int]:
    """The posts where the user may raise a problem; refused (``6c``) when there are none."""
    principal = principal_for(acting_user)
    raising_posts = set(queries.posts_for_raising(acting_user).values_list("pk", flat=True))
    if not raising_posts or principal.official_id is None:
        raise PermissionDenied(
            "only a post's committee members, chair, senior US representative and invited "
            "representatives may raise a mutual problem there",
            clauses=("6c",),
        )
    return raising_posts


def _check_cases(
    errors: Errors, acting_user: AnyUser, post: Post | None, cryptonyms: Iterable[str] | str
) -> list[Case]:
    """The cases named by cryptonym: cases of ``post`` the user may see."""
    names = _codes(errors, "cryptonyms", cryptonyms)
    cases: list[Case] = []
    if len(names) > MAX_CASES:
        _error(errors, "cryptonyms", f"name at most {MAX_CASES} cases")
        return cases
    if not names:
        return cases
    visible = {
        case.cryptonym.upper(): case
        for case in queries.cases_visible(acting_user).filter(cryptonym__in=names)
    }
    for name in names:
        case = visible.get(name)
        if case is None:
            _error(errors, "cryptonyms", f"there is no case {name} that you may see")
        elif post is not None and case.post_id != post.pk:
            _error(
                errors, "cryptonyms", f"{name} is a case of {case.post.code}, not of {post.code}"
            )
        else:
            cases.append(case)
    return cases


def _check_agencies(errors: Errors, agencies: Iterable[str] | str) -> list[Agency]:
    """The active agencies named by code."""
    codes = _codes(errors, "agencies", agencies)
    found = {agency.code.upper(): agency for agency in Agency.objects.filter(active=True)}
    chosen: list[Agency] = []
    for code in codes:
        agency = found.get(code)
        if agency is None:
            _error(errors, "agencies", f"there is no active agency {code}")
        else:
            chosen.append(agency)
    return chosen


def check_raise_problem(
    acting_user: AnyUser,
    raising_posts: set[int],
    *,
    post_id: int | str | None,
    title: str,
    description: str,
    cryptonyms: Iterable[str] | str,
    agencies: Iterable[str] | str,
    due_date: dt.date | str | None,
) -> NewProblem:
    """The validated input of :func:`raise_problem`; :class:`InvalidInput` naming every bad
    field otherwise."""
    errors: Errors = []
    today = timezone.localdate()
    number = _as_id(post_id)
    post: Post | None = None
    if number is None:
        _error(errors, "post_id", "is required: choose the post")
    else:
        post = Post.objects.filter(pk=number).first()
        if post is None or post.pk not in raising_posts:
            _error(errors, "post_id", "is not a post where you may raise a problem")
            post = None
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX_LENGTH)
    description = _text(errors, "description", description, required=False)
    due = _date(errors, "due_date", due_date, today)
    if due is None and not any(e["field"] == "due_date" for e in errors):
        due = today + DEFAULT_DUE
    cases = _check_cases(errors, acting_user, post, cryptonyms)
    chosen_agencies = _check_agencies(errors, agencies)
    if post is not None:
        concerned = [case.pk for case in cases]
        refuse_names_at_post(
            errors, post.pk, user=acting_user, also=concerned, title=title, description=description
        )
    if errors or post is None or due is None:
        raise InvalidInput(errors)
    return NewProblem(post, title, description, due, cases, chosen_agencies)


def do_raise_problem(acting_user: AnyUser, new: NewProblem) -> Problem:
    """Write the problem, its audit record and the post's notices (in the caller's
    transaction)."""
    raiser = _require_official(acting_user)
    problem = Problem.objects.create(
        post=new.post,
        raised_by=raiser,
        title=new.title,
        description=new.description,
        raised_at=timezone.now(),
        due_date=new.due,
        status=ProblemStatus.RAISED,
    )
    problem.cases.set(new.cases)
    problem.agencies.set(new.agencies)
    after = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
    after["cases"] = sorted(case.cryptonym for case in new.cases)
    after["agencies"] = sorted(agency.code for agency in new.agencies)
    _record(
        acting_user,
        "escalations.problem.raise",
        problem,
        Decision.allow("6c", reason=RAISE_REASON),
        before=None,
        after=after,
    )
    _tell_post(problem, f"raised, due {new.due.isoformat()}", raiser, acting_user)
    return problem


def raise_problem(
    *,
    acting_user: AnyUser,
    post_id: int | str | None,
    title: str,
    description: str = "",
    cryptonyms: Iterable[str] | str = (),
    agencies: Iterable[str] | str = (),
    due_date: dt.date | str | None = None,
) -> Problem:
    """Raise a mutual problem at a post (``6c``): any member of its committee, or an invited
    representative there. The cases it concerns are named by cryptonym and must be cases of the
    post the raiser may see; the agencies by code. Without a due date it is due in 14 days."""
    raising_posts = _raising_posts(acting_user)
    with transaction.atomic():
        new = check_raise_problem(
            acting_user,
            raising_posts,
            post_id=post_id,
            title=title,
            description=description,
            cryptonyms=cryptonyms,
            agencies=agencies,
            due_date=due_date,
        )
        return do_raise_problem(acting_user, new)


def resolve_locally(*, acting_user: AnyUser, problem_id: int | str, text: str) -> Problem:
    """Record that the committee resolved the problem locally, and how (``6c``)."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        decision = _check_step(acting_user, problem, gate.RESOLVE_LOCALLY)
        errors: Errors = []
        text = _text(errors, "text", text, required=True)
        _refuse_names(errors, problem, user=acting_user, text=text)
        if errors:
            raise InvalidInput(errors)
        member = _require_official(acting_user)
        now = timezone.now()
        before = _move(problem, gate.RESOLVE_LOCALLY, now)
        resolution = Resolution.objects.create(
            problem=problem, text=text, decided_by=member, decided_at=now
        )
        after = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
        after["resolution"] = audit.snapshot(resolution, ["text", "decided_by", "decided_at"])
        _record(
            acting_user,
            "escalations.problem.resolve",
            problem,
            decision,
            before=before,
            after=after,
        )
        _tell_post(problem, "resolved locally by the committee", member, acting_user)
    return problem
