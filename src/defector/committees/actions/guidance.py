"""Policy guidance of the senior US representative (``7c``), and the acknowledgements of
procedures and guidance by every member (``6e``)."""

from __future__ import annotations

from django.db import transaction

from defector.committees import signals
from defector.committees.actions.committees import (
    TEXT_MAX,
    Errors,
    _after_commit,
    _require_member,
    _require_senior,
    _text,
    _visible,
)
from defector.committees.choices import AcknowledgedKind, ProceduresStatus
from defector.committees.models import (
    Acknowledgement,
    Committee,
    GuidanceDocument,
    GuidanceVersion,
    ProceduresVersion,
)
from defector.core import audit
from defector.core.errors import Conflict, InvalidInput
from defector.core.users import AnyUser


def acknowledge(
    *,
    acting_user: AnyUser,
    procedures_version_id: int | str | None = None,
    guidance_version_id: int | str | None = None,
) -> Acknowledgement:
    """A member acknowledges the procedures in effect or a version of guidance (``6e``)."""
    if (procedures_version_id is None) == (guidance_version_id is None):
        raise InvalidInput(
            [{"field": "document", "message": "acknowledge one version: procedures or guidance"}]
        )
    with transaction.atomic():
        procedures: ProceduresVersion | None = None
        guidance: GuidanceVersion | None = None
        if procedures_version_id is not None:
            procedures = _visible(
                acting_user,
                ProceduresVersion.objects.select_related("committee__post"),
                procedures_version_id,
                "version of the procedures",
            )
            committee = procedures.committee
            if procedures.status != ProceduresStatus.EFFECTIVE:
                raise Conflict("only the procedures in effect are acknowledged")
        else:
            guidance = _visible(
                acting_user,
                GuidanceVersion.objects.select_related("document__committee__post"),
                guidance_version_id,
                "guidance",
            )
            committee = guidance.document.committee
        official = _require_member(acting_user, committee, "6e")
        found = Acknowledgement.objects.filter(
            official=official, procedures_version=procedures, guidance_version=guidance
        ).first()
        if found is not None:
            raise Conflict(f"you acknowledged this on {found.acknowledged_at:%d %B %Y}")
        acknowledgement = Acknowledgement.objects.create(
            committee=committee,
            kind=AcknowledgedKind.PROCEDURES if procedures else AcknowledgedKind.GUIDANCE,
            procedures_version=procedures,
            guidance_version=guidance,
            official=official,
        )
        audit.record(
            actor=acting_user,
            action="committees.acknowledgement.create",
            obj=acknowledgement,
            after=audit.snapshot(acknowledgement),
        )
    return acknowledgement


def issue_guidance(
    *,
    acting_user: AnyUser,
    committee_id: int | str | None = None,
    document_id: int | str | None = None,
    title: str,
    body: str,
) -> GuidanceVersion:
    """Issue policy guidance to the committee (``7c``): the senior US representative. With
    ``document_id``, a new version of that guidance; otherwise a new document. Members are
    then asked to acknowledge it (``6e``)."""
    with transaction.atomic():
        document: GuidanceDocument | None = None
        if document_id not in (None, ""):
            document = _visible(
                acting_user,
                GuidanceDocument.objects.select_related("committee__post"),
                document_id,
                "guidance",
                lock=True,
            )
            committee = document.committee
        else:
            committee = _visible(
                acting_user, Committee.objects.select_related("post"), committee_id, "committee"
            )
        senior = _require_senior(acting_user, committee, "7c")
        errors: Errors = []
        title = _text(errors, "title", title, limit=200)
        body = _text(errors, "body", body, limit=TEXT_MAX)
        if errors:
            raise InvalidInput(errors)
        if document is None:
            document = GuidanceDocument.objects.create(committee=committee, created_by=senior)
            number = 1
        else:
            last = document.versions.order_by("-number").first()
            number = (last.number + 1) if last is not None else 1
        version = GuidanceVersion.objects.create(
            document=document, number=number, title=title, body=body, issued_by=senior
        )
        audit.record(
            actor=acting_user,
            action="committees.guidance.issue",
            obj=version,
            after=audit.snapshot(version, ["document", "number", "title", "issued_by"]),
        )
        _after_commit(
            signals.guidance_issued,
            sender=GuidanceVersion,
            committee=committee,
            version=version,
            actor=acting_user,
        )
    return version
