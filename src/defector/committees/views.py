"""Pages of the committees app (``/committees/``).

Thin: each page reads through ``queries``; each form posts to its page with an ``op`` naming
the action, and the page calls that one action, then redirects with a message, or shows the
page again with the form's errors in an error summary. What the user may not see answers 404,
exactly as what does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from defector.committees import actions, ical, queries
from defector.committees.choices import BriefingPosition
from defector.committees.forms import (
    ActionForm,
    AgendaItemForm,
    AttendanceForm,
    BriefingForm,
    CancelForm,
    ConfirmForm,
    GuidanceForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    ProceduresForm,
    RegisterActiveForm,
    RegisterForm,
    RemoveItemForm,
    VersionForm,
)
from defector.core.access import Action
from defector.core.auth import TokenAuth
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.policy.gates import committees as gate

Done = tuple[str, str]  # (message, where to go)


def refusal(exc: PermissionDenied | PolicyRefusal | Conflict) -> str:
    """The message of a refusal, with the clauses behind it."""
    message = exc.message[:1].upper() + exc.message[1:]
    if exc.clauses:
        message += f" ({', '.join(exc.clauses)})"
    return message if message.endswith((".", ")")) else message + "."


class CommitteePage(LoginRequiredMixin, TemplateView):
    """A page whose forms post back to it, each naming its action with ``op``."""

    #: op -> (form class, method that takes the valid form and returns (message, url)).
    operations: ClassVar[dict[str, tuple[type[ActionForm], str]]] = {}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotFound:
            raise Http404("not found") from None

    def form_kwargs(self, op: str) -> dict[str, Any]:
        return {}

    def form_initial(self, op: str) -> dict[str, Any]:
        return {}

    def make_form(self, op: str, data: Any = None) -> ActionForm:
        form_class, _ = self.operations[op]
        return form_class(data, prefix=op, initial=self.form_initial(op), **self.form_kwargs(op))

    def forms(self, bound: dict[str, ActionForm] | None = None) -> dict[str, ActionForm]:
        bound = bound or {}
        return {op: bound.get(op) or self.make_form(op) for op in self.operations}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        op = request.POST.get("op", "")
        if op not in self.operations:
            return HttpResponseBadRequest("unknown operation")
        form = self.make_form(op, request.POST)
        handler: Callable[[Any], Done] = getattr(self, self.operations[op][1])
        if form.is_valid():
            try:
                message, url = handler(form)
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            except (PermissionDenied, PolicyRefusal, Conflict) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, message)
                return HttpResponseRedirect(url)
        context = self.get_context_data(**kwargs)
        context["forms"] = self.forms({op: form})
        context["failed"] = op
        return self.render_to_response(context)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("forms", self.forms())
        return context


# --- committees (6) --------------------------------------------------------------------------


class IndexView(CommitteePage):
    """The user's committees, or for Washington every committee, each with its flags."""

    template_name = "committees/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        idc = queries.is_idc(user)
        context |= {
            "summaries": queries.committee_summaries(user),
            "idc": idc,
            "without_committee": list(queries.posts_without_committee()) if idc else [],
            "awaiting": queries.awaiting_acknowledgement(user),
            "unacknowledged_minutes": queries.unacknowledged_minutes_count(user),
        }
        return context


class CommitteeView(CommitteePage):
    """A committee: members (from the directory), flags, meetings, procedures in effect."""

    template_name = "committees/committee.html"
    operations = {"schedule": (MeetingForm, "schedule")}

    def committee(self) -> Any:
        return queries.access_committee(self.request.user, self.kwargs["committee_id"], Action.VIEW)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        committee = self.committee()
        user = self.request.user
        seat = queries.seat_at(user, committee)
        members = queries.members_of(committee) if not seat.invited_only else []
        by_agency: dict[str, list[queries.Member]] = {}
        for member in members:
            by_agency.setdefault(member.agency, []).append(member)
        now = timezone.now()
        meetings = list(queries.meetings_of(user, committee))
        context |= {
            "committee": committee,
            "seat": seat,
            "members_by_agency": sorted(by_agency.items()),
            "seniors": queries.officials_with_role(committee, "senior_representative")
            if not seat.invited_only
            else [],
            "flags": queries.committee_flags(committee, now) if not seat.invited_only else [],
            "upcoming": [m for m in meetings if m.ends_at >= now and m.status == "scheduled"][::-1],
            "past": [m for m in meetings if not (m.ends_at >= now and m.status == "scheduled")],
            "procedures": queries.effective_procedures(committee)
            if not seat.invited_only
            else None,
            "feed_url": self.request.build_absolute_uri(
                reverse("committees:calendar", args=[committee.pk])
            ),
        }
        return context

    def schedule(self, form: MeetingForm) -> Done:
        data = form.cleaned_data
        meeting = actions.schedule_meeting(
            acting_user=self.request.user,
            committee_id=self.kwargs["committee_id"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
        )
        return "Meeting scheduled.", reverse("committees:meeting", args=[meeting.pk])


# --- meetings (6a) ---------------------------------------------------------------------------


class MeetingView(CommitteePage):
    """A meeting: agenda, attendance, invitations, minutes; the steps each role may take."""

    template_name = "committees/meeting.html"
    operations = {
        "reschedule": (MeetingForm, "reschedule"),
        "cancel": (CancelForm, "cancel"),
        "held": (ConfirmForm, "held"),
        "invite": (InviteForm, "invite"),
        "draw": (ConfirmForm, "draw"),
        "add_item": (AgendaItemForm, "add_item"),
        "remove_item": (RemoveItemForm, "remove_item"),
        "attendance": (AttendanceForm, "attendance"),
        "minutes": (MinutesForm, "minutes"),
        "approve": (ConfirmForm, "approve"),
        "forward": (ConfirmForm, "forward"),
        "acknowledge": (ConfirmForm, "acknowledge"),
    }

    _view: queries.MeetingView | None = None

    def view(self) -> queries.MeetingView:
        if self._view is None:
            meeting = queries.access_meeting(
                self.request.user, self.kwargs["meeting_id"], Action.VIEW
            )
            self._view = queries.describe_meeting(self.request.user, meeting)
        return self._view

    def form_kwargs(self, op: str) -> dict[str, Any]:
        if op == "invite":
            return {"officials": self.view().may_invite_officials}
        if op == "attendance":
            return {"rows": self.view().attendance}
        return {}

    def form_initial(self, op: str) -> dict[str, Any]:
        view = self.view()
        if op == "reschedule":
            meeting = view.meeting
            return {
                "starts_at": timezone.localtime(meeting.starts_at).replace(tzinfo=None),
                "ends_at": timezone.localtime(meeting.ends_at).replace(tzinfo=None),
                "place": meeting.place,
            }
        if op == "minutes" and view.minutes is not None:
            return {"text": view.minutes.text, "version": view.minutes.version}
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        view = self.view()
        context |= {"view": view, "meeting": view.meeting, "committee": view.committee}
        return context

    def _here(self) -> str:
        return reverse("committees:meeting", args=[self.kwargs["meeting_id"]])

    @property
    def _id(self) -> int:
        return int(self.kwargs["meeting_id"])

    def reschedule(self, form: MeetingForm) -> Done:
        data = form.cleaned_data
        actions.reschedule_meeting(
            acting_user=self.request.user,
            meeting_id=self._id,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
        )
        return "Meeting changed; calendars will show the change.", self._here()

    def cancel(self, form: CancelForm) -> Done:
        actions.cancel_meeting(
            acting_user=self.request.user, meeting_id=self._id, reason=form.cleaned_data["reason"]
        )
        return "Meeting cancelled.", self._here()

    def held(self, form: ConfirmForm) -> Done:
        actions.mark_meeting_held(acting_user=self.request.user, meeting_id=self._id)
        return (
            "Meeting recorded as held. Record the attendance and draft the minutes.",
            self._here(),
        )

    def invite(self, form: InviteForm) -> Done:
        actions.invite_to_meeting(
            acting_user=self.request.user,
            meeting_id=self._id,
            official_id=form.cleaned_data["official"],
        )
        return "Representative invited to this meeting.", self._here()

    def draw(self, form: ConfirmForm) -> Done:
        added = actions.draw_agenda(acting_user=self.request.user, meeting_id=self._id)
        if not added:
            return "Nothing new to add: the agenda already has every open item.", self._here()
        return f"{len(added)} item(s) added to the agenda.", self._here()

    def add_item(self, form: AgendaItemForm) -> Done:
        actions.add_agenda_item(
            acting_user=self.request.user,
            meeting_id=self._id,
            title=form.cleaned_data["title"],
            notes=form.cleaned_data["notes"],
        )
        return "Item added to the agenda.", self._here()

    def remove_item(self, form: RemoveItemForm) -> Done:
        item_id = form.cleaned_data["item"]
        if not any(item.pk == item_id for item in self.view().agenda):
            raise Http404("no such agenda item")
        actions.remove_agenda_item(acting_user=self.request.user, item_id=item_id)
        return "Item taken off the agenda.", self._here()

    def attendance(self, form: AttendanceForm) -> Done:
        changed = actions.record_attendance(
            acting_user=self.request.user, meeting_id=self._id, entries=form.entries()
        )
        return f"Attendance recorded ({len(changed)} change(s)).", self._here()

    def minutes(self, form: MinutesForm) -> Done:
        actions.save_minutes(
            acting_user=self.request.user,
            meeting_id=self._id,
            text=form.cleaned_data["text"],
            version=form.cleaned_data.get("version"),
        )
        return "Minutes saved as a draft.", self._here()

    def approve(self, form: ConfirmForm) -> Done:
        actions.approve_minutes(acting_user=self.request.user, meeting_id=self._id)
        return "Minutes approved. Forward them to the IDC.", self._here()

    def forward(self, form: ConfirmForm) -> Done:
        actions.forward_minutes(acting_user=self.request.user, meeting_id=self._id)
        return "Minutes forwarded to the Interagency Defector Committee.", self._here()

    def acknowledge(self, form: ConfirmForm) -> Done:
        actions.acknowledge_minutes_receipt(acting_user=self.request.user, meeting_id=self._id)
        return "Receipt acknowledged.", self._here()


class MinutesReceivedView(CommitteePage):
    """Washington: minutes forwarded by every committee, to acknowledge (``6a``)."""

    template_name = "committees/minutes_received.html"
    operations = {"acknowledge": (VersionForm, "acknowledge")}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.is_idc(request.user):
            raise Http404("not found")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["received"] = list(queries.minutes_received(self.request.user))
        return context

    def acknowledge(self, form: VersionForm) -> Done:
        minutes = actions.acknowledge_minutes_receipt(
            acting_user=self.request.user, meeting_id=form.cleaned_data["target"]
        )
        post = minutes.meeting.committee.post
        return (
            f"Receipt of the minutes from {post.name} acknowledged.",
            reverse("committees:minutes-received"),
        )


# --- iCalendar (6a) --------------------------------------------------------------------------


class CalendarAuth:
    """The signed-in session, or an API token (``Authorization: Bearer ...``) for calendar
    clients; without either, 401 with ``WWW-Authenticate: Bearer``."""

    def user(self, request: HttpRequest) -> Any:
        if request.user.is_authenticated:
            return request.user
        found = TokenAuth()(request)
        return found if found else None

    def unauthorized(self) -> HttpResponse:
        response = HttpResponse(
            "Sign in, or send an API token: Authorization: Bearer <token>\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Bearer realm="defector"'
        return response


class CalendarFeedView(CalendarAuth, View):
    """The committee's meetings as an iCalendar feed a calendar client subscribes to."""

    def get(self, request: HttpRequest, committee_id: int) -> HttpResponse:
        user = self.user(request)
        if user is None:
            return self.unauthorized()
        try:
            committee = queries.access_committee(user, committee_id, Action.VIEW)
        except NotFound:
            raise Http404("not found") from None
        text = ical.committee_calendar(
            committee,
            queries.meetings_for_calendar(user, committee),
            stamp=timezone.now(),
            base_url=request.build_absolute_uri("/"),
        )
        response = HttpResponse(text, content_type=ical.CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'inline; filename="committee-{committee.post.code.lower()}.ics"'
        )
        return response


class MeetingIcsView(CalendarAuth, View):
    """One meeting as a downloadable .ics file."""

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        user = self.user(request)
        if user is None:
            return self.unauthorized()
        try:
            meeting = queries.access_meeting(user, meeting_id, Action.VIEW)
        except NotFound:
            raise Http404("not found") from None
        text = ical.calendar(
            [meeting],
            stamp=timezone.now(),
            name=str(meeting.committee),
            base_url=request.build_absolute_uri("/"),
        )
        response = HttpResponse(text, content_type=ical.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{ical.meeting_filename(meeting)}"'
        return response


# --- local operating procedures (6b) ---------------------------------------------------------


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
        version = actions.create_procedures_draft(
            acting_user=self.request.user, committee_id=self.kwargs["committee_id"]
        )
        return (
            f"Draft version {version.number} started from the version in effect.",
            reverse("committees:procedures-version", args=[version.pk]),
        )


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


# --- the senior US representative (7a, 7b, 7c) ------------------------------------------------


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
