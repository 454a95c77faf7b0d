"""The case list's filters: parsed from a page's query string or the API's, and their values
as the list's conditions compare them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from defector.cases.choices import IntakeKind, Stage
from defector.cases.validation import as_id
from defector.core.errors import InvalidInput
from defector.policy.definitions import Category

#: The longest text filter accepted on cryptonyms, and on a note search.
MAX_QUERY_LENGTH: Final = 40


MAX_SEARCH_LENGTH: Final = 200


YES: Final = frozenset({"1", "true", "yes", "on"})


NO: Final = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """The filters of the case list, shared by the page and the API."""

    post: int | None = None
    stage: str = ""
    #: A category of the latest assessment (``defector``, ``walk_in``, …).
    category: str = ""
    #: Only cases with (True) or without (False) an overdue obligation; None: either.
    overdue: bool | None = None
    #: Only cases this official (id) is assigned to.
    officer: int | None = None
    kind: str = ""
    #: Text the cryptonym contains (case-insensitive).
    q: str = ""

    @property
    def active(self) -> bool:
        return self != CaseFilters()


def parse_case_filters(data: Mapping[str, Any]) -> CaseFilters:
    """The filters in ``data`` (a page's query string or the API's), or :class:`InvalidInput`
    naming every bad one. Empty values mean "any"."""
    errors: list[dict[str, str]] = []

    def text(name: str) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if isinstance(value, bool | int):
            return str(value).lower()
        return str(value).strip()

    post = None
    if text("post"):
        post = as_id(text("post"))
        if post is None:
            errors.append({"field": "post", "message": "must be a post's id"})
    stage = text("stage")
    if stage and stage not in Stage.values:
        errors.append({"field": "stage", "message": f"must be one of {', '.join(Stage.values)}"})
    category = text("category")
    if category and category not in {c.value for c in Category}:
        known = ", ".join(c.value for c in Category)
        errors.append({"field": "category", "message": f"must be one of {known}"})
    overdue: bool | None = None
    raw = text("overdue").lower()
    if raw in YES:
        overdue = True
    elif raw in NO:
        overdue = False
    elif raw:
        errors.append({"field": "overdue", "message": "must be true or false"})
    officer = None
    if text("officer"):
        officer = as_id(text("officer"))
        if officer is None:
            errors.append({"field": "officer", "message": "must be an official's id"})
    kind = text("kind")
    if kind and kind not in IntakeKind.values:
        errors.append(
            {"field": "kind", "message": f"must be one of {', '.join(IntakeKind.values)}"}
        )
    q = text("q")
    if len(q) > MAX_QUERY_LENGTH:
        errors.append({"field": "q", "message": f"must be at most {MAX_QUERY_LENGTH} characters"})
    if errors:
        raise InvalidInput(errors)
    return CaseFilters(
        post=post,
        stage=stage,
        category=category,
        overdue=overdue,
        officer=officer,
        kind=kind,
        q=q,
    )


def filter_values(filters: CaseFilters) -> dict[str, Any]:
    """The values of the filters set, by name, as the conditions compare them (``now`` apart:
    the overdue filter's clock is given with the read)."""
    values: dict[str, Any] = {}
    if filters.post is not None:
        values["post"] = filters.post
    if filters.stage:
        values["stage"] = filters.stage
    if filters.category:
        # The JSON list's text holds each category in quotes: "defector" never matches
        # "potential_defector". Works the same on SQLite and PostgreSQL.
        values["category"] = f'"{filters.category}"'
    if filters.officer is not None:
        values["officer"] = filters.officer
    if filters.kind:
        values["kind"] = filters.kind
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    if text:
        values["q"] = text
    return values
