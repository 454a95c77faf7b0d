"""The committees' base page, the index, one committee's page and its calendar feed (``6``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from defector.committees import actions, ical, queries
from defector.committees.forms import MeetingForm
from defector.core.access import Action
from defector.core.auth import TokenAuth
from defector.core.errors import DomainError, NotFound
from defector.core.forms import ActionForm
from defector.core.views import ActionFormMixin

Done = tuple[str, str]  # (message, where to go)


def refusal(exc: DomainError) -> str:
    """The message of a refusal, with the clauses behind it."""
    message = exc.message[:1].upper() + exc.message[1:]
    if exc.clauses:
        message += f" ({', '.join(exc.clauses)})"
    return message if message.endswith((".", ")")) else message + "."


class CommitteePage(ActionFormMixin, LoginRequiredMixin, TemplateView):
    """A page whose forms post back to it, each naming its action with ``op``."""

    #: op -> (form class, method that takes the valid form and returns (message, url)).
    operations: ClassVar[dict[str, tuple[type[ActionForm], str]]] = {}
    #: Every refusal is said above the form, worded with its clauses (never a 403).
    permission_refusal = "form"
    #: The operation being posted (set in ``post``).
    op: str = ""

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
        self.op = request.POST.get("op", "")
        if self.op not in self.operations:
            return HttpResponseBadRequest("unknown operation")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> ActionForm:
        return self.make_form(self.op, self.request.POST)

    def act(self, form: ActionForm) -> Done:
        handler: Callable[[Any], Done] = getattr(self, self.operations[self.op][1])
        return handler(form)

    def refusal_message(self, exc: DomainError) -> str:
        return refusal(exc)

    def success_message(self, result: Done) -> str:
        return result[0]

    def success_url(self, result: Done) -> str:
        return result[1]

    def render_invalid(self, form: ActionForm) -> HttpResponse:
        context = self.get_context_data(**self.kwargs)
        context["forms"] = self.forms({self.op: form})
        context["failed"] = self.op
        return self.render_to_response(context)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("forms", self.forms())
        return context


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
