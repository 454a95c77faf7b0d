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
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from defector.notifications import actions, queries
from defector.notifications.forms import AcknowledgeForm


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
            "follow_ups": queries.chair_follow_ups(user),
        }
        return context


class AcknowledgeView(FeedPage, View):
    """POST the Acknowledge button of a version of the procedures or of guidance."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AcknowledgeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That is not a document you can acknowledge.")
        else:
            try:
                actions.acknowledge(
                    acting_user=request.user,
                    kind=form.cleaned_data["kind"],
                    version_id=form.cleaned_data["id"],
                )
            except NotFound:
                raise Http404("no such document") from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except (Conflict, InvalidInput) as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Acknowledged. Thank you.")
        return HttpResponseRedirect(reverse("notifications:index"))
