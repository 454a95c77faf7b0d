"""The senior US representative's page (``7a``, ``7b``, ``7c``) and policy guidance (``7c``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from defector.committees import actions, queries
from defector.committees.choices import BriefingPosition
from defector.committees.forms import (
    BriefingForm,
    ConfirmForm,
    GuidanceForm,
    RegisterActiveForm,
    RegisterForm,
    VersionForm,
)
from defector.committees.views.committees import CommitteePage, Done
from defector.core.access import Action
from defector.core.errors import NotFound


class SeniorView(CommitteePage):
    """The senior US representative's page: ``7a`` determinations, the ``7b`` briefing
    register, ``7c`` guidance with who has not yet acknowledged it."""

    template_name = "committees/senior.html"
    operations = {
        "register": (RegisterForm, "register"),
        "brief": (BriefingForm, "brief"),
        "active": (RegisterActiveForm, "active"),
        "guidance": (GuidanceForm, "guidance"),
        "acknowledge": (VersionForm, "acknowledge"),
    }
    _committee: Any = None

    def committee(self) -> Any:
        if self._committee is None:
            committee = queries.access_committee(
                self.request.user, self.kwargs["committee_id"], Action.VIEW
            )
            if queries.seat_at(self.request.user, committee).invited_only:
                raise NotFound("no such committee")
            self._committee = committee
        return self._committee

    def form_kwargs(self, op: str) -> dict[str, Any]:
        committee = self.committee()
        if op == "register":
            members = queries.official_ids(queries.acknowledgers_of(committee))
            return {
                "officials": [
                    o for o in queries.officials_at_post(committee) if o.pk not in members
                ]
            }
        if op == "brief":
            return {"officials": queries.briefers(committee)}
        return {}

    def form_initial(self, op: str) -> dict[str, Any]:
        if op == "brief":
            return {"briefed_on": timezone.localdate()}
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        committee = self.committee()
        user = self.request.user
        seat = queries.seat_at(user, committee)
        context |= {
            "committee": committee,
            "seat": seat,
            "determinations": queries.determinations_for(user, committee),
            "register": queries.register_of(user, committee),
            "guidance": queries.guidance_of(user, committee),
            "interval": queries.rebriefing_days(),
            "positions": dict(BriefingPosition.choices),
        }
        return context

    def _here(self) -> str:
        return reverse("committees:senior", args=[self.kwargs["committee_id"]])

    def register(self, form: RegisterForm) -> Done:
        data = form.cleaned_data
        actions.add_to_briefing_register(
            acting_user=self.request.user,
            committee_id=self.kwargs["committee_id"],
            official_id=data.get("official") or None,
            name=data.get("name") or "",
            position=data["position"],
            position_detail=data.get("position_detail") or "",
        )
        return "Added to the briefing register.", self._here()

    def _person(self, person_id: int) -> None:
        person = queries.access_register_entry(self.request.user, person_id)
        if person.committee_id != self.committee().pk:
            raise NotFound("no such entry")

    def brief(self, form: BriefingForm) -> Done:
        data = form.cleaned_data
        self._person(data["person"])
        actions.record_briefing(
            acting_user=self.request.user,
            person_id=data["person"],
            briefed_on=data["briefed_on"],
            briefed_by_id=data["briefed_by"],
            topics=data["topics"],
        )
        return "Briefing recorded.", self._here()

    def active(self, form: RegisterActiveForm) -> Done:
        data = form.cleaned_data
        self._person(data["person"])
        actions.set_register_entry_active(
            acting_user=self.request.user, person_id=data["person"], active=data["active"]
        )
        return ("Put back on the register." if data["active"] else "Taken off the register."), (
            self._here()
        )

    def guidance(self, form: GuidanceForm) -> Done:
        data = form.cleaned_data
        if data.get("document"):
            document = queries.access_guidance_document(self.request.user, data["document"])
            if document.committee_id != self.committee().pk:
                raise NotFound("no such guidance")
        version = actions.issue_guidance(
            acting_user=self.request.user,
            committee_id=self.kwargs["committee_id"],
            document_id=data.get("document") or None,
            title=data["title"],
            body=data["body"],
        )
        return (
            f"Guidance issued (version {version.number}); members are asked to acknowledge it.",
            self._here(),
        )

    def acknowledge(self, form: VersionForm) -> Done:
        actions.acknowledge(
            acting_user=self.request.user, guidance_version_id=form.cleaned_data["target"]
        )
        return "Guidance acknowledged.", self._here()


class GuidanceView(CommitteePage):
    """One version of guidance, the versions before it, and who has acknowledged it."""

    template_name = "committees/guidance.html"
    operations = {"acknowledge": (ConfirmForm, "acknowledge")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = queries.access_guidance_version(self.request.user, self.kwargs["version_id"])
        committee = version.document.committee
        seat = queries.seat_at(self.request.user, committee)
        status = queries.acknowledgement_status(committee, guidance_version=version)
        context |= {
            "version": version,
            "committee": committee,
            "seat": seat,
            "status": status,
            "mine": status.by(seat.official_id),
            "versions": queries.guidance_versions(version),
        }
        return context

    def acknowledge(self, form: ConfirmForm) -> Done:
        actions.acknowledge(
            acting_user=self.request.user, guidance_version_id=self.kwargs["version_id"]
        )
        return "Guidance acknowledged.", reverse(
            "committees:guidance", args=[self.kwargs["version_id"]]
        )
