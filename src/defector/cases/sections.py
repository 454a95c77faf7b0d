"""The sections of a case's page, in one list that other parts of the case system extend.

The case page renders, in ``order``, every registered :class:`CaseSection` whose
``visible(user, case)`` holds: a heading (``title``, linked from the page's table of
contents by ``key``) and the section's ``template``, which gets the page's context plus
``section`` (the :class:`RenderedSection`, with ``section.data`` from ``build``).

To add one (bona fides, the voluntary statement, the ``7a`` determination …)::

    from defector.cases.sections import CaseSection, register_section

    register_section(CaseSection(
        key="bona-fides",
        title="Bona fides",
        template="cases/sections/bona_fides.html",
        order=35,
        build=bona_fides_queries.section_data,   # (user, case) -> Mapping[str, Any]
    ))

Register from the app's ``AppConfig.ready`` (or from this module's list below, for the
case app's own). ``build`` is a read (a ``queries`` function): it applies access control
itself. The forms a section shows post to its own views, which re-render the case page with
the bound form in the context under a name the section template reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from defector.cases.models import Case
from defector.core.users import AnyUser as AnyUser

Build = Callable[[AnyUser, Case], Mapping[str, Any]]
Visible = Callable[[AnyUser, Case], bool]


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


def sections_for(user: AnyUser, case: Case) -> list[RenderedSection]:
    """The sections of ``case``'s page that ``user`` sees, with their data, in order."""
    rendered = []
    for section in registered():
        if section.visible is not None and not section.visible(user, case):
            continue
        data = section.build(user, case) if section.build is not None else {}
        rendered.append(RenderedSection(section.key, section.title, section.template, data))
    return rendered


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
