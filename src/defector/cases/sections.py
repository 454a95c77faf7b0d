"""The tabs of a case's page, in one list that other parts of the case system extend.

The case page is a workspace: a header (cryptonym, stage, categories as assessed,
sensitivity, post), the banners (:func:`register_banner`, on every tab), a row of tabs, and the
selected tab. The first tab, **Overview** (``/cases/<id>/``), shows the "Next steps" panel
(what blocks the grant of defector status, each item with its clause and a link to the tab
where it is done, and the obligations next due) and the case's summary. Every registered
:class:`CaseSection` whose ``visible(user, case)`` holds is a tab of its own, in ``order``, at
``/cases/<id>/<key>/`` (URL name ``cases:tab``): its heading (``title``) and its ``template``,
which gets the page's context plus ``section`` (the :class:`RenderedSection`, with
``section.data`` from ``build``). Only the selected tab's ``build`` runs.

To add one (bona fides, the voluntary statement, the ``7a`` determination …)::

    from defector.cases.sections import CaseSection, register_section

    register_section(CaseSection(
        key="bona-fides",
        title="Bona fides",
        template="cases/sections/bona_fides.html",
        order=35,
        build=bona_fides_queries.section_data,   # (user, case) -> Mapping[str, Any]
    ))

The fields, all but the first four optional:

- ``key``: the tab's address (``/cases/<id>/<key>/``) and the section's anchor
  (``section-<key>``); a slug.
- ``title``: the heading of the tab's page; ``tab_label``: a shorter label in the row of
  tabs (default: ``title``).
- ``template``, ``order`` (lower first; the case app's own take 10, 20, … 90).
- ``build(user, case)``: the section's data, a read (a ``queries`` function) that applies
  access control itself; run only when the tab is shown.
- ``visible(user, case)``: whether the user has the tab at all (default: everyone who sees
  the case). It runs on every tab of the page (the row of tabs): keep it cheap.
- ``badge(user, case)``: a number shown on the tab (open tasks, open obligations), or
  ``None``/``0`` for none. It runs on every tab of the page: one cheap read at most.
- ``clauses``: the clauses whose work is done on this tab (``("6b(3)(b)",)`` for bona
  fides). An item of the Next steps panel that names one links to the first such tab.
- ``next_steps(user, case)``: items for the Next steps panel (:class:`NextStep`), read on
  the Overview only.

Register from the app's ``AppConfig.ready`` (or from this module's list below, for the
case app's own). The forms a section shows post to their own views, which re-render the
section's tab with the bound form in the context under a name the section template reads,
and on success redirect back to the tab (``cases.views.common.SectionFormView``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from defector.cases.models import Case
from defector.core.users import AnyUser as AnyUser

Build = Callable[[AnyUser, Case], Mapping[str, Any]]
Visible = Callable[[AnyUser, Case], bool]
Badge = Callable[[AnyUser, Case], int | None]

#: The key of the first tab: the summary and the Next steps panel (no section of its own).
OVERVIEW: Final = "overview"


@dataclass(frozen=True, slots=True)
class NextStep:
    """One item of the Next steps panel: what is to be done (or what blocks), the clauses
    behind it, and where it is done (a tab's ``key``, or a ``url``)."""

    text: str
    clauses: tuple[str, ...] = ()
    #: Why, in a sentence (what the gate answered).
    detail: str = ""
    tab: str = ""
    url: str = ""
    due_at: dt.datetime | None = None
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class CaseSection:
    """One section of the case page."""

    key: str
    title: str
    template: str
    #: Where it goes: lower first. The case app's own take 10, 20, … 90.
    order: int
    build: Build | None = None
    visible: Visible | None = None
    #: A shorter label in the row of tabs (default: the title).
    tab_label: str = ""
    #: A count shown on the tab (open tasks …): cheap, it runs on every tab.
    badge: Badge | None = None
    #: The clauses whose work is done on this tab (the Next steps panel links to it).
    clauses: tuple[str, ...] = ()
    #: Items of the Next steps panel (read on the Overview only).
    next_steps: Callable[[AnyUser, Case], Iterable[NextStep]] | None = None

    @property
    def label(self) -> str:
        return self.tab_label or self.title


@dataclass(frozen=True, slots=True)
class Tab:
    """A tab in the row of tabs of the case page."""

    key: str
    label: str
    current: bool = False
    badge: int | None = None
    clauses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RenderedSection:
    key: str
    title: str
    template: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def heading_id(self) -> str:
        return f"section-{self.key}-heading"


_SECTIONS: dict[str, CaseSection] = {}


def register_section(section: CaseSection) -> None:
    """Add a section (or replace the one with the same key)."""
    _SECTIONS[section.key] = section


def unregister_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def registered() -> list[CaseSection]:
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))


def visible_sections(user: AnyUser, case: Case) -> list[CaseSection]:
    """The sections (tabs) of ``case``'s page that ``user`` has, in order; none built."""
    return [s for s in registered() if s.visible is None or s.visible(user, case)]


def render(user: AnyUser, case: Case, section: CaseSection) -> RenderedSection:
    """One section with its data (its ``build`` runs)."""
    data = section.build(user, case) if section.build is not None else {}
    return RenderedSection(section.key, section.title, section.template, data)


def sections_for(user: AnyUser, case: Case) -> list[RenderedSection]:
    """Every section of ``case``'s page that ``user`` sees, with their data, in order (the
    page shows one at a time: :func:`section_for`)."""
    return [render(user, case, section) for section in visible_sections(user, case)]


def section_for(user: AnyUser, case: Case, key: str) -> RenderedSection | None:
    """The section ``key`` with its data, or ``None`` when ``user`` has no such tab."""
    for section in visible_sections(user, case):
        if section.key == key:
            return render(user, case, section)
    return None


def tabs_for(
    user: AnyUser, case: Case, current: str, visible: list[CaseSection] | None = None
) -> list[Tab]:
    """The row of tabs: the Overview, then each section ``user`` sees, with its badge."""
    tabs = [Tab(OVERVIEW, "Overview", current=current == OVERVIEW)]
    for section in visible if visible is not None else visible_sections(user, case):
        badge = section.badge(user, case) if section.badge is not None else None
        tabs.append(
            Tab(
                section.key,
                section.label,
                current=section.key == current,
                badge=badge or None,
                clauses=section.clauses,
            )
        )
    return tabs


def tab_for_clause(tabs: Iterable[Tab], clause: str) -> str:
    """The first tab whose work answers ``clause`` (``""`` when none does)."""
    for tab in tabs:
        if clause in tab.clauses:
            return tab.key
    return ""


def next_steps_for(
    user: AnyUser, case: Case, visible: list[CaseSection] | None = None
) -> list[NextStep]:
    """The items the sections ``user`` sees add to the Next steps panel, in tab order."""
    steps: list[NextStep] = []
    for section in visible if visible is not None else visible_sections(user, case):
        if section.next_steps is not None:
            steps += section.next_steps(user, case)
    return steps


# --- banners ----------------------------------------------------------------------------------
#
# What must not wait goes above everything else: a banner at the top of the case page
# (:func:`register_banner`) or of the case list (:func:`register_list_banner`). ``build``
# answers the banner's data, or ``None`` when there is nothing to say (the banner is not
# shown); it is a read that applies access control itself.

BannerBuild = Callable[[AnyUser, Case], Mapping[str, Any] | None]
ListBannerBuild = Callable[[AnyUser], Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class CaseBanner:
    """A banner at the top of the case page."""

    key: str
    template: str
    order: int
    build: BannerBuild


@dataclass(frozen=True, slots=True)
class ListBanner:
    """A banner at the top of the case list."""

    key: str
    template: str
    order: int
    build: ListBannerBuild


@dataclass(frozen=True, slots=True)
class RenderedBanner:
    key: str
    template: str
    data: Mapping[str, Any]


_BANNERS: dict[str, CaseBanner] = {}
_LIST_BANNERS: dict[str, ListBanner] = {}


def register_banner(banner: CaseBanner) -> None:
    """Add a banner of the case page (or replace the one with the same key)."""
    _BANNERS[banner.key] = banner


def register_list_banner(banner: ListBanner) -> None:
    """Add a banner of the case list (or replace the one with the same key)."""
    _LIST_BANNERS[banner.key] = banner


def banners_for(user: AnyUser, case: Case) -> list[RenderedBanner]:
    """The banners ``user`` sees at the top of ``case``'s page, in order."""
    rendered = []
    for banner in sorted(_BANNERS.values(), key=lambda banner: (banner.order, banner.key)):
        data = banner.build(user, case)
        if data is not None:
            rendered.append(RenderedBanner(banner.key, banner.template, data))
    return rendered


def list_banners_for(user: AnyUser) -> list[RenderedBanner]:
    """The banners ``user`` sees at the top of the case list, in order."""
    rendered = []
    for banner in sorted(_LIST_BANNERS.values(), key=lambda banner: (banner.order, banner.key)):
        data = banner.build(user)
        if data is not None:
            rendered.append(RenderedBanner(banner.key, banner.template, data))
    return rendered
