"""One meeting's page (``6a``) and its iCalendar file."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from defector.committees import actions, ical, queries
from defector.committees.forms import (
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    ConfirmForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    RemoveItemForm,
)
from defector.committees.views.committees import CalendarAuth, CommitteePage, Done
from defector.core.access import Action
from defector.core.errors import NotFound


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
