"""Writes of the cases app: intake (``6b(1)``), the facts and their assessments, obligations
as work, the lifecycle, notes, and revealing a sealed field.

Each action takes a keyword-only ``acting_user``, runs in one transaction, validates its input
first (every bad field named, nothing partial saved), checks access through ``core.access``,
and writes its audit record in the same transaction — together with the case's timeline entry
(:func:`record_event`, which every case action calls, including those other parts of the
system add). Sealed values never appear in an error message, an audit record, a timeline
entry or a log line.

**Concurrency.** Every action that changes a case takes the version of the case the official
read (``expected_version``) and claims the case with one conditional update
(``UPDATE … SET version = version + 1 WHERE id = … AND version = expected``,
:func:`claim_case`). Of two officials who read the same version, the first to write wins and
the second gets :class:`~defector.core.errors.Conflict` (409) saying who changed the case and
when; neither update is lost. On PostgreSQL the second writer waits on the row lock of the
first and then finds the version moved; on SQLite writers take turns (immediate transactions).

**Time.** Actions where time matters take ``at`` (default: now), so that tests and imports
can state it; it must be timezone-aware.

Order of checks in a case action: the case must be visible (else :class:`NotFound`, as if it
did not exist), then changeable (:class:`PermissionDenied`), then the input valid
(:class:`InvalidInput`), then the version current (:class:`Conflict`); what depends on the
case's state (its stage, its obligations) is checked after the claim, on the state it claimed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector import policy
from defector.cases import clocks, cryptonyms, lifecycle, signals, validation
from defector.cases.choices import (
    IDENTITY_FIELDS,
    OBLIGATION_OWNER_ROLES,
    SETTLED_STATUSES,
    WAIVING_ROLES,
    CaseOutcome,
    IntakeKind,
    ObligationStatus,
    Stage,
)
from defector.cases.models import Assessment, Case, CaseNote, Obligation, Subject, TimelineEntry
from defector.cases.queries import may_open_at
from defector.cases.validation import (
    Errors,
    as_id,
    as_version,
    clean_codes,
    clean_identity,
    clean_text,
    moment_of,
)
from defector.cases.validation import error as add_error
from defector.core import audit, sealing
from defector.core.access import Action, can, get_for, levels, principal_for, rank
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.directory.choices import Role
from defector.directory.models import Compartment, Official, Post
from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId

#: Attempts at saving a new case whose drawn cryptonym another transaction took meanwhile.
CRYPTONYM_SAVE_ATTEMPTS: Final = 3

AnyUser = User | AnonymousUser


def _check_officers(
    raw: Iterable[object] | str,
    post: Post | None,
    sensitivity_rank: int,
    compartments: list[str],
    errors: Errors,
) -> list[Official]:
    """The officials to assign: case officers at the post, cleared for the case."""
    if isinstance(raw, str):
        add_error(errors, "officer_ids", "must be a list of officials' ids")
        return []
    ids: dict[int, None] = {}
    for value in raw:
        number = as_id(value)
        if number is None:
            add_error(errors, "officer_ids", "must be a list of officials' ids")
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
            add_error(errors, "officer_ids", f"there is no official {number}")
            continue
        at_post = any(
            role.role == Role.CASE_OFFICER and role.post_id == post.pk
            for role in official.roles.all()
        )
        held = {c.code for c in official.compartments.all()}
        if not at_post:
            add_error(
                errors, "officer_ids", f"official {number} is not a case officer at {post.code}"
            )
        elif rank(official.clearance) < sensitivity_rank:
            add_error(
                errors, "officer_ids", f"official {number} is not cleared for the sensitivity"
            )
        elif not set(compartments) <= held:
            add_error(
                errors, "officer_ids", f"official {number} is not read into every compartment"
            )
        else:
            chosen.append(official)
    return chosen


#: The fields of a case that its audit records show.
CASE_AUDIT_FIELDS: Final = [
    "cryptonym",
    "kind",
    "post",
    "sensitivity",
    "opened_at",
    "opened_by",
    "received_at",
    "received_where",
    "request_other",
    "stage",
    "outcome",
    "categories",
    "version",
]
OBLIGATION_AUDIT_FIELDS: Final = [
    "identifier",
    "clause",
    "owner",
    "status",
    "due_at",
    "closed_at",
    "closed_by",
    "evidence",
    "evidence_label",
    "evidence_id",
    "note",
]


def _official_of(user: AnyUser | None) -> Official | None:
    """The user's official record, read once per user object (like ``principal_for``)."""
    principal = principal_for(user)
    if principal.official_id is None:
        return None
    cached: Official | None = getattr(user, "_cases_official", None)
    if cached is not None and cached.pk == principal.official_id:
        return cached
    official = Official.objects.select_related("user").get(pk=principal.official_id)
    user._cases_official = official  # type: ignore[union-attr]
    return official


def _name_of(official: Official | None) -> str:
    return str(official) if official is not None else "the system"


def _label(value: str, choices: type[models.TextChoices]) -> str:
    return str(choices(value).label) if value in choices.values else value


# --- the timeline and the audit record of every case action -----------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """A timeline line to write next to an action's audit record."""

    kind: str
    summary: str
    obj: models.Model | None = None


def _entry(
    case: Case,
    entry: Entry,
    *,
    official: Official | None,
    at: dt.datetime,
    audit_seq: int | None,
) -> TimelineEntry:
    obj = entry.obj if entry.obj is not None else case
    return TimelineEntry(
        case=case,
        at=at,
        actor=official,
        actor_name=_name_of(official),
        kind=entry.kind,
        summary=entry.summary[:500],
        object_label=obj._meta.label_lower,
        object_id=str(obj.pk),
        audit_seq=audit_seq,
    )


def record_event(
    case: Case,
    *,
    acting_user: AnyUser | None,
    action: str,
    summary: str,
    at: dt.datetime | None = None,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    decision: policy.Decision | None = None,
    reason: str = "",
    also: Sequence[Entry] = (),
) -> TimelineEntry:
    """Write a case action's audit record and its timeline entry (plus the lines in ``also``),
    inside the action's transaction. Every case action calls this — bona fides checks,
    statements, determinations and the rest included — so that the case's timeline shows
    everything. ``summary`` names the case by its cryptonym only: never a true name."""
    moment = moment_of(at)
    official = _official_of(acting_user)
    event = audit.record(
        actor=acting_user,
        action=action,
        obj=obj if obj is not None else case,
        cryptonym=case.cryptonym,
        before=before,
        after=after,
        decision=decision,
        reason=reason,
    )
    lines = [
        _entry(case, line, official=official, at=moment, audit_seq=event.seq)
        for line in (Entry(action, summary, obj), *also)
    ]
    created = TimelineEntry.objects.bulk_create(lines)[0]
    transaction.on_commit(
        lambda: signals.case_changed.send(sender=Case, case=case, change=summary, actor=acting_user)
    )
    return created


def stale_message(case: Case, expected: int) -> str:
    """What a 409 says: who changed the case, when, and what to do."""
    who = _name_of(case.changed_by) if case.changed_by_id else "someone"
    when = (
        timezone.localtime(case.changed_at).strftime("%d %b %Y %H:%M %Z")
        if case.changed_at
        else "an earlier time"
    )
    return (
        f"This case was changed by {who} at {when} since you opened it (it is at version "
        f"{case.version}; you had version {expected}); reload to see the changes."
    )


def find_case(acting_user: AnyUser | None, case_id: int | str, action: Action) -> Case:
    """The case, if ``acting_user`` may see it (else :class:`NotFound`) and ``action`` it (else
    :class:`PermissionDenied`)."""
    number = as_id(case_id)
    if number is None:
        raise NotFound("no such case")
    case = get_for(
        acting_user, Action.VIEW, Case.objects.select_related("post"), number, what="case"
    )
    if action != Action.VIEW and not can(acting_user, action, case):
        raise PermissionDenied(
            "you may see this case but not change it; its assigned case officers, the post's "
            "committee and its senior US representative may"
        )
    return case


def claim_case(
    case: Case,
    expected_version: int,
    *,
    acting_user: AnyUser | None,
    at: dt.datetime,
) -> Case:
    """Raise the case's version from ``expected_version`` by one — or :class:`Conflict` when
    someone changed it since — and return the case as it now stands (its row locked for the
    rest of the transaction on PostgreSQL). Call it inside the action's transaction, after
    validating the input and before reading the state the change depends on."""
    official = _official_of(acting_user)
    claimed = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, changed_at=at, changed_by=official
    )
    current = Case.objects.select_related("post", "changed_by__user").get(pk=case.pk)
    if not claimed:
        raise Conflict(
            stale_message(current, expected_version),
            data={
                "version": current.version,
                "changed_by": _name_of(current.changed_by) if current.changed_by_id else "",
                "changed_at": current.changed_at.isoformat() if current.changed_at else "",
            },
        )
    return current


# --- facts and their assessment ---------------------------------------------------------------


def _facts_errors(error: policy.FactsInvalid) -> Errors:
    return [
        {"field": f"facts.{e.field}" if e.field else "facts", "message": e.message}
        for e in error.errors
    ]


def _parse_facts(
    data: object,
    errors: Errors,
    *,
    today: dt.date,
    defaults: Mapping[str, Any] | None = None,
) -> policy.Facts | None:
    """The facts (``contracts/assessment.md``), with ``defaults`` for fields not given; errors
    go to ``errors`` as ``facts.<field>``."""
    if not isinstance(data, Mapping):
        add_error(errors, "facts", "must be an object with the facts of the assessment contract")
        return None
    given = {**(defaults or {}), **data}
    try:
        return policy.parse_facts(given, today=today)
    except policy.FactsInvalid as exc:
        errors.extend(_facts_errors(exc))
        return None


def _category_label(category: str) -> str:
    return category.replace("_", " ")


def _category_change(before: Sequence[str], after: Sequence[str]) -> str:
    added = [c for c in after if c not in before]
    removed = [c for c in before if c not in after]
    parts = [f"+ {_category_label(c)}" for c in added] + [
        f"− {_category_label(c)}" for c in removed
    ]
    return ", ".join(parts)


def _owners_by_role(case: Case, roles: Iterable[str]) -> dict[str, Official | None]:
    """For each role, the post's one active official in it who may see the case (or None)."""
    owners: dict[str, Official | None] = {}
    for role in set(roles):
        holders = list(
            Official.objects.filter(
                roles__role=role, roles__post=case.post, user__is_active=True
            ).select_related("user")[:2]
        )
        fits = len(holders) == 1 and can(holders[0].user, Action.VIEW, case)
        owners[role] = holders[0] if fits else None
    return owners


def _default_owner(
    identifier: str, owners: Mapping[str, Official | None], acting: Official | None
) -> Official | None:
    """Who owns a new obligation: the post's one official in the role the obligation belongs
    to (``OBLIGATION_OWNER_ROLES``) when they may see the case; else the acting official."""
    role = OBLIGATION_OWNER_ROLES.get(identifier)
    owner = owners.get(role) if role is not None else None
    return owner if owner is not None else acting


@dataclass(frozen=True, slots=True)
class Assessed:
    """What one assessment changed on a case."""

    assessment: Assessment
    before: tuple[str, ...]
    opened: tuple[Obligation, ...]
    set_aside: tuple[Obligation, ...]

    @property
    def categories_changed(self) -> bool:
        return tuple(self.assessment.categories) != self.before

    def entries(self) -> list[Entry]:
        """The timeline lines: the assessment, the change of categories, the obligations."""
        assessment = self.assessment
        categories = ", ".join(_category_label(c) for c in assessment.categories) or "none"
        applies = "the directive applies" if assessment.applies else "the directive does not apply"
        lines = [
            Entry(
                "cases.assessment.create",
                f"Assessment {assessment.number}: categories {categories}; {applies}",
                assessment,
            )
        ]
        if self.categories_changed:
            lines.append(
                Entry(
                    "cases.case.categories",
                    "Categories changed: "
                    + _category_change(self.before, tuple(assessment.categories)),
                    assessment,
                )
            )
        if self.opened:
            named = ", ".join(f"{o.title} ({o.clause})" for o in self.opened)
            lines.append(Entry("cases.obligation.open", f"Obligations opened: {named}", assessment))
        if self.set_aside:
            named = ", ".join(f"{o.title} ({o.clause})" for o in self.set_aside)
            lines.append(
                Entry("cases.obligation.not_applicable", f"No longer applies: {named}", assessment)
            )
        return lines

    def audit(self) -> dict[str, Any]:
        assessment = self.assessment
        return {
            "assessment": assessment.number,
            "categories": list(assessment.categories),
            "applies": assessment.applies,
            "obligations": list(assessment.obligations),
            "opened": [o.identifier for o in self.opened],
            "no_longer_applies": [o.identifier for o in self.set_aside],
        }


def _assess(
    case: Case,
    facts: policy.Facts,
    *,
    official: Official | None,
    at: dt.datetime,
) -> Assessed:
    """Run the policy on ``facts``, keep the assessment, bring the case's categories and
    obligations in line with it. Inside the action's transaction, on a claimed case."""
    outcome = policy.assess(facts)
    previous = (
        Assessment.objects.filter(case=case).order_by("-number").values("number", "categories")
    ).first()
    before = tuple(previous["categories"]) if previous else ()
    assessment = Assessment.objects.create(
        case=case,
        number=(previous["number"] if previous else 0) + 1,
        facts=facts.to_dict(),
        outcome=outcome.to_dict(),
        categories=[str(c) for c in outcome.categories],
        applies=outcome.applies,
        obligations=[str(o) for o in outcome.obligations],
        policy_version=outcome.policy_version,
        assessed_at=at,
        assessed_by=official,
    )
    Case.objects.filter(pk=case.pk).update(categories=assessment.categories)
    case.categories = assessment.categories

    arising = [str(o) for o in outcome.obligations]
    existing = list(Obligation.objects.filter(case=case))
    kept = {o.identifier for o in existing if o.status == ObligationStatus.OPEN}
    settled = {o.identifier for o in existing if o.status in SETTLED_STATUSES}
    post_clocks = clocks.clocks_for(case.post)
    new = [i for i in arising if i not in kept and i not in settled]
    owners = _owners_by_role(
        case, (OBLIGATION_OWNER_ROLES[i] for i in new if i in OBLIGATION_OWNER_ROLES)
    )
    opened: list[Obligation] = Obligation.objects.bulk_create(
        Obligation(
            case=case,
            identifier=identifier,
            clause=OBLIGATIONS_BY_ID[ObligationId(identifier)].clause,
            title=OBLIGATIONS_BY_ID[ObligationId(identifier)].title,
            owner=_default_owner(identifier, owners, official),
            arose_at=at,
            assessment=assessment,
            due_at=post_clocks.due(identifier, received_at=case.received_at, arose_at=at),
        )
        for identifier in new
    )
    set_aside: list[Obligation] = []
    why = (
        f"assessment {assessment.number} no longer finds it"
        if outcome.applies
        else f"assessment {assessment.number} finds that the directive does not apply"
    )
    for obligation in existing:
        if obligation.status == ObligationStatus.OPEN and obligation.identifier not in arising:
            obligation.status = ObligationStatus.NOT_APPLICABLE
            obligation.note = why
            obligation.closed_at = at
            obligation.closed_by = official
            obligation.save(update_fields=["status", "note", "closed_at", "closed_by"])
            set_aside.append(obligation)
    return Assessed(assessment, before, tuple(opened), tuple(set_aside))


# --- intake (6b(1)) ---------------------------------------------------------------------------


def _intake_defaults(kind: str, post: Post | None, received_at: dt.datetime) -> dict[str, Any]:
    """The facts an intake form need not ask: where the person is (the post's country), the
    day (that of the reception), and for a walk-in that they came to a US installation."""
    defaults: dict[str, Any] = {"as_of": timezone.localdate(received_at).isoformat()}
    if post is not None:
        defaults["location"] = post.country
    if kind == IntakeKind.WALK_IN:
        defaults["at_us_installation"] = True
    return defaults


KIND_SUMMARIES: Final[dict[str, str]] = {
    IntakeKind.WALK_IN: "Walk-in received",
    IntakeKind.POTENTIAL_DEFECTOR: "Potential defector reported",
    IntakeKind.DISAFFECTED_PERSON: "Disaffected person reported",
}


def _kind_summary(kind: str) -> str:
    return KIND_SUMMARIES.get(kind, "Person taken in")


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
    facts: Mapping[str, Any] | None = None,
    received_at: dt.datetime | None = None,
    received_where: str = "",
    request_other: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Open a case at intake (``6b(1)``): a cryptonym at once, the identity sealed, and — when
    ``facts`` are given — the first assessment with the obligations it raises.

    Allowed to the post's case officers, committee members and chair, and its senior US
    representative. The acting official is assigned to the case when they are a case officer
    there; ``officer_ids`` names more case officers of the post. The sensitivity may not be
    above the acting user's clearance, and the compartments must be ones they hold.

    ``facts`` is the assessment contract's facts object; fields it leaves out default to the
    reception: ``location`` the post's country, ``as_of`` the day of ``received_at``, and for a
    walk-in ``at_us_installation`` true. ``received_at`` (default ``at``) is when the person
    presented themselves or was reported; ``received_where`` where (walk-ins) and
    ``request_other`` what they asked for besides asylum and escape assistance — neither is
    sealed. ``note`` becomes the case's first note (what the reporting official knows).
    """
    moment = moment_of(at)
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
        number = as_id(post_id)
        post = None
        if number is None:
            add_error(errors, "post_id", "is required: choose the post")
        else:
            post = Post.objects.filter(pk=number).first()
            if post is None:
                add_error(errors, "post_id", "there is no such post")
            elif not post.active:
                add_error(errors, "post_id", "the post is not active")
                post = None

        known_levels = levels()
        sensitivity = sensitivity.strip() if isinstance(sensitivity, str) else ""
        if sensitivity not in known_levels:
            add_error(errors, "sensitivity", f"must be one of {', '.join(known_levels)}")
        elif rank(sensitivity) > principal.clearance_rank:
            add_error(errors, "sensitivity", "is above your clearance")

        codes = clean_codes(compartments)
        compartment_rows: list[Compartment] = []
        if codes is None:
            add_error(errors, "compartments", "must be a list of compartment codes")
            codes = []
        else:
            compartment_rows = list(Compartment.objects.filter(code__in=codes))
            known = {row.code for row in compartment_rows}
            for code in codes:
                if code not in known:
                    add_error(errors, "compartments", f"there is no compartment {code}")
                elif code not in principal.compartments:
                    add_error(errors, "compartments", f"you are not read into {code}")

        if kind not in IntakeKind.values:
            add_error(errors, "kind", f"must be one of {', '.join(IntakeKind.values)}")

        received = moment if received_at is None else received_at
        if not isinstance(received, dt.datetime) or timezone.is_naive(received):
            add_error(errors, "received_at", "must be a date and time with its time zone")
            received = moment
        elif received > moment + validation.CLOCK_SKEW:
            add_error(errors, "received_at", "is in the future")
        where = clean_text(
            errors,
            "received_where",
            received_where,
            limit=validation.MAX_PLACE_LENGTH,
            multiline=False,
        )
        other = clean_text(
            errors,
            "request_other",
            request_other,
            limit=validation.MAX_PLACE_LENGTH,
            multiline=False,
        )
        first_note = clean_text(errors, "note", note, limit=validation.MAX_NOTE_LENGTH)

        parsed = None
        if facts is not None:
            parsed = _parse_facts(
                facts,
                errors,
                today=timezone.localdate(moment),
                defaults=_intake_defaults(kind, post, received),
            )

        identity = clean_identity(
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

        acting_official = _official_of(acting_user)
        if acting_official is None:  # the principal names an official: this cannot happen
            raise PermissionDenied("you are not an official", clauses=("6b(1)",))
        if (post.pk, Role.CASE_OFFICER) in principal.post_roles and acting_official not in officers:
            officers.insert(0, acting_official)

        case = Case(
            post=post,
            sensitivity=sensitivity,
            kind=kind,
            opened_at=moment,
            opened_by=acting_official,
            received_at=received,
            received_where=where,
            request_other=other,
            changed_at=moment,
            changed_by=acting_official,
        )
        _save_with_cryptonym(case)
        case.compartments.set(compartment_rows)
        case.officers.set(officers)
        subject = Subject(case=case, **identity)
        subject.save()

        also: list[Entry] = []
        assessed = None
        if parsed is not None:
            assessed = _assess(case, parsed, official=acting_official, at=moment)
            also += assessed.entries()
        created_note = None
        if first_note:
            created_note = CaseNote.objects.create(
                case=case, author=acting_official, text=first_note, at=moment
            )
            also.append(Entry("cases.casenote.add", "Note added", created_note))

        after: dict[str, Any] = audit.snapshot(case, CASE_AUDIT_FIELDS)
        after["compartments"] = sorted(codes)
        after["officers"] = [official.pk for official in officers]
        after["subject"] = audit.snapshot(subject, list(IDENTITY_FIELDS))
        if assessed is not None:
            after |= assessed.audit()
        if created_note is not None:
            after["note"] = created_note.pk
        where_text = f" ({where})" if where else ""
        record_event(
            case,
            acting_user=acting_user,
            action="cases.case.open",
            summary=f"{_kind_summary(kind)} at {post.name}{where_text}; case {case.cryptonym} "
            "opened",
            at=moment,
            after=after,
            also=also,
        )
    return case


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


# --- a change of facts: a new assessment ------------------------------------------------------


def update_facts(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    facts: Mapping[str, Any],
    at: dt.datetime | None = None,
) -> Assessment:
    """Replace the case's facts and assess them again (every change adds an assessment; the
    earlier ones are kept). ``facts`` is the whole contract object (``as_of`` defaults to the
    day of ``at``). A change that alters the categories says so on the timeline; obligations
    that now arise are opened, open ones that no longer arise are marked as no longer
    applying. Facts and rules unchanged since the latest assessment: nothing is written, and
    the latest assessment is returned."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        parsed = _parse_facts(facts, errors, today=timezone.localdate(moment))
        if errors or parsed is None:
            raise InvalidInput(errors)
        latest = Assessment.objects.filter(case=case).order_by("-number").first()
        if (
            latest is not None
            and case.version == version
            and latest.facts == parsed.to_dict()
            and latest.policy_version == policy.POLICY_VERSION
        ):
            return latest
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        if case.stage == Stage.CLOSED:
            raise InvalidInput(
                [{"field": "facts", "message": "the case is closed: reopen it to change its facts"}]
            )
        official = _official_of(acting_user)
        assessed = _assess(case, parsed, official=official, at=moment)
        entries = assessed.entries()
        record_event(
            case,
            acting_user=acting_user,
            action="cases.case.facts",
            summary=f"Facts changed (assessment {assessed.assessment.number})",
            at=moment,
            before={"facts": latest.facts if latest else None, "categories": list(assessed.before)},
            after={"facts": parsed.to_dict(), **assessed.audit()},
            also=entries,
        )
    return assessed.assessment


# --- obligations as work ----------------------------------------------------------------------


def _find_obligation(case: Case, obligation_id: int | str) -> Obligation:
    number = as_id(obligation_id)
    found = (
        Obligation.objects.filter(case=case, pk=number).select_related("owner__user").first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound("no such obligation on this case")
    return found


def _must_be_open(obligation: Obligation) -> None:
    if obligation.status != ObligationStatus.OPEN:
        status = _label(obligation.status, ObligationStatus).lower()
        raise InvalidInput(
            [{"field": "obligation", "message": f"is not open: it is {status} already"}]
        )


def _check_evidence_record(
    case: Case, label: str, object_id: str, errors: Errors
) -> models.Model | None:
    """The record named as evidence: a known model, an existing row, of this case."""
    if not label and not object_id:
        return None
    if not label:
        add_error(errors, "evidence_label", "is required with evidence_id: the kind of record")
        return None
    if not object_id:
        add_error(errors, "evidence_id", "is required with evidence_label: the record's id")
        return None
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        add_error(errors, "evidence_label", f"there is no kind of record {label!r}")
        return None
    row: models.Model | None
    try:
        row = model._default_manager.filter(pk=object_id).first()
    except (ValueError, TypeError):
        row = None
    if row is None:
        add_error(errors, "evidence_id", f"there is no {label} {object_id}")
        return None
    if isinstance(row, Case):
        belongs = row.pk == case.pk
    else:
        try:
            model._meta.get_field("case")
        except FieldDoesNotExist:
            belongs = True
        else:
            belongs = getattr(row, "case_id", None) == case.pk
    if not belongs:
        add_error(errors, "evidence_id", f"{label} {object_id} is not part of this case")
        return None
    return row


def _discharge(
    case: Case,
    obligation: Obligation,
    *,
    acting_user: AnyUser | None,
    evidence: str,
    evidence_label: str,
    evidence_id: str,
    at: dt.datetime,
) -> Obligation:
    before = audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS)
    official = _official_of(acting_user)
    obligation.status = ObligationStatus.DONE
    obligation.evidence = evidence
    obligation.evidence_label = evidence_label
    obligation.evidence_id = evidence_id
    obligation.closed_at = at
    obligation.closed_by = official
    obligation.save(
        update_fields=[
            "status",
            "evidence",
            "evidence_label",
            "evidence_id",
            "closed_at",
            "closed_by",
        ]
    )
    late = ""
    if obligation.due_at is not None and obligation.due_at < at:
        late = " (after its due time)"
    record_event(
        case,
        acting_user=acting_user,
        action="cases.obligation.discharge",
        summary=f"Obligation done{late}: {obligation.title} ({obligation.clause})",
        at=at,
        obj=obligation,
        before=before,
        after=audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS),
    )
    return obligation


def discharge_obligation(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    obligation_id: int | str,
    expected_version: int | str | None,
    evidence: str,
    evidence_label: str = "",
    evidence_id: str | int = "",
    at: dt.datetime | None = None,
) -> Obligation:
    """Mark an open obligation done, with the evidence that discharged it: a description (at
    least 10 characters, required) and optionally the record it rests on (``evidence_label``,
    a model label such as ``cases.casenote``, and ``evidence_id``; it must belong to the
    case)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        obligation = _find_obligation(case, obligation_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = clean_text(
            errors,
            "evidence",
            evidence,
            limit=validation.MAX_REASON_LENGTH,
            required="is required: say what discharged the obligation",
            minimum=validation.MIN_STATED_LENGTH,
        )
        label = evidence_label.strip().lower() if isinstance(evidence_label, str) else ""
        row_id = str(evidence_id).strip() if evidence_id is not None else ""
        row = _check_evidence_record(case, label, row_id, errors)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        obligation = _find_obligation(case, obligation.pk)
        _must_be_open(obligation)
        return _discharge(
            case,
            obligation,
            acting_user=acting_user,
            evidence=text,
            evidence_label=row._meta.label_lower if row is not None else "",
            evidence_id=str(row.pk) if row is not None else "",
            at=moment,
        )


def discharge_by_evidence(
    case: Case,
    identifier: str,
    *,
    acting_user: AnyUser | None,
    record: models.Model,
    evidence: str,
    at: dt.datetime | None = None,
) -> Obligation | None:
    """For other case actions: mark the case's open obligation ``identifier`` done by the
    ``record`` they just wrote (a signed statement discharges ``obtain_voluntary_statement``,
    an established bona fides ``establish_bona_fides``…), with ``evidence`` in words. Call it
    inside the action's transaction, after :func:`claim_case`. Returns the obligation, or
    ``None`` when none of that kind is open."""
    obligation = Obligation.objects.filter(
        case=case, identifier=identifier, status=ObligationStatus.OPEN
    ).first()
    if obligation is None:
        return None
    return _discharge(
        case,
        obligation,
        acting_user=acting_user,
        evidence=evidence.strip() or str(record),
        evidence_label=record._meta.label_lower,
        evidence_id=str(record.pk),
        at=moment_of(at),
    )


def waive_obligation(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    obligation_id: int | str,
    expected_version: int | str | None,
    reason: str,
    at: dt.datetime | None = None,
) -> Obligation:
    """Set an open obligation aside, with the reason (at least 10 characters). Only the
    post's committee chair and senior US representative may: a waiver answers to the
    committee's local procedures (``6b``)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        obligation = _find_obligation(case, obligation_id)
        if case.post_id not in principal_for(acting_user).posts_with(*WAIVING_ROLES):
            raise PermissionDenied(
                "only the post's committee chair and senior US representative may waive an "
                "obligation",
                clauses=("6b",),
            )
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = clean_text(
            errors,
            "reason",
            reason,
            limit=validation.MAX_REASON_LENGTH,
            required="is required: say why the obligation is waived",
            minimum=validation.MIN_STATED_LENGTH,
        )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        obligation = _find_obligation(case, obligation.pk)
        _must_be_open(obligation)
        before = audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS)
        obligation.status = ObligationStatus.WAIVED
        obligation.note = text
        obligation.closed_at = moment
        obligation.closed_by = _official_of(acting_user)
        obligation.save(update_fields=["status", "note", "closed_at", "closed_by"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.obligation.waive",
            summary=f"Obligation waived: {obligation.title} ({obligation.clause})",
            at=moment,
            obj=obligation,
            before=before,
            after=audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS),
            reason=text,
        )
    return obligation


def reassign_obligation(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    obligation_id: int | str,
    expected_version: int | str | None,
    owner_id: int | str | None,
    at: dt.datetime | None = None,
) -> Obligation:
    """Give an open obligation to another official, who must be able to see the case."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        obligation = _find_obligation(case, obligation_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        number = as_id(owner_id)
        owner = None
        if number is None:
            add_error(errors, "owner_id", "is required: choose the official")
        else:
            owner = Official.objects.select_related("user").filter(pk=number).first()
            if owner is None:
                add_error(errors, "owner_id", f"there is no official {number}")
            elif not can(owner.user, Action.VIEW, case):
                add_error(errors, "owner_id", f"{owner} may not see this case")
                owner = None
        if errors or owner is None:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        obligation = _find_obligation(case, obligation.pk)
        _must_be_open(obligation)
        if obligation.owner_id == owner.pk:
            raise InvalidInput(
                [{"field": "owner_id", "message": f"{owner} owns this obligation already"}]
            )
        before = audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS)
        obligation.owner = owner
        obligation.save(update_fields=["owner"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.obligation.reassign",
            summary=f"Obligation given to {owner}: {obligation.title} ({obligation.clause})",
            at=moment,
            obj=obligation,
            before=before,
            after=audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS),
        )
    return obligation


# --- the lifecycle ----------------------------------------------------------------------------


def move_case(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    to: str,
    outcome: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Move the case to another stage (``cases.lifecycle``): closing needs an outcome that
    fits the stage; going back and reopening need a reason (at least 10 characters). An
    illegal move is refused naming both stages and those that may follow. Closing sets aside
    the obligations still open; reopening assesses the latest facts again, so the
    obligations that arise from them are opened afresh."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        target = to.strip() if isinstance(to, str) else ""
        if target not in Stage.values:
            add_error(errors, "to", f"must be one of {', '.join(Stage.values)}")
        ending = outcome.strip() if isinstance(outcome, str) else ""
        if ending and ending not in CaseOutcome.values:
            add_error(errors, "outcome", f"must be one of {', '.join(CaseOutcome.values)}")
        stated = clean_text(errors, "reason", reason, limit=validation.MAX_REASON_LENGTH)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        source = case.stage
        if not lifecycle.allowed(source, target):
            raise InvalidInput([{"field": "to", "message": lifecycle.refusal(source, target)}])
        if target == Stage.CLOSED:
            if not ending:
                add_error(errors, "outcome", "is required to close a case: say how it ended")
            elif lifecycle.decision(source, target, ending) is None:
                add_error(errors, "outcome", lifecycle.ending_refusal(source, ending))
        elif ending:
            add_error(errors, "outcome", "is given only when closing a case")
        if lifecycle.needs_reason(source, target) and len(stated) < validation.MIN_STATED_LENGTH:
            what = "reopen the case" if source == Stage.CLOSED else "go back"
            add_error(
                errors,
                "reason",
                f"is required to {what} (at least {validation.MIN_STATED_LENGTH} characters)",
            )
        if errors:
            raise InvalidInput(errors)
        decision = lifecycle.decision(source, target, ending)
        if decision is None:  # allowed() and the checks above rule this out
            raise InvalidInput([{"field": "to", "message": lifecycle.refusal(source, target)}])
        for guard in lifecycle.guards_for(source, target):
            refused = guard(case)
            if refused is not None and not refused.allowed:
                raise PolicyRefusal(refused.reason, clauses=refused.clauses)

        official = _official_of(acting_user)
        before = {"stage": source, "outcome": case.outcome}
        Case.objects.filter(pk=case.pk).update(stage=target, outcome=ending)
        case.stage, case.outcome = target, ending
        also: list[Entry] = []
        extra: dict[str, Any] = {}
        if target == Stage.CLOSED:
            closing = list(Obligation.objects.filter(case=case, status=ObligationStatus.OPEN))
            for obligation in closing:
                obligation.status = ObligationStatus.NOT_APPLICABLE
                obligation.note = f"the case was closed ({_label(ending, CaseOutcome).lower()})"
                obligation.closed_at = moment
                obligation.closed_by = official
                obligation.save(update_fields=["status", "note", "closed_at", "closed_by"])
            if closing:
                named = ", ".join(f"{o.title} ({o.clause})" for o in closing)
                also.append(Entry("cases.obligation.not_applicable", f"No longer applies: {named}"))
                extra["no_longer_applies"] = [o.identifier for o in closing]
            summary = (
                f"Closed from {lifecycle.stage_label(source)}: "
                f"{_label(ending, CaseOutcome).lower()} ({', '.join(decision.clauses)})"
            )
            action = "cases.case.close"
        elif source == Stage.CLOSED:
            latest = Assessment.objects.filter(case=case).order_by("-number").first()
            if latest is not None:
                facts = policy.parse_facts(latest.facts, today=timezone.localdate(moment))
                assessed = _assess(case, facts, official=official, at=moment)
                also += assessed.entries()
                extra |= assessed.audit()
            summary = f"Reopened, back to {lifecycle.stage_label(target)}: {stated}"
            action = "cases.case.reopen"
        else:
            summary = (
                f"Stage: {lifecycle.stage_label(source)} → {lifecycle.stage_label(target)} "
                f"({', '.join(decision.clauses)})"
            )
            if stated:
                summary += f": {stated}"
            action = "cases.case.move"
        record_event(
            case,
            acting_user=acting_user,
            action=action,
            summary=summary,
            at=moment,
            before=before,
            after={"stage": target, "outcome": ending, **extra},
            decision=decision,
            reason=stated,
            also=also,
        )
    return case


# --- notes ------------------------------------------------------------------------------------


def add_note(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    text: str,
    at: dt.datetime | None = None,
) -> CaseNote:
    """Add a note to the case. Notes are not sealed and everyone who sees the case may search
    them: they never hold a true name (the case is its cryptonym)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        body = clean_text(
            errors,
            "text",
            text,
            limit=validation.MAX_NOTE_LENGTH,
            required="is required: write the note",
        )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        note = CaseNote.objects.create(
            case=case, author=_official_of(acting_user), text=body, at=moment
        )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casenote.add",
            summary="Note added",
            at=moment,
            obj=note,
            after={"length": len(body)},
        )
    return note


# --- reveal -----------------------------------------------------------------------------------


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
            official = _official_of(acting_user)
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
