"""Local operating procedures (``6b``): the versions, one version, and what changed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from defector.committees import actions, queries
from defector.committees.forms import ConfirmForm, ProceduresForm
from defector.committees.views.committees import CommitteePage, Done
from defector.core.access import Action
from defector.core.errors import NotFound
from defector.policy.gates import committees as gate


class ProceduresView(CommitteePage):
    """Every version of the committee's procedures; the chair starts a new draft."""

    template_name = "committees/procedures.html"
    operations = {"new": (ConfirmForm, "new")}

    def committee(self) -> Any:
        committee = queries.access_committee(
            self.request.user, self.kwargs["committee_id"], Action.VIEW
        )
        if queries.seat_at(self.request.user, committee).invited_only:
            raise NotFound("no such committee")
        return committee

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        committee = self.committee()
        context |= {
            "committee": committee,
            "versions": list(queries.procedures_of(self.request.user, committee)),
            "seat": queries.seat_at(self.request.user, committee),
            "required": gate.REQUIRED_SECTIONS,
        }
        return context

    def new(self, form: ConfirmForm) -> Done:
        effective = queries.effective_procedures(self.committee())
        version = actions.create_procedures_draft(
            acting_user=self.request.user, committee_id=self.kwargs["committee_id"]
        )
        if effective is not None:
            said = (
                f"Draft version {version.number} started from version {effective.number}, "
                "the version in effect."
            )
        else:
            said = (
                f"Draft version {version.number} started. No version is in effect yet, so its "
                "sections start empty and its clocks at the defaults."
            )
        return said, reverse("committees:procedures-version", args=[version.pk])


class ProceduresVersionView(CommitteePage):
    """One version: its sections and clocks, its approvals, who has acknowledged it."""

    template_name = "committees/procedures_version.html"
    operations = {
        "edit": (ProceduresForm, "edit"),
        "approve": (ConfirmForm, "approve"),
        "acknowledge": (ConfirmForm, "acknowledge"),
    }
    _version: Any = None

    def version(self) -> Any:
        if self._version is None:
            self._version = queries.access_procedures(self.request.user, self.kwargs["version_id"])
        return self._version

    def form_initial(self, op: str) -> dict[str, Any]:
        if op == "edit":
            initial = ProceduresForm.initial_from(self.version())
            initial["note"] = self.version().note
            return initial
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = self.version()
        committee = version.committee
        seat = queries.seat_at(self.request.user, committee)
        status = queries.acknowledgement_status(committee, procedures_version=version)
        decision = gate.may_become_effective(
            version.sections,
            version.chair_approved_at is not None,
            version.senior_approved_at is not None,
        )
        context |= {
            "version": version,
            "committee": committee,
            "seat": seat,
            "sections": queries.sections_of(version),
            "clocks": [
                (label, getattr(version, name), unit, gate.CLOCK_CLAUSES[name])
                for name, label, unit, *_ in gate.CLOCKS
            ],
            "status": status,
            "mine": status.by(seat.official_id),
            "decision": decision,
            "previous": queries.previous_version(version),
            "may_approve": version.status == "draft"
            and (
                (seat.chair and version.chair_approved_at is None)
                or (seat.senior and version.senior_approved_at is None)
            ),
        }
        return context

    def _here(self) -> str:
        return reverse("committees:procedures-version", args=[self.kwargs["version_id"]])

    def edit(self, form: ProceduresForm) -> Done:
        actions.update_procedures_draft(
            acting_user=self.request.user,
            version_id=self.kwargs["version_id"],
            sections=form.sections(),
            clocks=form.clocks(),
            note=form.cleaned_data["note"],
        )
        return "Draft saved. Any approvals recorded before are withdrawn.", self._here()

    def approve(self, form: ConfirmForm) -> Done:
        version = actions.approve_procedures(
            acting_user=self.request.user, version_id=self.kwargs["version_id"]
        )
        if version.status == "effective":
            return (
                f"Approved: version {version.number} is now in effect. Members are asked to "
                "acknowledge it.",
                self._here(),
            )
        return "Approval recorded; the version awaits the other approval.", self._here()

    def acknowledge(self, form: ConfirmForm) -> Done:
        actions.acknowledge(
            acting_user=self.request.user, procedures_version_id=self.kwargs["version_id"]
        )
        return "Acknowledged.", self._here()


class ProceduresDiffView(LoginRequiredMixin, TemplateView):
    """What a version changes from another (the one before it unless ``?against=`` says)."""

    template_name = "committees/procedures_diff.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        try:
            new = queries.access_procedures(user, self.kwargs["version_id"])
            against = self.request.GET.get("against", "")
            old = (
                queries.access_procedures(user, int(against))
                if against.isdigit()
                else queries.previous_version(new)
            )
        except NotFound:
            raise Http404("not found") from None
        if old is None or old.committee_id != new.committee_id:
            raise Http404("no earlier version to compare with")
        context |= {
            "old": old,
            "new": new,
            "committee": new.committee,
            "diffs": queries.procedures_diff(old, new),
            "versions": list(queries.procedures_of(user, new.committee)),
        }
        return context
