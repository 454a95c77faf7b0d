"""The minutes the IDC has received (``6a``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse

from defector.committees import actions, queries
from defector.committees.forms import VersionForm
from defector.committees.views.committees import CommitteePage, Done


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
