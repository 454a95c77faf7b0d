"""The voluntary statement (6b(3)(c)): whether one is on file, and for display."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.db.models import BooleanField, ExpressionWrapper, Q

from defector import policy
from defector.cases.choices import SignatureMethod, Stage
from defector.cases.models import Case, VoluntaryStatement
from defector.cases.queries.common import OfficialRef, _ref_or_none, case_rows
from defector.core.access import (
    Action,
    can,
    get_for,
    principal_for,
    remember,
    remembered,
)
from defector.core.sealing import open_sealed
from defector.core.users import AnyUser

STATEMENT_CLAUSE: Final = policy.cite("6b(3)(c)")


def _counting_statements(case: Case) -> Q:
    return Q(case=case, witnessed_at__isnull=False, withdrawn_at__isnull=True) & ~Q(sha256="")


def signed_statement_on_file(case: Case) -> policy.Decision:
    """Allowed when a signed, witnessed and not withdrawn voluntary statement is on file."""
    return remembered(("cases.signed_statement", case.pk), lambda: _statement_on_file(case))


def _statement_on_file(case: Case) -> policy.Decision:
    # One read: whether any counts, whether any is on file, whether one is still standing.
    states = list(
        VoluntaryStatement.objects.filter(case=case)
        .annotate(is_counting=ExpressionWrapper(_counting_statements(case), BooleanField()))
        .order_by("-pk")
        .values_list("pk", "is_counting", "withdrawn_at")
    )
    return _decision(states)


def _counts(statement: VoluntaryStatement) -> bool:
    """:func:`_counting_statements`, for a statement already read."""
    return (
        statement.witnessed_at is not None
        and statement.withdrawn_at is None
        and statement.sha256 != ""
    )


def _decision(states: Sequence[tuple[int, bool, object]]) -> policy.Decision:
    """The gate's decision from the case's statements (pk, counting, withdrawn), newest
    first."""
    return statement_decision(
        counting=next((pk for pk, counts, _ in states if counts), None),
        statements=len(states),
        standing=sum(1 for _, _, withdrawn_at in states if withdrawn_at is None),
    )


def statement_decision(*, counting: int | None, statements: int, standing: int) -> policy.Decision:
    """The gate's decision from the newest statement that counts (``None``: none does), how
    many statements are on file and how many of them are not withdrawn."""
    clause = STATEMENT_CLAUSE
    if counting is not None:
        return policy.Decision.allow(
            clause, reason=f"voluntary statement {counting} is signed and witnessed"
        )
    if not statements:
        reason = "no signed voluntary statement is on file"
    elif standing:
        reason = "the voluntary statement is not witnessed yet"
    else:
        reason = "the voluntary statement was withdrawn"
    return policy.Decision.deny(clause, reason=reason)


@dataclass(frozen=True, slots=True)
class StatementView:
    id: int
    #: Its number within the case ("Statement 1" is the case's first).
    number: int
    case_id: int
    language_code: str
    language_name: str
    text_original: str
    text_english: str
    signature_method: str
    signature_method_label: str
    content_type: str
    size: int
    sha256: str
    signed_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: OfficialRef | None
    witness: OfficialRef | None
    witnessed_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawn_by: OfficialRef | None
    withdrawal_reason: str

    @property
    def witnessed(self) -> bool:
        return self.witnessed_at is not None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def counts(self) -> bool:
        return self.witnessed and not self.withdrawn and bool(self.sha256)

    @property
    def status(self) -> str:
        if self.withdrawn:
            return "withdrawn"
        return "witnessed" if self.witnessed else "awaiting a witness"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def drawn(self) -> bool:
        return self.signature_method == SignatureMethod.DRAWN


def statement_view(statement: VoluntaryStatement) -> StatementView:
    """The statement for display, its texts opened from their seals: whoever may see the
    statement reads them, as before they were sealed (no reason asked, no reveal recorded)."""
    return StatementView(
        id=statement.pk,
        number=statement.number,
        case_id=statement.case_id,
        language_code=statement.language_code,
        language_name=statement.language_name,
        text_original=open_sealed(statement, "text_original") or "",
        text_english=open_sealed(statement, "text_english") or "",
        signature_method=statement.signature_method,
        signature_method_label=SignatureMethod(statement.signature_method).label,
        content_type=statement.content_type,
        size=statement.size,
        sha256=statement.sha256,
        signed_at=statement.signed_at,
        recorded_at=statement.recorded_at,
        recorded_by=_ref_or_none(statement.recorded_by),
        witness=_ref_or_none(statement.witness),
        witnessed_at=statement.witnessed_at,
        withdrawn_at=statement.withdrawn_at,
        withdrawn_by=_ref_or_none(statement.withdrawn_by),
        withdrawal_reason=statement.withdrawal_reason,
    )


def _statements(user: AnyUser, case: Case) -> list[VoluntaryStatement]:
    rows = list(
        case_rows(
            user,
            Action.VIEW,
            VoluntaryStatement.objects.select_related(
                "recorded_by__user", "witness__user", "withdrawn_by__user"
            ),
            case,
        ).order_by("-recorded_at", "-pk")
    )
    # A statement is seen with its case (the same rule), so these are all of the case's
    # statements: they also answer the statement gate's read on this page.
    newest = sorted(rows, key=lambda row: row.pk, reverse=True)
    states = [(row.pk, _counts(row), row.withdrawn_at) for row in newest]
    remember(("cases.signed_statement", case.pk), _decision(states))
    return rows


def statements_of(user: AnyUser, case: Case) -> list[StatementView]:
    """The case's voluntary statements, newest first."""
    return [statement_view(row) for row in _statements(user, case)]


def statement_of(user: AnyUser, case: Case, statement_id: int) -> StatementView:
    """One statement of the case, or :class:`~defector.core.errors.NotFound`."""
    found = get_for(
        user,
        Action.VIEW,
        VoluntaryStatement.objects.filter(case=case).select_related(
            "recorded_by__user", "witness__user", "withdrawn_by__user"
        ),
        statement_id,
        what="statement",
    )
    return statement_view(found)


def witness_problem(user: AnyUser, case: Case, *, recorded_by_id: int | None) -> str:
    """Why ``user`` may not witness a statement of ``case`` (``""``: they may).

    The rule: the witness attests in person, so the witness is the official who signs in and
    records the witnessing; they must be an official of the case's post (hold a role there:
    present when the person signs) who may see the case, and not the official who recorded
    the statement — a second pair of eyes."""
    principal = principal_for(user)
    if principal.official_id is None:
        return "only an official may witness a statement"
    if not can(user, Action.VIEW, case):
        return "you may not see this case"
    if case.post_id not in {post for post, _ in principal.post_roles}:
        return "the witness must be an official of the case's post, present when the person signs"
    if recorded_by_id is not None and recorded_by_id == principal.official_id:
        return "you recorded this statement: another official of the post must witness it"
    return ""


def may_witness(user: AnyUser, case: Case, statement: StatementView) -> bool:
    if statement.witnessed or statement.withdrawn or case.stage == Stage.CLOSED:
        return False
    recorder = statement.recorded_by.id if statement.recorded_by else None
    return not witness_problem(user, case, recorded_by_id=recorder)
