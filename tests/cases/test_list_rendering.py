"""The case list's rows, its filters' selects, text input and fields, written out in Python,
are the HTML the templates they replace would give, byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template import TemplateSyntaxError, engines
from django.utils.safestring import mark_safe

from defector.cases.forms import CaseFilterForm
from defector.cases.forms.widgets import QuickInput, QuickSelect
from defector.cases.queries import CaseRow
from defector.cases.sections import RenderedBanner
from defector.cases.templatetags.case_list import case_list_rows

#: The loop the rows were rendered by before ``{% case_list_rows %}``.
LOOP = (
    "{% load cases %}{% for case, link in rows %}\n"
    '    <tr data-case="{{ case.cryptonym }}"{% if case.overdue_count %}'
    ' class="text-error-dark"{% endif %}>\n'
    '      <th scope="row" data-label="Cryptonym"><a class="usa-link" href="{{ link }}">'
    "{{ case.cryptonym }}</a></th>\n"
    '      <td data-label="Kind">{{ case.kind_label }}</td>\n'
    '      <td data-label="Post">{{ case.post }}</td>\n'
    '      <td data-label="Stage" data-stage="{{ case.stage }}">{{ case.stage_label }}'
    "{% if case.outcome %}: {{ case.outcome_label|lower }}{% endif %}</td>\n"
    '      <td data-label="Categories">{% for category in case.categories %}'
    "{{ category|words }}{% if not forloop.last %}, {% endif %}{% empty %}"
    '<span class="text-base">None assessed</span>{% endfor %}</td>\n'
    '      <td data-label="Obligations">{{ case.open_count }} open{% if case.overdue_count %}'
    ' <span class="usa-tag bg-error-dark" data-overdue>{{ case.overdue_count }} overdue</span>'
    "{% endif %}</td>\n"
    '      <td data-label="Sensitivity">{{ case.sensitivity }}</td>\n'
    '      <td data-label="Opened"><time datetime="{{ case.opened_at|date:\'c\' }}">'
    "{{ case.opened_at|utc }}</time></td>\n"
    "    </tr>\n"
    "    {% endfor %}"
)


def row(**changes: object) -> CaseRow:
    fields: dict[str, object] = {
        "id": 7,
        "cryptonym": "AB<&\"'>",
        "kind": "walk_in",
        "post": "Embassy <Vienna> & co",
        "stage": "closed",
        "outcome": "resettled",
        "categories": ("defector", "walk_in", "no_such_<category>"),
        "open_count": 3,
        "overdue_count": 2,
        "sensitivity": "secret",
        "opened_at": dt.datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=dt.UTC),
    }
    return CaseRow(**(fields | changes))  # type: ignore[arg-type]


def test_the_rows_are_the_html_of_the_loop_they_replace() -> None:
    rows = [
        (row(), "/cases/7/?a=1&b=<2>"),
        (row(outcome="", categories=(), overdue_count=0, stage="no_such_stage"), "/cases/8/"),
        (row(kind="unknown", opened_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)), "/cases/9/"),
    ]
    expected = engines["django"].from_string(LOOP).render({"rows": rows})

    assert case_list_rows(rows) == expected
    assert case_list_rows([]) == ""


class Filters(forms.Form):
    plain = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("a&b", "A & <b>"), ("7", mark_safe("<i>safe</i>"))],
        widget=forms.Select(attrs={"class": "usa-select", "data-x": '"q"', "off": False}),
    )
    grouped = forms.ChoiceField(
        choices=[("", "None"), ("Group <1>", [("1", "One"), ("2", "Two")]), ("3", "Three")],
        widget=forms.Select(attrs={"required": True}),
        help_text="Help",
    )


def quick(form: Filters) -> Filters:
    """``form`` with each select a :class:`QuickSelect` of the same attributes and choices."""
    for field in form.fields.values():
        widget = QuickSelect(attrs=field.widget.attrs)
        widget.choices = field.widget.choices
        field.widget = widget
    return form


def test_a_quick_select_is_the_html_of_djangos_select() -> None:
    for data in ({"plain": "a&b", "grouped": "2"}, {"plain": "nope"}, None):
        django_form, quick_form = Filters(data), quick(Filters(data))
        if data is not None:  # with the errors' attributes (aria-invalid, aria-describedby)
            django_form.is_valid()
            quick_form.is_valid()

        assert [str(quick_form[name]) for name in quick_form.fields] == [
            str(django_form[name]) for name in django_form.fields
        ]


class Texts(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=5,
        label="Text <q>",
        widget=forms.TextInput(attrs={"class": "usa-input", "data-x": '"q"', "off": False}),
    )
    needed = forms.CharField(label=mark_safe("<b>Needed</b>"), help_text="Help & <more>")


def quick_texts(form: Texts) -> Texts:
    for field in form.fields.values():
        field.widget = QuickInput(attrs=field.widget.attrs)
    return form


def test_a_quick_input_is_the_html_of_djangos_text_input() -> None:
    for data in ({"q": 'a"<b>&', "needed": "x"}, {"q": "too long"}, None):
        django_form, quick_form = Texts(data), quick_texts(Texts(data))
        if data is not None:
            django_form.is_valid()
            quick_form.is_valid()

        assert [str(quick_form[name]) for name in quick_form.fields] == [
            str(django_form[name]) for name in django_form.fields
        ]


class Boxes(forms.Form):
    one = forms.BooleanField(required=False, label="One")


FIELD = '{% include "web/includes/field.html" with field=field %}'


def test_a_filter_field_is_the_html_of_the_field_include() -> None:
    include = engines["django"].from_string(FIELD)
    written = engines["django"].from_string("{% load case_list %}{% filter_field field %}")
    for data in (
        {"plain": "a&b", "grouped": "2", "q": "x", "needed": "y"},
        {"plain": "nope"},
        None,
    ):
        for form in (Filters(data), Texts(data)):
            if data is not None:
                form.is_valid()
            for name in form.fields:
                for context in ({}, {"hide_required": True}):
                    assert written.render({"field": form[name], **context}) == include.render(
                        {"field": form[name], **context}
                    ), (type(form).__name__, name, data, context)

    with pytest.raises(TemplateSyntaxError):
        written.render({"field": Boxes()["one"]})


def test_a_filter_field_rendered_again_follows_its_choices_value_and_label() -> None:
    include = engines["django"].from_string(FIELD)
    written = engines["django"].from_string("{% load case_list %}{% filter_field field %}")
    for choices, data, label in (
        ([("", "Any"), ("1", "One")], None, "Plain"),
        ([("", "Any"), ("1", "One"), ("2", "Two <2>")], None, "Plain"),
        ([("", "Any"), ("1", "One"), ("2", "Two <2>")], {"plain": "2"}, "Plain"),
        ([("", "Any"), ("1", "One"), ("2", "Two <2>")], {"plain": "2"}, "Renamed"),
    ):
        for _ in range(2):  # the second time from what was kept
            form = quick(Filters(data))
            field: forms.ChoiceField = form.fields["plain"]  # type: ignore[assignment]
            field.choices = choices
            field.label = label
            assert written.render({"field": form["plain"]}) == include.render(
                {"field": form["plain"]}
            ), (choices, data, label)


def test_each_case_filter_form_has_its_own_fields_and_choices() -> None:
    first = CaseFilterForm(None, user=AnonymousUser())
    second = CaseFilterForm(None, user=AnonymousUser())
    for name, declared in CaseFilterForm.base_fields.items():
        assert first.fields[name] is not declared
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].widget is not second.fields[name].widget
        assert first.fields[name].widget.attrs is not second.fields[name].widget.attrs
        if isinstance(declared, forms.ChoiceField):
            mine: forms.ChoiceField = first.fields[name]  # type: ignore[assignment]
            theirs: forms.ChoiceField = second.fields[name]  # type: ignore[assignment]
            assert mine.choices == theirs.choices
            assert mine.choices is not theirs.choices
    stage: forms.ChoiceField = first.fields["stage"]  # type: ignore[assignment]
    stage.choices = [("", "Only this form")]
    assert list(second.fields["stage"].choices)[1:]  # type: ignore[attr-defined]
    assert CaseFilterForm.base_fields["stage"].choices != stage.choices  # type: ignore[attr-defined]
    post: forms.ChoiceField = first.fields["post"]  # type: ignore[assignment]
    assert post.choices == [("", "All posts")] == post.widget.choices  # type: ignore[attr-defined]


#: ``cases/index.html``'s content block as it was before ``{% case_list_content %}``.
REFERENCE = Path(__file__).parent / "reference" / "index.html"


def reference_content() -> str:
    source = REFERENCE.read_text()
    start = source.index("{% block content %}") + len("{% block content %}")
    content = source[start : source.rindex("{% endblock %}")]
    return "{% load clauses cases case_list %}" + content


def content_context(
    *,
    cases: int,
    number: int = 1,
    data: dict[str, str] | None = None,
    can_open: bool = True,
    query: str = "",
    banners: list[RenderedBanner] | None = None,
) -> dict[str, object]:
    form = CaseFilterForm(data, user=AnonymousUser())
    filters = form.filters()
    listed = [row(id=pk, cryptonym=f"C{pk}<&>", overdue_count=pk % 2) for pk in range(cases)]
    page = Paginator(listed, 3).get_page(number)
    return {
        "form": form,
        "page": page,
        "filtered": filters.active or bool(data),
        "query": query,
        "rows": [(case, f"/cases/{case.id}/") for case in page],
        "can_open": can_open,
        "banners": banners or [],
    }


SCENES_OF_THE_LIST: dict[str, dict[str, object]] = {
    "empty": content_context(cases=0),
    "empty, may not open": content_context(cases=0, can_open=False),
    "empty, filtered": content_context(cases=0, data={"stage": "intake"}),
    "one page": content_context(cases=2, can_open=False),
    "first of three": content_context(cases=8),
    "second of three, queried": content_context(
        cases=8, number=2, query="stage=intake&q=<a&b>", data={"stage": "intake"}
    ),
    "last of three": content_context(cases=8, number=3, query="kind=walk_in"),
    "with errors": content_context(cases=4, data={"stage": "bogus", "post": "x", "q": "y" * 300}),
    "with a banner": content_context(
        cases=1,
        banners=[
            RenderedBanner("a", "web/includes/outcome.html", {"x": 1}),
            RenderedBanner("b", "dissemination/list_banner.html", {"items": [], "clause": "6b"}),
        ],
    ),
}


@pytest.mark.parametrize("scene", list(SCENES_OF_THE_LIST))
def test_the_list_content_is_the_html_of_the_template_it_replaces(scene: str) -> None:
    context = SCENES_OF_THE_LIST[scene]
    engine = engines["django"]
    expected = engine.from_string(reference_content()).render(context)
    written = engine.from_string("{% load case_list_page %}{% case_list_content %}")

    assert written.render(context) == expected
    assert written.render(context) == expected  # again, from what was kept


def test_the_list_template_holds_only_its_title_and_content() -> None:
    source = (
        Path(__file__).parents[2] / "src/defector/cases/templates/cases/index.html"
    ).read_text()
    reference = REFERENCE.read_text()

    assert source.split("{% block content %}")[0].split("\n")[0] == reference.split("\n")[0]
    assert "{% block title %}{% if form.errors %}Error: {% endif %}Cases{% endblock %}" in source
    assert "{% block content %}{% case_list_content %}{% endblock %}" in source
