"""The directory's lists and detail pages, for every official."""

from __future__ import annotations

from typing import Any

from defector.directory import queries
from defector.directory.forms import (
    AgencyFilterForm,
    CompartmentsForm,
    GrantRoleForm,
    OfficialFilterForm,
    PostFilterForm,
)
from defector.directory.views.base import (
    DirectoryPage,
    page_of,
    query_without_page,
)

# --- lists -----------------------------------------------------------------------------------


class PostsView(DirectoryPage):
    """Every post, with filters: kind, country, representation, active, text."""

    template_name = "directory/posts.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = PostFilterForm(self.request.GET)
        context["filter_form"] = form
        context["page"] = page_of(self.request, queries.posts(self.request.user, form.to_filter()))
        context["query"] = query_without_page(self.request)
        return context


class AgenciesView(DirectoryPage):
    template_name = "directory/agencies.html"
    section = "agencies"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = AgencyFilterForm(self.request.GET)
        context["filter_form"] = form
        context["page"] = page_of(
            self.request, queries.agencies(self.request.user, form.to_filter())
        )
        context["query"] = query_without_page(self.request)
        return context


class CompartmentsView(DirectoryPage):
    template_name = "directory/compartments.html"
    section = "compartments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page"] = page_of(self.request, queries.compartments(self.request.user))
        context["query"] = query_without_page(self.request)
        return context


class OfficialsView(DirectoryPage):
    """Every official, with filters: post (or Washington), agency, role, active, text."""

    template_name = "directory/officials.html"
    section = "officials"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = OfficialFilterForm(self.request.GET, user=user)
        context["filter_form"] = form
        context["page"] = page_of(self.request, queries.officials(user, form.to_filter()))
        context["query"] = query_without_page(self.request)
        return context


# --- details ---------------------------------------------------------------------------------


class PostDetailView(DirectoryPage):
    template_name = "directory/post_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        post = queries.post(self.request.user, self.kwargs["pk"])
        context["post"] = post
        context["officials"] = queries.officials_at(self.request.user, post)
        return context


class OfficialDetailView(DirectoryPage):
    """An official with their roles and compartments; administrators get the forms to grant
    and revoke roles, set compartments, and deactivate."""

    template_name = "directory/official_detail.html"
    section = "officials"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        official = queries.official(user, self.kwargs["pk"])
        context["official"] = official
        context["shows_details"] = queries.shows_details(user, official)
        if context["can_manage"]:
            context.setdefault("grant_form", GrantRoleForm(user=user))
            context.setdefault(
                "compartments_form",
                CompartmentsForm(
                    user=user,
                    initial={"compartments": [c.code for c in official.compartments.all()]},
                ),
            )
        return context
