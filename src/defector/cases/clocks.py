"""The clocks of a case's obligations: how long each may stay open, per post.

The directive sets no times; a post's local operating procedures do (``6b``). Until the
committees app holds those procedures, every post uses the defaults below, which the setting
``DEFECTOR_CASE_CLOCKS`` may override for the whole installation, e.g.::

    DEFECTOR_CASE_CLOCKS = {"establish_bona_fides": {"days": 21}, "report_to_idc": None}

(a mapping of obligation identifier to ``datetime.timedelta`` keyword arguments, or ``None``
for "no clock").

**Hook for the committees app.** A post's local procedures supply its own clocks:
the committees app calls :func:`register_provider` once, in its ``AppConfig.ready``, with a
function ``provider(post) -> Mapping[str, timedelta | None] | None``. The provider answers
for the obligations its procedures set: a key it leaves out (or an answer of ``None``) falls
back to the setting, then to the defaults; a value of ``None`` means "no clock". Providers
are asked in the order registered; the first that names an obligation wins.

Where the clock starts (:data:`ANCHORS`): secure reception and bona fides run from the
reception of the person (the issue asks for bona fides "a clock from reception"); every other
obligation from the moment an assessment first finds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from defector.policy.obligations import ObligationId

SETTING: Final = "DEFECTOR_CASE_CLOCKS"

OB = ObligationId

#: The defaults, with their grounds:
#:
#: - threat information, 15 minutes: ``6b(3)(a)`` says "as a matter of immediate priority";
#: - secure reception, 24 hours from the reception: ``6b(1)`` asks for "secure and
#:   expeditious reception and handling", and the obligation is discharged when the case
#:   moves to assessment (``cases.actions.lifecycle``). A day is expeditious, yet lets a
#:   walk-in who comes at night or on a holiday be received, secured and handed to assessment
#:   by the next morning's officials, instead of being overdue at the door (it was due at
#:   the instant of reception);
#: - bona fides, 30 days; the voluntary statement, no clock but "before status is granted"
#:   (``6b(3)(c)``, enforced by the status determination); the IDC report, 30 days: as the
#:   issue sets them;
#: - the political-risk determination (``7a``), considering defector status (``6b(2)``) and
#:   considering recruitment in place (``5a(1)``): 30 days. The directive gives no time. They
#:   are kept at the bona fides clock because the status consideration needs both bona fides
#:   and the ``7a`` determination in hand, and a shorter clock for those two would only
#:   report as overdue a determination that could not yet be made.
DEFAULTS: Final[Mapping[str, dt.timedelta | None]] = {
    OB.DISSEMINATE_THREAT_INFORMATION: dt.timedelta(minutes=15),
    OB.SECURE_RECEPTION: dt.timedelta(hours=24),
    OB.CONSIDER_DEFECTOR_STATUS: dt.timedelta(days=30),
    OB.POLITICAL_RISK_DETERMINATION: dt.timedelta(days=30),
    OB.ESTABLISH_BONA_FIDES: dt.timedelta(days=30),
    OB.OBTAIN_VOLUNTARY_STATEMENT: None,
    OB.REPORT_TO_IDC: dt.timedelta(days=30),
    OB.CONSIDER_RECRUITMENT_IN_PLACE: dt.timedelta(days=30),
}

#: Obligations whose clock runs from the reception of the person; the others run from the
#: assessment that first finds them.
ANCHORS_AT_RECEPTION: Final = frozenset({OB.SECURE_RECEPTION, OB.ESTABLISH_BONA_FIDES})

#: What an obligation without a clock is due by, in words.
NO_CLOCK_DUE: Final[Mapping[str, str]] = {
    OB.OBTAIN_VOLUNTARY_STATEMENT: "before status is granted",
}

Provider = Callable[[Any], Mapping[str, dt.timedelta | None] | None]
_PROVIDERS: list[Provider] = []


def register_provider(provider: Provider) -> None:
    """Let ``provider(post)`` supply a post's clocks (the committees app's local procedures).
    Registering the same function twice has no effect."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unregister_provider(provider: Provider) -> None:
    """Remove a provider (tests)."""
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


@dataclass(frozen=True, slots=True)
class CaseClocks:
    """How long each obligation may stay open at one post (``None``: no clock), and where
    each figure came from (``default``, ``setting`` or ``procedures``)."""

    limits: Mapping[str, dt.timedelta | None]
    sources: Mapping[str, str]

    def limit(self, identifier: str) -> dt.timedelta | None:
        return self.limits.get(identifier)

    def due(
        self, identifier: str, *, received_at: dt.datetime, arose_at: dt.datetime
    ) -> dt.datetime | None:
        """When an obligation that arose at ``arose_at`` on a case received at
        ``received_at`` is due; ``None`` when it has no clock."""
        limit = self.limit(identifier)
        if limit is None:
            return None
        start = received_at if identifier in ANCHORS_AT_RECEPTION else arose_at
        return start + limit


def _from_setting() -> dict[str, dt.timedelta | None]:
    raw = getattr(settings, SETTING, None) or {}
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(f"{SETTING} must be a mapping of obligation to duration")
    out: dict[str, dt.timedelta | None] = {}
    for key, value in raw.items():
        if key not in ObligationId.__members__.values():
            known = ", ".join(member.value for member in ObligationId)
            raise ImproperlyConfigured(f"{SETTING}: unknown obligation {key!r}; known: {known}")
        if value is None or isinstance(value, dt.timedelta):
            out[key] = value
        elif isinstance(value, Mapping):
            try:
                out[key] = dt.timedelta(**value)
            except TypeError as exc:
                raise ImproperlyConfigured(f"{SETTING}[{key!r}]: {exc}") from None
        else:
            raise ImproperlyConfigured(
                f'{SETTING}[{key!r}] must be a timedelta, a mapping such as {{"days": 30}}, or None'
            )
        limit = out[key]
        if limit is not None and limit < dt.timedelta(0):
            raise ImproperlyConfigured(f"{SETTING}[{key!r}] must not be negative")
    return out


def clocks_for(post: Any) -> CaseClocks:
    """The clocks of ``post``: its local procedures' (registered providers), else the
    installation's setting, else the defaults."""
    limits: dict[str, dt.timedelta | None] = dict(DEFAULTS)
    sources = dict.fromkeys(DEFAULTS, "default")
    for key, value in _from_setting().items():
        limits[key] = value
        sources[key] = "setting"
    decided: set[str] = set()
    for provider in _PROVIDERS:
        supplied = provider(post) or {}
        for key, value in supplied.items():
            if key in decided or key not in limits:
                continue
            limits[key] = value
            sources[key] = "procedures"
            decided.add(key)
    return CaseClocks(limits=limits, sources=sources)
