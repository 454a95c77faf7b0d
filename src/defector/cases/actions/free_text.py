"""Unsealed free text refuses the subjects' sealed names (``6b(1)``).

Notes, tasks, reasons, findings, minutes and problems are stored in clear and searched by
everyone who sees them, so they call the person by the cryptonym. Before an action stores
such a text it asks :func:`refuse_true_names` (one case) or :func:`refuse_names_of_cases`
(the texts of a committee or a problem: every case they may concern). The sealed true names
and aliases are opened in memory only, to compare (``core.sealing.open_sealed``): never
logged, audited, returned or quoted in the error, which says where the name belongs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from defector.cases.choices import OPEN_STAGES
from defector.cases.models import Case, Subject
from defector.cases.validation import Errors, error
from defector.core.access import Action, restrict
from defector.core.errors import InvalidInput
from defector.core.sealing import open_sealed
from defector.core.users import AnyUser
from defector.policy.gates import free_text as gate

#: The sealed fields whose values free text may not hold.
NAME_FIELDS: Final = ("true_name", "aliases")
#: The error on a field that names a subject; it names the place the name belongs.
NAMES_SUBJECT: Final = (
    "must not contain the subject's true name or an alias: it belongs in the sealed identity "
    "(Subject), which is shown only on reveal; call the person by the cryptonym"
)


@sensitive_variables("names", "value")
def sealed_names(cases: Iterable[Case | int]) -> list[str]:
    """The true names and aliases of the subjects of ``cases``, opened in memory."""
    ids = [case.pk if isinstance(case, Case) else case for case in cases]
    names: list[str] = []
    for subject in Subject.objects.filter(case_id__in=ids).only("seal_uid", *NAME_FIELDS):
        for field in NAME_FIELDS:
            value = open_sealed(subject, field)
            if value:
                names.append(value)
    return names


@sensitive_variables("names", "terms")
def refuse_names_of_cases(
    errors: Errors, cases: Iterable[Case | int], fields: dict[str, object]
) -> None:
    """Add an error on each of ``fields`` (field name → text) that names the subject of one
    of ``cases``; a field that has an error already is left as it is."""
    texts = {
        field: text
        for field, text in fields.items()
        if isinstance(text, str) and text.strip() and not _has_error(errors, field)
    }
    if texts:
        refuse_names(errors, sealed_names(cases), **texts)


@sensitive_variables("names", "terms")
def refuse_names(errors: Errors, names: Iterable[str], **fields: object) -> None:
    """Add an error on each of ``fields`` whose text holds one of ``names`` (true names and
    aliases in clear: at intake, before they are sealed)."""
    terms = gate.name_terms(names)
    for field, text in fields.items():
        if isinstance(text, str) and not _has_error(errors, field) and gate.names_in(text, terms):
            error(errors, field, NAMES_SUBJECT)


def refuse_names_at_post(
    errors: Errors,
    post_id: int,
    *,
    user: AnyUser | None,
    also: Iterable[int | None] = (),
    **fields: object,
) -> None:
    """For texts tied to a post rather than one case (a committee's minutes and agenda, a
    mutual problem): add an error on each field that names the subject of one of the post's
    open cases, or of the cases in ``also`` (e.g. those on the meeting's agenda) — of those
    ``user`` may see: a refusal over a case hidden from them would tell them that someone of
    that name is a subject at the post."""
    named = Case.objects.filter(
        Q(post_id=post_id, stage__in=OPEN_STAGES) | Q(pk__in=[pk for pk in also if pk])
    )
    ids = restrict(user, Action.VIEW, named).values_list("pk", flat=True)
    refuse_names_of_cases(errors, list(ids), fields)


def refuse_true_names(errors: Errors, case: Case, **fields: object) -> None:
    """Add an error on each field whose text names the subject of ``case``."""
    refuse_names_of_cases(errors, [case], fields)


def refuse_if_named(case: Case, **fields: object) -> None:
    """:class:`InvalidInput` when one of ``fields`` names the subject of ``case``: for actions
    whose input was checked before the case was found."""
    errors: Errors = []
    refuse_true_names(errors, case, **fields)
    if errors:
        raise InvalidInput(errors)


def _has_error(errors: Errors, field: str) -> bool:
    return any(item.get("field") == field for item in errors)
