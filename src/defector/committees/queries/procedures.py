"""Local operating procedures (``6b``): the versions, the one in effect, its clocks, and the
differences between two versions."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet

from defector.committees.choices import ProceduresStatus
from defector.committees.models import Committee, ProceduresVersion
from defector.committees.queries.committees import _get
from defector.core.access import Action, restrict
from defector.core.prepared import Param, Prepared
from defector.core.users import AnyUser
from defector.directory.models import Post
from defector.policy.gates import committees as gate
from defector.policy.obligations import ObligationId


def effective_procedures_of(committee_ids: Iterable[int]) -> dict[int, ProceduresVersion]:
    """The procedures in effect of each of the committees ``committee_ids`` that has some
    (``6b``; one at most per committee), by committee id. One query for them all."""
    versions = ProceduresVersion.objects.filter(
        committee_id__in=list(committee_ids), status=ProceduresStatus.EFFECTIVE
    )
    return {version.committee_id: version for version in versions}


def effective_procedures(committee: Committee) -> ProceduresVersion | None:
    return effective_procedures_of([committee.pk]).get(committee.pk)


def procedures_of(user: AnyUser, committee: Committee) -> QuerySet[ProceduresVersion]:
    return (
        restrict(user, Action.VIEW, ProceduresVersion.objects.filter(committee=committee))
        .select_related("chair_approved_by__user", "senior_approved_by__user", "created_by__user")
        .order_by("-number")
    )


def access_procedures(
    user: AnyUser, version_id: Any, action: Action | str = Action.VIEW
) -> ProceduresVersion:
    return _get(
        user,
        action,
        ProceduresVersion.objects.select_related(
            "committee__post",
            "chair_approved_by__user",
            "senior_approved_by__user",
            "created_by__user",
        ),
        version_id,
        "version of the procedures",
    )


@dataclass(frozen=True, slots=True)
class Clocks:
    """A post's clocks, from its effective local operating procedures (``6b``)."""

    threat_dissemination_minutes: int
    bona_fides_days: int
    idc_report_days: int
    minutes_forwarding_days: int
    version_id: int
    version_number: int


def post_clocks(post: Post | int) -> Clocks | None:
    """The clocks of the effective procedures of ``post``'s committee, or ``None`` when it has
    none in effect. A lookup for other apps (no access check)."""
    post_id = post if isinstance(post, int) else post.pk
    version = ProceduresVersion.objects.filter(
        committee__post_id=post_id, status=ProceduresStatus.EFFECTIVE
    ).first()
    if version is None:
        return None
    return Clocks(
        version.threat_dissemination_minutes,
        version.bona_fides_days,
        version.idc_report_days,
        version.minutes_forwarding_days,
        version.pk,
        version.number,
    )


#: The clocks of a post's effective procedures (the first in the versions' order, as
#: ``.first()`` takes it): a prepared read (``core.prepared``), compiled once.
_EFFECTIVE_CLOCKS: Final = Prepared(
    lambda: ProceduresVersion.objects.filter(
        committee__post_id=Param("post"), status=ProceduresStatus.EFFECTIVE
    ).values(
        "threat_dissemination_minutes",
        "reception_hours",
        "status_consideration_days",
        "political_risk_days",
        "bona_fides_days",
        "idc_report_days",
        "recruitment_in_place_days",
    )
)


def case_clocks(post: Any) -> dict[str, dt.timedelta | None] | None:
    """The provider of ``defector.cases.clocks``: the obligations' clocks that the post's
    effective procedures set (``6b``): every obligation's but the voluntary statement's, which
    is due before status is granted (``6b(3)(c)``)."""
    post_id = post if isinstance(post, int) else post.pk
    found = _EFFECTIVE_CLOCKS.slice(0, 1, post=post_id)
    if not found:
        return None
    version = found[0]
    return {
        ObligationId.DISSEMINATE_THREAT_INFORMATION: dt.timedelta(
            minutes=version["threat_dissemination_minutes"]
        ),
        ObligationId.SECURE_RECEPTION: dt.timedelta(hours=version["reception_hours"]),
        ObligationId.CONSIDER_DEFECTOR_STATUS: dt.timedelta(
            days=version["status_consideration_days"]
        ),
        ObligationId.POLITICAL_RISK_DETERMINATION: dt.timedelta(
            days=version["political_risk_days"]
        ),
        ObligationId.ESTABLISH_BONA_FIDES: dt.timedelta(days=version["bona_fides_days"]),
        ObligationId.REPORT_TO_IDC: dt.timedelta(days=version["idc_report_days"]),
        ObligationId.CONSIDER_RECRUITMENT_IN_PLACE: dt.timedelta(
            days=version["recruitment_in_place_days"]
        ),
    }


@dataclass(frozen=True, slots=True)
class SectionView:
    key: str
    title: str
    text: str

    @property
    def written(self) -> bool:
        return bool(self.text.strip())


def sections_of(version: ProceduresVersion) -> list[SectionView]:
    stored = version.sections or {}
    return [
        SectionView(key, title, str(stored.get(key) or ""))
        for key, title in gate.REQUIRED_SECTIONS.items()
    ]


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a side-by-side difference: ``same``, ``changed``, ``removed`` or ``added``."""

    kind: str
    old_number: int | None
    old_text: str
    new_number: int | None
    new_text: str

    @property
    def label(self) -> str:
        return {"same": "Unchanged", "changed": "Changed", "removed": "Removed", "added": "Added"}[
            self.kind
        ]


@dataclass(frozen=True, slots=True)
class SectionDiff:
    key: str
    title: str
    rows: list[DiffRow]
    unified: str

    @property
    def changed(self) -> bool:
        return any(row.kind != "same" for row in self.rows)


def _side_by_side(old: Sequence[str], new: Sequence[str]) -> list[DiffRow]:
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                rows.append(
                    DiffRow(
                        "same", i1 + offset + 1, old[i1 + offset], j1 + offset + 1, new[j1 + offset]
                    )
                )
            continue
        span = max(i2 - i1, j2 - j1)
        for offset in range(span):
            i, j = i1 + offset, j1 + offset
            has_old, has_new = i < i2, j < j2
            kind = "changed" if has_old and has_new else ("removed" if has_old else "added")
            rows.append(
                DiffRow(
                    kind,
                    i + 1 if has_old else None,
                    old[i] if has_old else "",
                    j + 1 if has_new else None,
                    new[j] if has_new else "",
                )
            )
    return rows


def _clock_lines(version: ProceduresVersion) -> list[str]:
    return [f"{label}: {getattr(version, name)} {unit}" for name, label, unit, *_ in gate.CLOCKS]


def procedures_diff(old: ProceduresVersion, new: ProceduresVersion) -> list[SectionDiff]:
    """The differences between two versions, section by section (and the clocks), as rows for
    an accessible side-by-side table and as a unified diff (``difflib``)."""
    out: list[SectionDiff] = []
    parts: list[tuple[str, str, list[str], list[str]]] = [
        (
            section.key,
            section.title,
            (old.sections or {}).get(section.key, "").splitlines(),
            (new.sections or {}).get(section.key, "").splitlines(),
        )
        for section in sections_of(new)
    ]
    parts.append(("clocks", "The post's clocks", _clock_lines(old), _clock_lines(new)))
    for key, title, before, after in parts:
        unified = "\n".join(
            difflib.unified_diff(
                before,
                after,
                fromfile=f"version {old.number}: {key}",
                tofile=f"version {new.number}: {key}",
                lineterm="",
            )
        )
        out.append(SectionDiff(key, title, _side_by_side(before, after), unified))
    return out


def previous_version(version: ProceduresVersion) -> ProceduresVersion | None:
    return (
        ProceduresVersion.objects.filter(
            committee_id=version.committee_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )
