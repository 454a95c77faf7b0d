"""Policy guidance (``7c``), acknowledgements (``6e``) and the senior US representative's
``7a`` section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from defector.cases import queries as case_queries
from defector.committees.choices import MEMBER_ROLES, ProceduresStatus
from defector.committees.models import (
    Acknowledgement,
    Committee,
    GuidanceDocument,
    GuidanceVersion,
    ProceduresVersion,
)
from defector.committees.queries.committees import _get, acknowledgers_of
from defector.core.access import Action, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.models import Official


@dataclass(frozen=True, slots=True)
class AcknowledgementStatus:
    acknowledged: list[Acknowledgement]
    outstanding: list[Official]

    def by(self, official_id: int | None) -> Acknowledgement | None:
        return next((a for a in self.acknowledged if a.official_id == official_id), None)


def acknowledgement_status(
    committee: Committee,
    *,
    procedures_version: ProceduresVersion | None = None,
    guidance_version: GuidanceVersion | None = None,
) -> AcknowledgementStatus:
    """Who of the members has acknowledged the version, and who has not yet (``6e``)."""
    if procedures_version is not None:
        done = Acknowledgement.objects.filter(procedures_version=procedures_version)
    else:
        done = Acknowledgement.objects.filter(guidance_version=guidance_version)
    acknowledged = list(done.select_related("official__user").order_by("acknowledged_at"))
    have = {a.official_id for a in acknowledged}
    outstanding = [official for official in acknowledgers_of(committee) if official.pk not in have]
    return AcknowledgementStatus(acknowledged, outstanding)


def unacknowledged(
    committee: Committee,
    *,
    procedures_version: ProceduresVersion | None = None,
    guidance_version: GuidanceVersion | None = None,
) -> list[Official]:
    """The members who have not yet acknowledged the version (``6e``)."""
    return acknowledgement_status(
        committee, procedures_version=procedures_version, guidance_version=guidance_version
    ).outstanding


def awaiting_acknowledgement(user: AnyUser) -> list[ProceduresVersion | GuidanceVersion]:
    """The effective procedures and latest guidance versions ``user`` must still acknowledge."""
    principal = principal_for(user)
    if principal.official_id is None:
        return []
    posts = principal.posts_with(*MEMBER_ROLES)
    waiting: list[ProceduresVersion | GuidanceVersion] = []
    waiting += list(
        ProceduresVersion.objects.filter(
            committee__post_id__in=sorted(posts), status=ProceduresStatus.EFFECTIVE
        )
        .exclude(acknowledgements__official_id=principal.official_id)
        .select_related("committee__post")
    )
    for document in GuidanceDocument.objects.filter(committee__post_id__in=sorted(posts)):
        latest = document.versions.order_by("-number").first()
        if (
            latest is not None
            and not latest.acknowledgements.filter(official_id=principal.official_id).exists()
        ):
            waiting.append(latest)
    return waiting


@dataclass(frozen=True, slots=True)
class GuidanceView:
    document: GuidanceDocument
    versions: list[GuidanceVersion]
    status: AcknowledgementStatus

    @property
    def latest(self) -> GuidanceVersion:
        return self.versions[0]


def guidance_of(user: AnyUser, committee: Committee) -> list[GuidanceView]:
    """The committee's guidance documents (``7c``), latest version first, with who has and has
    not acknowledged the latest."""
    documents = restrict(
        user, Action.VIEW, GuidanceDocument.objects.filter(committee=committee)
    ).order_by("-created_at")
    out = []
    for document in documents:
        versions = list(document.versions.select_related("issued_by__user").order_by("-number"))
        if not versions:
            continue
        out.append(
            GuidanceView(
                document,
                versions,
                acknowledgement_status(committee, guidance_version=versions[0]),
            )
        )
    return out


def access_guidance_version(user: AnyUser, version_id: Any) -> GuidanceVersion:
    return _get(
        user,
        Action.VIEW,
        GuidanceVersion.objects.select_related("document__committee__post", "issued_by__user"),
        version_id,
        "guidance",
    )


def guidance_versions(version: GuidanceVersion) -> list[GuidanceVersion]:
    """Every version of the document ``version`` belongs to (seen with it), newest first."""
    return list(
        GuidanceVersion.objects.filter(document_id=version.document_id)
        .select_related("issued_by__user")
        .order_by("-number")
    )


def access_guidance_document(user: AnyUser, document_id: Any) -> GuidanceDocument:
    return _get(
        user,
        Action.VIEW,
        GuidanceDocument.objects.select_related("committee__post"),
        document_id,
        "guidance",
    )


@dataclass(frozen=True, slots=True)
class Determinations:
    """The ``7a`` section of the senior representative's page: what the cases app offers."""

    #: ``determinations``: the recorded determinations in force.
    kind: str
    items: list[Any]


def determinations_for(user: AnyUser, committee: Committee) -> Determinations:
    """The ``7a`` section of the senior representative's page: the political-risk
    determinations in force on the post's open cases that ``user`` may see."""
    found = case_queries.political_risk_determinations(user, committee.post)
    return Determinations("determinations", list(found))
