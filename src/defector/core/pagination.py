"""One way to page every list of the API: ``?page=N&page_size=M``, answered as
``{"items": [...], "count": C, "page": N, "page_size": M, "next": N+1 or null}``.

An operation declares its list response (``response={200: list[ItemOut], ...}``) and is
decorated with :func:`paged` under the router's decorator; it returns a queryset, a list, or a
:class:`Mapped` queryset (a queryset whose rows of the page are turned into their answers).
The page size defaults to ``DEFECTOR_PAGE_SIZE`` and may not exceed ``DEFECTOR_MAX_PAGE_SIZE``
(a larger one answers 422); a page past the end is empty, with the same ``count``. A queryset
costs two queries whatever its size: the count and the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, get_type_hints

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

from defector.core.schemas import MAX_PAGE

_M = TypeVar("_M", bound=Model)


def page_size() -> int:
    """The page size when the caller names none (``DEFECTOR_PAGE_SIZE``)."""
    return int(getattr(settings, "DEFECTOR_PAGE_SIZE", 50))


def max_page_size() -> int:
    """The largest page a caller may ask for (``DEFECTOR_MAX_PAGE_SIZE``)."""
    return int(getattr(settings, "DEFECTOR_MAX_PAGE_SIZE", 200))


class Mapped(Generic[_M]):
    """A queryset whose rows become answers only for the page asked: ``Mapped(rows, out)``."""

    def __init__(self, rows: QuerySet[_M], out: Callable[[list[_M]], list[Any]]) -> None:
        self.rows = rows
        self.out = out

    def count(self) -> int:
        return self.rows.count()

    def page(self, start: int, stop: int) -> list[Any]:
        return self.out(list(self.rows[start:stop]))

    def counted_page(self, start: int, stop: int) -> tuple[int, list[Any]]:
        """The count, and the page from ``start`` to ``stop`` (empty past the end): what a
        page answers, asked at once (a list may keep the two together)."""
        count = self.count()
        return count, self.page(start, stop) if start < count else []


def _count(items: Any) -> int:
    if isinstance(items, QuerySet):
        return items.count()
    return len(items)


def _slice(items: Any, start: int, stop: int) -> Sequence[Any]:
    return list(items[start:stop])


class PageNumber(PaginationBase):
    """``page`` (from 1) and ``page_size`` (bounded) in; items, count and the next page out."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="The page, from 1.")
        page_size: int = Field(
            page_size(),
            ge=1,
            le=max_page_size(),
            description="Items a page (DEFECTOR_PAGE_SIZE by default, at most "
            "DEFECTOR_MAX_PAGE_SIZE).",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="How many items all the pages hold.")
        page: int
        page_size: int
        next: int | None = Field(..., description="The next page's number; null on the last.")

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        size = pagination.page_size
        start = (pagination.page - 1) * size
        items: Sequence[Any]
        if isinstance(queryset, Mapped):
            count, items = queryset.counted_page(start, start + size)
        else:
            count = _count(queryset)
            items = _slice(queryset, start, start + size) if start < count else []
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "page_size": size,
            "next": pagination.page + 1 if start + size < count else None,
        }


_paginate: Callable[[Callable[..., Any]], Callable[..., Any]] = paginate(PageNumber)


def paged(view: Callable[..., Any]) -> Callable[..., Any]:
    """``@router.get(..., response={200: list[ItemOut], ...})`` then ``@paged``: the view's
    list is answered one page at a time. (Its annotations are resolved in its own module
    first: ninja reads the wrapper's, which would look for them here.)"""
    view.__annotations__ = get_type_hints(view, include_extras=True)
    return _paginate(view)
