"""The case page's parts written out in Python are the HTML of the templates they replace, byte
for byte: the quick widgets against Django's own, the row of tabs against its loop."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template import Context, engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils.safestring import mark_safe

from defector.cases.forms.widgets import QuickHiddenInput, QuickTextarea
from defector.cases.sections import OVERVIEW, Tab
from defector.cases.templatetags.case_page import tab_addresses, tab_addresses_of

#: The loop the row of tabs was rendered by before ``{% case_tabs %}``.
TABS_LOOP = (
    '{% for item in tabs %}<li class="case-tabs__item"><a class="case-tabs__link" '
    'data-tab="{{ item.key }}" href="{% if item.key == \'overview\' %}'
    "{% url 'cases:detail' case_id %}{% else %}{% url 'cases:tab' case_id item.key %}"
    '{% endif %}"{% if item.current %} aria-current="page"{% endif %}>{{ item.label }}'
    '{% if item.badge %} <span class="case-tabs__badge" data-badge>{{ item.badge }}'
    '<span class="usa-sr-only"> open</span></span>{% endif %}</a></li>{% endfor %}'
)


class Plain(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        required=False, max_length=5, widget=forms.Textarea(attrs={"class": "t", "rows": "2"})
    )
    flagged = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"data-on": True, "data-off": False})
    )


class Quick(forms.Form):
    version = forms.IntegerField(widget=QuickHiddenInput)
    text = forms.CharField(
        required=False, max_length=5, widget=QuickTextarea(attrs={"class": "t", "rows": "2"})
    )
    flagged = forms.CharField(
        required=False, widget=QuickTextarea(attrs={"data-on": True, "data-off": False})
    )


def rendered(form: forms.Form) -> list[str]:
    return [str(form[name]) for name in form.fields]


def test_quick_hidden_inputs_and_text_areas_are_the_html_of_djangos() -> None:
    cases: list[Any] = [
        None,
        {"version": "3", "text": "", "flagged": ""},
        {"version": "", "text": "a <b> & \"c\" 'd'\nline", "flagged": "x"},
        {"version": "x&y", "text": "toolong", "flagged": mark_safe("<i>safe</i>")},
    ]
    for data in cases:
        plain, quick = Plain(data), Quick(data)
        if data is not None:  # with the errors' attributes (aria-invalid, aria-describedby)
            plain.is_valid()
            quick.is_valid()
        assert rendered(quick) == rendered(plain)
    initial = {"version": 7, "text": "<x>", "flagged": mark_safe("&amp;")}
    assert rendered(Quick(initial=initial)) == rendered(Plain(initial=initial))


def test_the_row_of_tabs_is_the_html_of_its_loop() -> None:
    tabs = [
        Tab(OVERVIEW, "Overview", current=True),
        Tab("obligations", "Obligations", badge=3),
        Tab("tasks", "Tasks <&>", badge=None),
        Tab("name-traces", 'Name "traces"', current=False, badge=0),
        Tab("notes", mark_safe("<em>Notes</em>"), current=True, badge=12),
    ]
    engine = engines["django"]
    request = RequestFactory().get("/cases/7/")
    context = {"tabs": tabs, "case_id": 7}
    loop = engine.from_string(TABS_LOOP).render(context, request)
    tag = engine.from_string("{% load case_page %}{% case_tabs tabs case_id %}")
    assert tag.render(context, request) == loop


def test_a_row_of_tabs_kept_for_its_tabs_takes_each_case_s_id() -> None:
    sample = "90000000000000001"
    engine = engines["django"]
    tag = engine.from_string("{% load case_page %}{% case_tabs tabs case_id %}")
    loop = engine.from_string(TABS_LOOP)
    for tabs in (
        [Tab(OVERVIEW, "Overview", current=True), Tab("notes", "Notes", badge=7)],
        # a label that holds the sample id is never kept: written each time
        [Tab(OVERVIEW, "Overview"), Tab("notes", f"Notes {sample}", current=True, badge=1)],
    ):
        for case_id in (7, 7, 123456, 90000000000000001, 7):
            request = RequestFactory().get(f"/cases/{case_id}/")
            context = {"tabs": tabs, "case_id": case_id}
            assert tag.render(context, request) == loop.render(context, request)


def test_a_renderings_tab_addresses_are_made_once_for_each_case_as_url_writes_them() -> None:
    first, second = Context(), Context()
    made = tab_addresses_of(first, 7, None)
    assert tab_addresses_of(first, 7, None) is made  # the Next steps' and the summary's
    assert tab_addresses_of(first, 8, None) is not made
    assert tab_addresses_of(second, 7, None) is not made  # a new rendering makes its own
    assert made("assessment") == tab_addresses(7, None)("assessment")
    assert made("assessment") == reverse("cases:tab", args=[7, "assessment"])
