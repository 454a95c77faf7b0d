"""The What's new page (``6e``): what changed on the official's posts since their last visit,
and the procedures and guidance they have still to acknowledge.

Showing the page is the visit: the notices shown are marked read and the last-visit marker
moves to the moment the page was read (``actions.record_visit``), so the next visit shows only
what came after. Only officials who may hold case matters have a feed; others get 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from defector.core.errors import Conflict, InvalidInput
from defector.core.views import ActionFormMixin
from defector.notifications import actions, queries
from defector.notifications.forms import AcknowledgeForm
from defector.notifications.pending import pending_items


class FeedPage(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.is_kept_informed(request.user):
            raise Http404("no notices")
        return super().dispatch(request, *args, **kwargs)


class WhatsNewView(FeedPage, TemplateView):
    template_name = "notifications/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        feed = queries.whats_new(user)
        actions.record_visit(acting_user=user, seen_until=feed.taken_at, notice_ids=feed.shown_ids)
        context |= {
            "feed": feed,
            "pending": queries.pending_acknowledgements(user),
            "pending_elsewhere": pending_items(user),
            "follow_ups": queries.chair_follow_ups(user),
        }
        return context


class AcknowledgeView(ActionFormMixin, FeedPage, View):
    """POST the Acknowledge button of a version of the procedures or of guidance; back to the
    feed, with what happened in a message."""

    http_method_names = ["post"]
    not_found_message = "no such document"

    def bound_form(self) -> AcknowledgeForm:
        return AcknowledgeForm(self.request.POST)

    def act(self, form: AcknowledgeForm) -> Any:
        try:
            return actions.acknowledge(
                acting_user=self.request.user,
                kind=form.cleaned_data["kind"],
                version_id=form.cleaned_data["id"],
            )
        except InvalidInput as exc:
            # Said in the feed's message as the action words it, like a conflict.
            raise Conflict(exc.message) from exc

    def success_message(self, result: Any) -> str:
        return "Acknowledged. Thank you."

    def success_url(self, result: Any) -> str:
        return reverse("notifications:index")

    def render_invalid(self, form: AcknowledgeForm) -> HttpResponse:
        refused = form.non_field_errors()
        messages.error(
            self.request,
            str(refused[0]) if refused else "That is not a document you can acknowledge.",
        )
        return HttpResponseRedirect(reverse("notifications:index"))
