"""What every directory page shares: the sections, paging, who may see and who may manage."""

from __future__ import annotations

from typing import Any, ClassVar, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse
from django.views.generic import TemplateView

from defector.core.errors import NotFound, PermissionDenied
from defector.core.views import ActionFormMixin
from defector.directory import queries

PER_PAGE: Final = 50

#: The directory's sections, as its tabs list them: (key, label, URL name).
SECTIONS: Final = (
    ("posts", "Posts", "directory:index"),
    ("officials", "Officials", "directory:officials"),
    ("agencies", "Agencies", "directory:agencies"),
    ("compartments", "Compartments", "directory:compartments"),
)


def page_of(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class DirectoryPage(LoginRequiredMixin, TemplateView):
    """A page of the directory: signed-in officials and administrators only (403 otherwise);
    a row that is missing or not the user's to see is 404."""

    section: ClassVar[str] = "posts"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.can_view(request.user):
            raise DjangoPermissionDenied("the directory is for officials")
        try:
            return super().dispatch(request, *args, **kwargs)
        except (NotFound, PermissionDenied):
            raise Http404("not found") from None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sections"] = [
            {"key": key, "label": label, "url": reverse(name), "current": key == self.section}
            for key, label, name in SECTIONS
        ]
        context["can_manage"] = queries.can_manage(self.request.user)
        return context


class ManagePage(DirectoryPage):
    """A management page: administrators only; to anyone else it does not exist (404)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.can_manage(request.user):
            raise Http404("not found")
        return super().dispatch(request, *args, **kwargs)


class ManageFormMixin(ActionFormMixin):
    """A management form posting to an action: a refusal for want of permission answers 404,
    as the management pages do for anyone but administrators."""

    permission_refusal = "404"
