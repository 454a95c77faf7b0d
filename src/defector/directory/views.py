"""The directory's pages (``/directory/``): posts, agencies, officials and compartments.

Every official (and every administrator) may look the directory up; only administrators see
the management forms, and anyone else gets 404 from a management address. Views are thin:
they read through ``queries``, write through ``actions``, and put an action's field errors
back on the form.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Final

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.directory import actions, queries
from defector.directory.forms import (
    ActionForm,
    AgencyFilterForm,
    AgencyForm,
    CompartmentForm,
    CompartmentsForm,
    GrantRoleForm,
    NewOfficialForm,
    OfficialFilterForm,
    OfficialForm,
    PostFilterForm,
    PostForm,
)

PER_PAGE: Final = 50

#: The directory's sections, as its tabs list them: (key, label, URL name).
SECTIONS: Final = (
    ("posts", "Posts", "directory:index"),
    ("officials", "Officials", "directory:officials"),
    ("agencies", "Agencies", "directory:agencies"),
    ("compartments", "Compartments", "directory:compartments"),
)


def _page(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
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


# --- lists -----------------------------------------------------------------------------------


class PostsView(DirectoryPage):
    """Every post, with filters: kind, country, representation, active, text."""

    template_name = "directory/posts.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = PostFilterForm(self.request.GET)
        context["filter_form"] = form
        context["page"] = _page(self.request, queries.posts(self.request.user, form.to_filter()))
        context["query"] = _query_without_page(self.request)
        return context


class AgenciesView(DirectoryPage):
    template_name = "directory/agencies.html"
    section = "agencies"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = AgencyFilterForm(self.request.GET)
        context["filter_form"] = form
        context["page"] = _page(self.request, queries.agencies(self.request.user, form.to_filter()))
        context["query"] = _query_without_page(self.request)
        return context


class CompartmentsView(DirectoryPage):
    template_name = "directory/compartments.html"
    section = "compartments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page"] = _page(self.request, queries.compartments(self.request.user))
        context["query"] = _query_without_page(self.request)
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
        context["page"] = _page(self.request, queries.officials(user, form.to_filter()))
        context["query"] = _query_without_page(self.request)
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


# --- create and edit -------------------------------------------------------------------------


class FormPage(ManagePage, ABC):
    """A create or edit form whose valid data goes to one action."""

    template_name = "directory/form.html"
    form_class: ClassVar[type[ActionForm]]
    heading: ClassVar[str] = ""
    submit: ClassVar[str] = "Save"
    intro: ClassVar[str] = ""

    def make_form(self, data: Any = None) -> ActionForm:
        return self.form_class(data, initial=self.initial())

    def initial(self) -> dict[str, Any]:
        return {}

    @abstractmethod
    def perform(self, form: ActionForm) -> Any:
        """Call the action with the valid form; return what it made or changed."""

    @abstractmethod
    def done(self, obj: Any) -> tuple[str, str]:
        """The success message and where to go next."""

    def cancel_url(self) -> str:
        return reverse("directory:index")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.make_form())
        context["heading"] = self.heading_text()
        context["submit"] = self.submit
        context["intro"] = self.intro
        context["cancel_url"] = self.cancel_url()
        return context

    def heading_text(self) -> str:
        return self.heading

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                obj = self.perform(form)
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            else:
                message, url = self.done(obj)
                messages.success(request, message)
                return HttpResponseRedirect(url)
        return self.render_to_response(self.get_context_data(form=form))


class PostCreateView(FormPage):
    form_class = PostForm
    heading = "Add a post"
    submit = "Add post"

    def perform(self, form: ActionForm) -> Any:
        return actions.create_post(acting_user=self.request.user, **form.action_data())

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Added {obj.name} ({obj.code}).", reverse("directory:post", args=[obj.pk])


class PostEditView(FormPage):
    form_class = PostForm
    submit = "Save changes"

    def target(self) -> Any:
        return queries.post_to_manage(self.request.user, self.kwargs["pk"])

    def heading_text(self) -> str:
        return f"Change {self.target().name}"

    def initial(self) -> dict[str, Any]:
        post = self.target()
        return {name: getattr(post, name) for name in actions.POST_FIELDS}

    def perform(self, form: ActionForm) -> Any:
        return actions.update_post(
            acting_user=self.request.user, post_id=self.kwargs["pk"], changes=form.action_data()
        )

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Saved {obj.name} ({obj.code}).", reverse("directory:post", args=[obj.pk])

    def cancel_url(self) -> str:
        return reverse("directory:post", args=[self.kwargs["pk"]])


class AgencyCreateView(FormPage):
    form_class = AgencyForm
    heading = "Add an agency"
    submit = "Add agency"
    section = "agencies"

    def perform(self, form: ActionForm) -> Any:
        return actions.create_agency(acting_user=self.request.user, **form.action_data())

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Added {obj.code} ({obj.name}).", reverse("directory:agencies")

    def cancel_url(self) -> str:
        return reverse("directory:agencies")


class AgencyEditView(AgencyCreateView):
    submit = "Save changes"

    def heading_text(self) -> str:
        return f"Change {queries.agency_to_manage(self.request.user, self.kwargs['pk']).code}"

    def initial(self) -> dict[str, Any]:
        agency = queries.agency_to_manage(self.request.user, self.kwargs["pk"])
        return {name: getattr(agency, name) for name in actions.AGENCY_FIELDS}

    def perform(self, form: ActionForm) -> Any:
        return actions.update_agency(
            acting_user=self.request.user, agency_id=self.kwargs["pk"], changes=form.action_data()
        )

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Saved {obj.code} ({obj.name}).", reverse("directory:agencies")


class CompartmentCreateView(FormPage):
    form_class = CompartmentForm
    heading = "Add a compartment"
    submit = "Add compartment"
    section = "compartments"

    def perform(self, form: ActionForm) -> Any:
        return actions.create_compartment(acting_user=self.request.user, **form.action_data())

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Added compartment {obj.code}.", reverse("directory:compartments")

    def cancel_url(self) -> str:
        return reverse("directory:compartments")


class CompartmentEditView(CompartmentCreateView):
    submit = "Save changes"

    def target(self) -> Any:
        return queries.compartment_to_manage(self.request.user, self.kwargs["pk"])

    def heading_text(self) -> str:
        return f"Change compartment {self.target().code}"

    def initial(self) -> dict[str, Any]:
        compartment = self.target()
        return {"code": compartment.code, "name": compartment.name}

    def perform(self, form: ActionForm) -> Any:
        return actions.update_compartment(
            acting_user=self.request.user,
            compartment_id=self.kwargs["pk"],
            changes=form.action_data(),
        )

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Saved compartment {obj.code}.", reverse("directory:compartments")


class OfficialCreateView(FormPage):
    form_class = NewOfficialForm
    heading = "Add an official"
    submit = "Add official"
    section = "officials"
    intro = "Creates the official's account too. Grant roles on the official's page next."

    def make_form(self, data: Any = None) -> ActionForm:
        return NewOfficialForm(data, user=self.request.user)

    def perform(self, form: ActionForm) -> Any:
        return actions.create_official(acting_user=self.request.user, **form.action_data())

    def done(self, obj: Any) -> tuple[str, str]:
        message = f"Added {obj} ({obj.username})."
        if not obj.user.has_usable_password():
            message += f" Set their password with: defector changepassword {obj.username}"
        return message, reverse("directory:official", args=[obj.pk])

    def cancel_url(self) -> str:
        return reverse("directory:officials")


class OfficialEditView(FormPage):
    submit = "Save changes"
    section = "officials"

    def target(self) -> Any:
        return queries.official_to_manage(self.request.user, self.kwargs["pk"])

    def heading_text(self) -> str:
        return f"Change {self.target()}"

    def make_form(self, data: Any = None) -> ActionForm:
        official = self.target()
        initial = {
            "first_name": official.user.first_name,
            "last_name": official.user.last_name,
            "email": official.user.email,
            "title": official.title,
            "agency": official.agency.code,
            "post": official.post.code if official.post is not None else "",
            "clearance": official.clearance,
            "compartments": [c.code for c in official.compartments.all()],
        }
        return OfficialForm(data, user=self.request.user, initial=initial)

    def perform(self, form: ActionForm) -> Any:
        return actions.update_official(
            acting_user=self.request.user,
            official_id=self.kwargs["pk"],
            changes=form.action_data(),
        )

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Saved {obj}.", reverse("directory:official", args=[obj.pk])

    def cancel_url(self) -> str:
        return reverse("directory:official", args=[self.kwargs["pk"]])


# --- an official's roles, compartments and account -------------------------------------------


class OfficialChangeView(ManagePage):
    """POST-only changes made from an official's page; errors go back to that page."""

    http_method_names = ["post"]

    def official_url(self) -> str:
        return reverse("directory:official", args=[self.kwargs["pk"]])

    def detail(self, **context: Any) -> HttpResponse:
        page = OfficialDetailView()
        page.setup(self.request, *self.args, **self.kwargs)
        return page.render_to_response(page.get_context_data(**context))


class GrantRoleView(OfficialChangeView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = GrantRoleForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                assignment = actions.grant_role(
                    acting_user=request.user,
                    official_id=kwargs["pk"],
                    role=form.cleaned_data["role"],
                    post=form.cleaned_data["post"] or None,
                )
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            else:
                messages.success(request, f"Granted {assignment} to {assignment.official}.")
                return HttpResponseRedirect(self.official_url())
        return self.detail(grant_form=form)


class RevokeRoleView(OfficialChangeView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            assignment = actions.revoke_role(
                acting_user=request.user, official_id=kwargs["pk"], role_id=kwargs["role_id"]
            )
        except InvalidInput as exc:
            messages.error(request, "; ".join(e["message"] for e in exc.errors))
        else:
            messages.success(request, f"Revoked {assignment} from {assignment.official}.")
        return HttpResponseRedirect(self.official_url())


class SetCompartmentsView(OfficialChangeView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CompartmentsForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                official = actions.set_compartments(
                    acting_user=request.user,
                    official_id=kwargs["pk"],
                    compartments=form.cleaned_data["compartments"],
                )
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            else:
                held = ", ".join(c.code for c in official.compartments.all()) or "none"
                messages.success(request, f"{official} is read into: {held}.")
                return HttpResponseRedirect(self.official_url())
        return self.detail(compartments_form=form)


class SetActiveView(OfficialChangeView):
    """Deactivate (``active=False``) or reactivate an official's account."""

    active: ClassVar[bool] = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        change = actions.reactivate_official if self.active else actions.deactivate_official
        try:
            official = change(acting_user=request.user, official_id=kwargs["pk"])
        except InvalidInput as exc:
            messages.error(request, "; ".join(e["message"] for e in exc.errors))
        else:
            state = "may sign in again" if self.active else "can no longer sign in"
            messages.success(request, f"{official} {state}.")
        return HttpResponseRedirect(self.official_url())
