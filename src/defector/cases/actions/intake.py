"""Intake (6b(1)): opening a case for a walk-in, a potential defector or a disaffected person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Final

from django.db import router, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector.cases import cryptonyms, signals
from defector.cases.actions.common import Entry, _check_officers, record_event
from defector.cases.actions.facts import (
    _assess,
    _parse_facts,
    foresee,
    prepare,
    refuse_power_facts,
)
from defector.cases.actions.first import plan_first, write_planned
from defector.cases.actions.free_text import refuse_names
from defector.cases.actions.opening import (
    CASES,
    NOTES,
    OPEN,
    SUBJECTS,
    Intake,
    Made,
    after_of,
    first_nationality,
    give_case,
    make,
    named_subject,
)
from defector.cases.actions.owners import keep_committee, read_holders
from defector.cases.actions.reception import check_day, check_reception
from defector.cases.choices import IntakeKind
from defector.cases.models import Case, Subject
from defector.cases.queries import intake_defaults, may_open_at
from defector.cases.validation import (
    Errors,
    as_id,
    clean_codes,
    clean_identity,
    moment_of,
)
from defector.cases.validation import error as add_error
from defector.core.access import Principal, levels, principal_for, rank
from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.inserts import Insert, new
from defector.core.instances import relate
from defector.core.known import knowing_principals
from defector.core.prepared import Param, columns, instance
from defector.core.prepared import Prepared as PreparedRead
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Compartment, Post
from defector.directory.queries import acting_official

#: Attempts at saving a new case whose drawn cryptonym another transaction took meanwhile (each
#: with a fresh draw; in a space of millions a second clash in a row is a one-in-10^10 event).
CRYPTONYM_SAVE_ATTEMPTS: Final = 5


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
    confirm_before_directive: bool = False,
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
    walk-in ``at_us_installation`` true. The facts of ``1`` and ``3`` are not given: they are
    filled in from Washington's records (``powers``). ``received_at`` (default ``at``) is
    when the person presented themselves or was reported; ``received_where`` where (walk-ins) and
    ``request_other`` what they asked for besides asylum and escape assistance — neither is
    sealed. ``note`` becomes the case's first note (what the reporting official knows).

    The day of the reception (and ``facts.as_of`` when given) may not be in the future, and
    is before the directive took effect (``1``: 18 May 1976) only with
    ``confirm_before_directive`` (``policy.gates.cases.intake_date_gate``).
    """
    moment = moment_of(at)
    principal, opening_posts = check_may_open(acting_user)
    # The acting official, with its post: read first, so that an intake at the official's own
    # post (most are) takes the post from that read rather than reading it again.
    opener = acting_official(acting_user)
    if opener is None:  # the principal names an official: this cannot happen
        raise PermissionDenied("you are not an official", clauses=("6b(1)",))
    errors: Errors = []
    post = _check_post(errors, post_id, opener.post)
    sensitivity, codes, compartment_rows = _check_reach(
        errors, principal, sensitivity, compartments
    )
    if kind not in IntakeKind.values:
        add_error(errors, "kind", f"must be one of {', '.join(IntakeKind.values)}")
    reception = check_reception(
        errors,
        moment,
        received_at,
        received_where,
        request_other,
        note,
        confirmed=confirm_before_directive,
    )
    parsed = None
    if facts is not None:
        refuse_power_facts(facts)
        parsed = _parse_facts(
            facts,
            errors,
            today=timezone.localdate(moment),
            defaults=intake_defaults(kind, post, reception.received),
        )
        if parsed is not None and isinstance(facts, Mapping) and "as_of" in facts:
            check_day(errors, "facts.as_of", parsed.as_of, moment, confirm_before_directive)
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
    refuse_names(
        errors,
        (identity.get("true_name", ""), identity.get("aliases", "")),
        received_where=reception.where,
        request_other=reception.other,
        note=reception.first_note,
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
    if (post.pk, Role.CASE_OFFICER) in principal.post_roles and opener not in officers:
        officers.insert(0, opener)
    # Everything above only reads, and so does what follows up to the transaction (which, on
    # SQLite, holds the database's write lock from its start): what the first assessment
    # reads, the post's owners of obligations and committee with their principals (kept for
    # the owners and the notices: ``core.known``). The cryptonym is drawn without asking
    # whether a case holds it: the case's insert writes nothing when one does, and the
    # cryptonym is then drawn again among the free ones (:func:`_save_with_cryptonym`). The
    # transaction decides who of them may see the case (one query) and writes.
    with knowing_principals():
        holders = read_holders(post.pk)
        prepared = prepare(post, holders) if parsed is not None else None
        foreseen = foresee(parsed, prepared) if parsed is not None and prepared else None
        planned = (
            plan_first(
                foreseen,
                prepared.clocks,
                official=opener,
                at=moment,
                received_at=reception.received,
            )
            if foreseen is not None and prepared is not None
            else None
        )
        intake = Intake(
            post=post,
            sensitivity=sensitivity,
            kind=kind,
            codes=codes,
            compartments=compartment_rows,
            officers=officers,
            identity=identity,
            parsed=parsed,
            reception=reception,
            opener=opener,
            prepared=prepared,
            holders=holders,
            cryptonym=cryptonyms.draw(),
            foreseen=foreseen,
            planned=planned,
            subject=named_subject(identity, parsed, acting_user),
        )
        # The case, its subject and note, and (its first assessment made) its timeline lines
        # and audit record, made now: the transaction gives them their keys and writes them
        # (``cases.actions.opening``).
        made = make(intake, acting_user=acting_user, moment=moment)
        with transaction.atomic():
            return do_open_case(intake, acting_user=acting_user, moment=moment, made=made)


def check_may_open(acting_user: AnyUser) -> tuple[Principal, set[int]]:
    """The acting user's principal and the posts they may open a case at; refused (``6b(1)``)
    when there is none."""
    principal = principal_for(acting_user)
    opening_posts = may_open_at(principal)
    if not opening_posts or principal.official_id is None:
        raise PermissionDenied(
            "only a post's case officers, committee and senior US representative "
            "may open a case there",
            clauses=("6b(1)",),
        )
    return principal, opening_posts


#: The post an intake names: a prepared read (``core.prepared``), compiled once.
_POST: Final = PreparedRead(lambda: Post.objects.filter(pk=Param("post")).values(*columns(Post)))


def _check_post(errors: Errors, post_id: int | str | None, own: Post | None = None) -> Post | None:
    """The post named, active; ``own``: the acting official's, read already (the same row)."""
    number = as_id(post_id)
    if number is None:
        add_error(errors, "post_id", "is required: choose the post")
        return None
    post: Post | None = own
    if own is None or own.pk != number:
        alias = router.db_for_read(Post)
        row = _POST.one(using=alias, post=number)
        post = instance(Post, row, "", alias) if row is not None else None
    if post is None:
        add_error(errors, "post_id", "there is no such post")
    elif not post.active:
        add_error(errors, "post_id", "the post is not active")
        return None
    return post


def _check_reach(
    errors: Errors, principal: Principal, sensitivity: str, compartments: Iterable[str]
) -> tuple[str, list[str], list[Compartment]]:
    """The sensitivity (within the user's clearance) and the compartments (ones they hold)."""
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
        return sensitivity, [], compartment_rows
    # No compartment named (most intakes): nothing to read.
    compartment_rows = list(Compartment.objects.filter(code__in=codes)) if codes else []
    known = {row.code for row in compartment_rows}
    for code in codes:
        if code not in known:
            add_error(errors, "compartments", f"there is no compartment {code}")
        elif code not in principal.compartments:
            add_error(errors, "compartments", f"you are not read into {code}")
    return sensitivity, codes, compartment_rows


@sensitive_variables("intake")
def do_open_case(
    intake: Intake, *, acting_user: AnyUser, moment: dt.datetime, made: Made | None = None
) -> Case:
    """Write the case, its subject, its first assessment and note, and the audit record (in
    the caller's transaction); ``made``: what of it was made before the transaction
    (``cases.actions.opening.make``; default: made now)."""
    reception, opener = intake.reception, intake.opener
    prepared = foreseen = None
    if intake.parsed is not None:
        prepared = intake.prepared or prepare(intake.post)
        foreseen = intake.foreseen or foresee(intake.parsed, prepared)
    if made is None:
        made = make(
            replace(intake, prepared=prepared, foreseen=foreseen),
            acting_user=acting_user,
            moment=moment,
        )
    case = made.case
    _save_with_cryptonym(made, intake.cryptonym)
    # A new case has no links yet: add them (one insert each, none for an empty list; ``set``
    # would read the links first), as ``add`` inserts them (in the order of a set of ids).
    if intake.compartments:
        _CASE_COMPARTMENTS.save(
            [
                new(_Compartments, case_id=case.pk, compartment_id=pk)
                for pk in {c.pk for c in intake.compartments}
            ]
        )
    if intake.officers:
        _CASE_OFFICERS.save(
            [
                new(_Officers, case_id=case.pk, official_id=pk)
                for pk in {o.pk for o in intake.officers}
            ]
        )
    if intake.holders is not None:
        # Whom the case's notices go to, from what was read before the transaction.
        keep_committee(case, intake.holders, intake.officers)
    subject = give_case(made.subject, case)
    SUBJECTS.write(made.subject_row)
    signals.subject_named.send(
        sender=Subject,
        subject=subject,
        case=case,
        actor=acting_user,
        created=True,
        # The first nationality of the assessment made below, so that the trace need not
        # read it back.
        nationality=first_nationality(intake.parsed),
    )
    also: list[Entry] = []
    assessed = None
    if intake.planned is not None:
        assessed = write_planned(
            case,
            intake.planned,
            official=opener,
            holders=prepared.holders if prepared is not None else None,
        )
        also += intake.planned.entries
    elif intake.parsed is not None:
        assessed = _assess(
            case,
            intake.parsed,
            official=opener,
            at=moment,
            new=prepared,
            foreseen=foreseen,
        )
        also += assessed.entries()
    created_note = made.note
    if created_note is not None and made.note_row is not None:
        relate(created_note, "case", case)
        NOTES.write(made.note_row)
        also.append(Entry("cases.casenote.add", "Note added", created_note))
    where_text = f" ({reception.where})" if reception.where else ""
    summary = (
        f"{_kind_summary(intake.kind)} at {intake.post.name}{where_text}; case "
        f"{case.cryptonym} opened"
    )
    created = assessed.opened if assessed is not None else ()
    drafted = made.opening(case)
    # The record and the lines made before the transaction (``opening.make``), else made now
    # of what was written.
    ahead = drafted is not None and made.lines is not None
    after = None
    if not ahead:
        after = after_of(intake, case, subject)
        if assessed is not None and intake.planned is None:
            after |= assessed.audit()
        if created_note is not None:
            after["note"] = created_note.pk
    record_event(
        case,
        acting_user=acting_user,
        action=OPEN,
        summary=summary,
        at=moment,
        after=after,
        also=() if ahead else also,
        official=opener,
        created=created,
        lines=made.lines if ahead else None,
        drafted=drafted if ahead else None,
    )
    return case


#: An intake's links' inserts, each built once (``core.inserts``): the same rows as ``add()``
#: writes (no receiver listens to their ``m2m_changed``).
_Officers: Final = Case.officers.through
_Compartments: Final = Case.compartments.through
_CASE_OFFICERS: Final = Insert(_Officers, ignore_conflicts=True)
_CASE_COMPARTMENTS: Final = Insert(_Compartments, ignore_conflicts=True)


def _save_with_cryptonym(made: Made, drawn: str = "") -> None:
    """Save the new case (its row made ready: ``made.case_row``, the cryptonym converted at
    each try) under a fresh cryptonym (``drawn``: one drawn before the transaction,
    which a case may hold), drawing again among the free ones (``new_cryptonym``) if a case
    holds it: one committed before (as likely as the share of the cryptonyms in use), or one a
    concurrent intake wrote meanwhile.

    A draw among the free ones checks the committed cases only: a concurrent intake may hold
    the same cryptonym in its uncommitted transaction. The insert writes nothing when a case
    holds the cryptonym (``ON CONFLICT (cryptonym) DO NOTHING``: ``core.inserts``): on
    PostgreSQL it first waits for a transaction that wrote the same cryptonym and has not
    ended, and writes nothing if that one commits. Nothing fails, so no savepoint is needed
    around it on either database, and PostgreSQL logs no error.
    """
    case = made.case
    for attempt in range(CRYPTONYM_SAVE_ATTEMPTS):
        case.cryptonym = drawn if drawn and not attempt else cryptonyms.new_cryptonym()
        if CASES.write_unless_taken(made.case_row):
            return
    raise cryptonyms.CryptonymsBusy(
        f"{CRYPTONYM_SAVE_ATTEMPTS} cryptonyms drawn for this case were each taken meanwhile by "
        "another intake; nothing was saved: try again"
    )
