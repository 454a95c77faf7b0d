"""Forms of the directory's pages: they shape input; the actions decide what is acceptable.

Choices (agencies, posts, compartments, clearances) come from ``directory.queries``; the
errors an action raises are put back on the form's fields (``core.forms.ActionForm``), so they
show in the error summary like the Assess page's.
"""

from __future__ import annotations

from typing import Any, Final, cast

from django import forms

from defector.core.forms import MULTIPLE_HINT, ActionForm, UswdsBoundField, checkbox_list
from defector.core.users import AnyUser
from defector.directory import queries
from defector.directory.choices import AgencyKind, PostKind
from defector.policy import countries

ANY: Final = ("", "Any")
YES_NO_ANY: Final = [ANY, ("yes", "Yes"), ("no", "No")]


def _input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "usa-input", **attrs})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "usa-select"})


def _checkbox() -> forms.CheckboxInput:
    return forms.CheckboxInput(attrs={"class": "usa-checkbox__input"})


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


# --- agencies, compartments, posts -----------------------------------------------------------


class AgencyForm(ActionForm):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="Short name, e.g. CIA, STATE, USAREUR; stored in capitals.",
        widget=_input(autocapitalize="characters", spellcheck="false"),
    )
    name = forms.CharField(
        label="Name", max_length=200, help_text="e.g. Central Intelligence Agency.", widget=_input()
    )
    kind = forms.ChoiceField(label="Kind", choices=AgencyKind.choices, widget=_select())
    active = forms.BooleanField(
        required=False,
        initial=True,
        label="Active",
        help_text="An inactive agency stays on record but is offered for nothing new.",
        widget=_checkbox(),
    )


class CompartmentForm(ActionForm):
    code = forms.CharField(
        label="Code",
        max_length=30,
        help_text="Code word, e.g. HARBOR; stored in capitals.",
        widget=_input(autocapitalize="characters", spellcheck="false"),
    )
    name = forms.CharField(label="What it covers", max_length=200, widget=_input())


def _country_choices() -> list[tuple[str, str]]:
    return [("", "- Select a country -"), *countries.choices()]


class PostForm(ActionForm):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="Short name, e.g. VIENNA; stored in capitals.",
        widget=_input(autocapitalize="characters", spellcheck="false"),
    )
    name = forms.CharField(
        label="Name", max_length=200, help_text="e.g. Embassy Vienna.", widget=_input()
    )
    kind = forms.ChoiceField(label="Kind", choices=PostKind.choices, widget=_select())
    country = forms.ChoiceField(
        label="Host country",
        choices=_country_choices,
        error_messages={"required": "Select the host country."},
        widget=_select(),
    )
    city = forms.CharField(label="City", max_length=100, widget=_input())
    diplomatic_representation = forms.BooleanField(
        required=False,
        initial=True,
        label="The US has diplomatic representation here",
        help_text="A post with representation needs a local Defector Committee (6).",
        widget=_checkbox(),
    )
    active = forms.BooleanField(
        required=False,
        initial=True,
        label="Active",
        help_text="An inactive (closed) post stays on record with its cases.",
        widget=_checkbox(),
    )


# --- officials -------------------------------------------------------------------------------


class OfficialForm(ActionForm):
    """An official's details; the create form adds the sign-in name and a password."""

    first_name = forms.CharField(
        label="Given name", max_length=150, required=False, widget=_input(autocomplete="off")
    )
    last_name = forms.CharField(
        label="Family name", max_length=150, required=False, widget=_input(autocomplete="off")
    )
    email = forms.EmailField(
        label="E-mail", required=False, widget=forms.EmailInput(attrs={"class": "usa-input"})
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="e.g. Political Officer, Defense Attaché.",
        widget=_input(),
    )
    agency = forms.ChoiceField(label="Agency", widget=_select())
    post = forms.ChoiceField(
        label="Post",
        required=False,
        help_text="Where the official serves; Washington for none.",
        widget=_select(),
    )
    clearance = forms.ChoiceField(label="Clearance", widget=_select())
    compartments = forms.MultipleChoiceField(
        label="Compartments",
        required=False,
        help_text="The compartments the official is read into. " + MULTIPLE_HINT,
        widget=checkbox_list(),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        include = self.is_bound or bool(self.initial)
        _choices(self, "agency").choices = [
            ("", "- Select an agency -"),
            *queries.agency_choices(user, include_inactive=include),
        ]
        _choices(self, "post").choices = [
            ("", "Washington (no post)"),
            *queries.post_choices(user, include_inactive=include),
        ]
        _choices(self, "clearance").choices = [
            ("", "- Select a clearance -"),
            *queries.clearance_choices(),
        ]
        _choices(self, "compartments").choices = queries.compartment_choices(user)

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "title": data["title"],
            "agency": data["agency"],
            "post": data["post"] or None,
            "clearance": data["clearance"],
            "compartments": list(data["compartments"]),
        }


class NewOfficialForm(OfficialForm):
    username = forms.CharField(
        label="Sign-in name",
        max_length=150,
        help_text="e.g. vienna.member. Letters, digits and @ . + - _ only.",
        widget=_input(autocomplete="off", autocapitalize="none", spellcheck="false"),
    )
    password = forms.CharField(
        label="Initial password",
        required=False,
        strip=False,
        help_text="Optional. Without one the official cannot sign in until an operator sets "
        "it with defector changepassword.",
        widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "new-password"}),
    )
    link_existing = forms.BooleanField(
        label="Use the existing account of this name",
        required=False,
        help_text="For an account that exists but is not yet in the directory.",
        widget=_checkbox(),
    )

    field_order = ["username", "first_name", "last_name", "email", "title"]

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().action_data(),
            "username": data["username"],
            "password": data["password"] or None,
            "link_existing": data["link_existing"],
        }


class GrantRoleForm(ActionForm):
    role = forms.ChoiceField(label="Role", widget=_select())
    post = forms.ChoiceField(
        label="At post",
        required=False,
        help_text="Case officer, committee member or chair, invited and senior US "
        "representative are held at a post; the other roles at none.",
        widget=_select(),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "grant")
        super().__init__(*args, **kwargs)
        _choices(self, "role").choices = [("", "- Select a role -"), *queries.role_choices()]
        _choices(self, "post").choices = [("", "No post"), *queries.post_choices(user)]


class CompartmentsForm(ActionForm):
    compartments = forms.MultipleChoiceField(
        label="Compartments",
        required=False,
        help_text="Exactly the compartments the official is read into. " + MULTIPLE_HINT,
        widget=checkbox_list(),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "read-in")
        super().__init__(*args, **kwargs)
        _choices(self, "compartments").choices = queries.compartment_choices(user)


# --- filters ---------------------------------------------------------------------------------


class FilterForm(forms.Form):
    """A GET form of list filters; an invalid value is ignored rather than refused."""

    bound_field_class = UswdsBoundField
    q = forms.CharField(label="Search", required=False, widget=_input(type="search"))

    def value(self, name: str) -> Any:
        self.is_valid()  # fills cleaned_data with the fields that are valid
        return self.cleaned_data.get(name) or ""


class PostFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[ANY, *PostKind.choices], widget=_select()
    )
    country = forms.ChoiceField(
        label="Country",
        required=False,
        choices=lambda: [ANY, *countries.choices()],
        widget=_select(),
    )
    representation = forms.ChoiceField(
        label="Diplomatic representation", required=False, choices=YES_NO_ANY, widget=_select()
    )
    active = forms.ChoiceField(label="Active", required=False, choices=YES_NO_ANY, widget=_select())

    field_order = ["q", "kind", "country", "representation", "active"]

    def to_filter(self) -> queries.PostFilter:
        return queries.PostFilter(
            kind=self.value("kind"),
            country=self.value("country"),
            representation=_yes_no(self.value("representation")),
            active=_yes_no(self.value("active")),
            q=self.value("q"),
        )


class AgencyFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[ANY, *AgencyKind.choices], widget=_select()
    )
    active = forms.ChoiceField(label="Active", required=False, choices=YES_NO_ANY, widget=_select())

    def to_filter(self) -> queries.AgencyFilter:
        return queries.AgencyFilter(
            kind=self.value("kind"), active=_yes_no(self.value("active")), q=self.value("q")
        )


class OfficialFilterForm(FilterForm):
    post = forms.ChoiceField(label="Post", required=False, widget=_select())
    agency = forms.ChoiceField(label="Agency", required=False, widget=_select())
    role = forms.ChoiceField(label="Role", required=False, widget=_select())
    active = forms.ChoiceField(
        label="May sign in", required=False, choices=YES_NO_ANY, widget=_select()
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "post").choices = [
            ANY,
            (queries.WASHINGTON, "Washington (no post)"),
            *queries.post_choices(user, include_inactive=True),
        ]
        _choices(self, "agency").choices = [
            ANY,
            *queries.agency_choices(user, include_inactive=True),
        ]
        _choices(self, "role").choices = [ANY, *queries.role_choices()]

    def to_filter(self) -> queries.OfficialFilter:
        return queries.OfficialFilter(
            post=self.value("post"),
            agency=self.value("agency"),
            role=self.value("role"),
            active=_yes_no(self.value("active")),
            q=self.value("q"),
        )
