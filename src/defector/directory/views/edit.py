"""Creating and changing posts, agencies, compartments and officials (administrators)."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from django.http import HttpResponse
from django.urls import reverse

from defector.core.forms import ActionForm
from defector.directory import actions, queries
from defector.directory.forms import (
    AgencyForm,
    CompartmentForm,
    NewOfficialForm,
    OfficialForm,
    PostForm,
)
from defector.directory.views.base import (
    ManageFormMixin,
    ManagePage,
)


class FormPage(ManageFormMixin, ManagePage):
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

    def bound_form(self) -> ActionForm:
        return self.make_form(self.request.POST)

    def success_message(self, result: Any) -> str:
        return self.done(result)[0]

    def success_url(self, result: Any) -> str:
        return self.done(result)[1]

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class PostCreateView(FormPage):
    form_class = PostForm
    heading = "Add a post"
    submit = "Add post"

    def act(self, form: Any) -> Any:
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

    def act(self, form: Any) -> Any:
        return actions.update_post(
            acting_user=self.request.user,
            post_id=self.kwargs["pk"],
            changes=form.action_data(),
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

    def act(self, form: Any) -> Any:
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

    def act(self, form: Any) -> Any:
        return actions.update_agency(
            acting_user=self.request.user,
            agency_id=self.kwargs["pk"],
            changes=form.action_data(),
        )

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Saved {obj.code} ({obj.name}).", reverse("directory:agencies")


class CompartmentCreateView(FormPage):
    form_class = CompartmentForm
    heading = "Add a compartment"
    submit = "Add compartment"
    section = "compartments"

    def act(self, form: Any) -> Any:
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

    def act(self, form: Any) -> Any:
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

    def act(self, form: Any) -> Any:
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

    def act(self, form: Any) -> Any:
        return actions.update_official(
            acting_user=self.request.user,
            official_id=self.kwargs["pk"],
            changes=form.action_data(),
        )

    def done(self, obj: Any) -> tuple[str, str]:
        return f"Saved {obj}.", reverse("directory:official", args=[obj.pk])

    def cancel_url(self) -> str:
        return reverse("directory:official", args=[self.kwargs["pk"]])
