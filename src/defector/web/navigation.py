"""The site's areas, defined once: the header navigation and the home page both read this list.

An app adds its area by giving the URL name listed here to its index view (``cases:index``
for ``Cases``, and so on). Until that name resolves, the area is shown as *planned*: named,
described, and not a link, so nobody follows it into a dead end.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf

from defector.compliance.access import COMPLIANCE_POST_ROLES, COMPLIANCE_WORLD_ROLES
from defector.core.access import Principal, principal_for
from defector.core.reversing import reverse
from defector.exploitation.access import CATALOGUE_KEEPERS
from defector.reports.choices import POST_ROLES as REPORTS_POST_ROLES
from defector.reports.choices import WORLD_ROLES as REPORTS_WORLD_ROLES


@dataclass(frozen=True, slots=True)
class Area:
    """One area of the system, as the navigation lists it."""

    label: str
    url_name: str
    description: str
    #: The directive's clauses that the area serves (shown on the home page).
    clauses: tuple[str, ...] = ()
    #: Who the area is for; others do not see it at all (it would only answer 404).
    audience: Callable[[Principal], bool] | None = None


def _officials(principal: Principal) -> bool:
    """Officials who may hold case content (administrators and auditors see none)."""
    return principal.is_official and not (principal.is_administrator or principal.is_auditor)


def _directory_users(principal: Principal) -> bool:
    return principal.is_official or principal.is_administrator


def _compliance_readers(principal: Principal) -> bool:
    """The IDC (every post) and a post's committee (its posts): the compliance views."""
    return any(role in principal.roles for role in COMPLIANCE_WORLD_ROLES) or bool(
        principal.posts_with(*COMPLIANCE_POST_ROLES)
    )


def _report_readers(principal: Principal) -> bool:
    """Washington (the worldwide view) and a post's committee (its own reports to the IDC)."""
    return _officials(principal) and (
        any(role in principal.roles for role in REPORTS_WORLD_ROLES)
        or bool(principal.posts_with(*REPORTS_POST_ROLES))
    )


def _auditors(principal: Principal) -> bool:
    return principal.is_auditor


def _idc(principal: Principal) -> bool:
    return _officials(principal) and "idc_member" in principal.roles


def _catalogue_keepers(principal: Principal) -> bool:
    """The IDC and the DCI's delegate, who keep the catalogue of requirements (4a)."""
    return _officials(principal) and any(role in principal.roles for role in CATALOGUE_KEEPERS)


def _publicity_readers(principal: Principal) -> bool:
    """The IDC (every post's proposals) and a post's committee (its own)."""
    return _idc(principal) or bool(
        principal.posts_with("committee_member", "committee_chair", "senior_representative")
    )


AREAS: Final[tuple[Area, ...]] = (
    Area(
        "Assess",
        "web:assess",
        "Assess a person's facts against the directive: categories, scope and obligations, "
        "with every finding cited.",
        ("1", "2a", "2c", "2d", "2e", "2f", "3"),
    ),
    Area(
        "Directive",
        "web:directive",
        "The text of DCID No. 4/21, clause by clause, as the system cites it.",
    ),
    Area(
        "Cases",
        "cases:index",
        "Walk-in intake, defector-status determinations, bona fides, statements and exploitation.",
        ("6b(1)", "6b(2)", "6b(3)(b)", "6b(3)(c)"),
        _officials,
    ),
    Area(
        "What's new",
        "notifications:index",
        "What changed on your posts' defector matters since your last visit, and the "
        "procedures and guidance you have still to acknowledge.",
        ("6e",),
        _officials,
    ),
    Area(
        "Committees",
        "committees:index",
        "Local Defector Committees: members, quarterly meetings, minutes and local operating "
        "procedures.",
        ("6", "6a", "6b"),
        _officials,
    ),
    Area(
        "Dissemination",
        "dissemination:index",
        "Threat information pushed out at once, acknowledged, and escalated when it is not.",
        ("6b(3)(a)",),
        _officials,
    ),
    Area(
        "Escalations",
        "escalations:index",
        "Mutual problems resolved locally or referred to the IDC or the senior US representative.",
        ("6c",),
        _officials,
    ),
    Area(
        "Washington's powers",
        "powers:index",
        "Presidential directions and theaters of war where the directive does not apply, and "
        "the DCI's determinations extending it to other nationals: entered by the DCI's "
        "delegate.",
        ("1", "3"),
        _officials,
    ),
    Area(
        "Publicity",
        "publicity:index",
        "Publicity proposals: the local committees' proposals for surfacing or publicity, the "
        "sign-offs of State and USIA, and the IDC's decision.",
        ("6f", "5a(5)", "5a(6)"),
        _publicity_readers,
    ),
    Area(
        "Watch lists",
        "traces:watchlists",
        "The watch lists that name traces search for bona fides: import, review, delete.",
        ("6b(3)(b)",),
        _idc,
    ),
    Area(
        "Requirements",
        "exploitation:catalogue",
        "The catalogue of intelligence requirements that exploitation answers: the DCI's "
        "objectives and each department's needs.",
        ("4a",),
        _catalogue_keepers,
    ),
    Area(
        "Reports to the IDC",
        "reports:index",
        "Status reports to the Interagency Defector Committee generated from each case; "
        "Washington's worldwide view of every post's defectors; PDF and CSV exports.",
        ("6d",),
        _report_readers,
    ),
    Area(
        "Compliance",
        "compliance:index",
        "Every obligation with its due date, overdue alerts and worldwide compliance.",
        ("6a", "6b", "6d"),
        _compliance_readers,
    ),
    Area(
        "Audit",
        "audit:index",
        "The hash-chained audit log of every change, reveal and export, and its verification.",
        (),
        _auditors,
    ),
    Area(
        "Directory",
        "directory:index",
        "Posts, agencies, officials and their roles, clearances and compartments.",
        ("6",),
        _directory_users,
    ),
)


@dataclass(frozen=True, slots=True)
class NavItem:
    """An area as one request sees it: a link when its URL resolves, otherwise planned."""

    area: Area
    url: str | None
    current: bool

    @property
    def label(self) -> str:
        return self.area.label

    @property
    def description(self) -> str:
        return self.area.description

    @property
    def clauses(self) -> tuple[str, ...]:
        return self.area.clauses

    @property
    def planned(self) -> bool:
        return self.url is None


@dataclass(frozen=True, slots=True)
class Navigation:
    items: tuple[NavItem, ...]
    #: The hash of ``items``, made once (the shell's fragments are keyed by the navigation
    #: on every page: hashing its areas again cost each page a few microseconds an area).
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.items))

    def __hash__(self) -> int:
        return self._hash

    @property
    def available(self) -> tuple[NavItem, ...]:
        return tuple(item for item in self.items if not item.planned)

    @property
    def planned(self) -> tuple[NavItem, ...]:
        return tuple(item for item in self.items if item.planned)


def _url_of(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _current_view(request: HttpRequest | None) -> str | None:
    match = getattr(request, "resolver_match", None) if request is not None else None
    return match.view_name if match is not None else None


def navigation(request: HttpRequest | None = None, areas: tuple[Area, ...] = AREAS) -> Navigation:
    """The areas the request's user is an audience of, with their URLs; the one the request
    is in is marked current. Without a request, every area. Made once per principal, view
    and URL configuration (:func:`_navigation`): the shell of every page shows it."""
    current = _current_view(request)
    principal = principal_for(getattr(request, "user", None)) if request is not None else None
    return _navigation(
        principal,
        current,
        None if areas is AREAS else areas,  # the site's own: not hashed area by area each time
        get_urlconf(),
        settings.ROOT_URLCONF,
        get_script_prefix(),
    )


@functools.lru_cache(maxsize=4096)
def _navigation(
    principal: Principal | None,
    current: str | None,
    areas: tuple[Area, ...] | None,
    urlconf: object,
    root_urlconf: object,
    script_prefix: str,
) -> Navigation:
    """:func:`navigation` for a principal (``None``: everyone) in the view ``current``; the
    URL configuration and the script prefix, which the areas' addresses depend on, are part
    of the key; ``areas`` ``None``: the site's own (:data:`AREAS`)."""
    return Navigation(
        tuple(
            NavItem(area=area, url=_url_of(area.url_name), current=_is_current(area, current))
            for area in (AREAS if areas is None else areas)
            if principal is None or area.audience is None or area.audience(principal)
        )
    )


def _is_current(area: Area, view_name: str | None) -> bool:
    """The request is in the area: its own view, or any view of the same app namespace."""
    if view_name is None:
        return False
    namespace, _, _ = area.url_name.partition(":")
    return view_name == area.url_name or (
        namespace != "web" and view_name.partition(":")[0] == namespace
    )
