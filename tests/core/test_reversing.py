"""``core.reversing.reverse`` answers what Django's ``reverse`` answers, refusals included,
for patterns that take any integer, some integers only, strings, and keywords; and
``{% url %}`` in the templates is the one that uses it."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.template import engines
from django.urls import NoReverseMatch, path, re_path
from django.urls import reverse as django_reverse
from django.utils import translation
from django.utils.safestring import SafeString

from defector.core.reversing import reverse
from defector.web.templatetags.urls import URLNode


def _view(request: Any) -> None:
    return None


urlpatterns = [
    path("cases/<int:case_id>/", _view, name="case"),
    path("cases/<int:case_id>/<slug:tab>/", _view, name="tab"),
    path("cases/<int:case_id>/items/<int:item>/", _view, name="item"),
    re_path(r"^years/(?P<year>[1-9][0-9]{3})/$", _view, name="year"),
    re_path(r"^codes/(?P<code>[1-9][0-9]*)/$", _view, name="code"),
    path("names/<str:name>/", _view, name="name"),
    path("plain/", _view, name="plain"),
]


@pytest.fixture
def here(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__


CASES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("plain", (), {}),
    ("case", (0,), {}),
    ("case", (7,), {}),
    ("case", (4969,), {}),
    ("case", (-1,), {}),
    ("case", (True,), {}),
    ("case", ("12",), {}),
    ("case", ("x",), {}),
    ("case", (), {"case_id": 31}),
    ("tab", (5, "notes"), {}),
    ("tab", (5, "bona-fides"), {}),
    ("tab", (5, SafeString("notes")), {}),
    ("tab", (5, "not a slug"), {}),
    ("item", (12, 345), {}),
    ("item", (), {"case_id": 12, "item": 0}),
    ("year", (1976,), {}),
    ("year", (976,), {}),
    ("year", (0,), {}),
    ("code", (5,), {}),
    ("code", (0,), {}),
    ("name", ("a b/c",), {}),
    ("name", (40,), {}),
    ("nothing", (), {}),
    ("case", (1, 2), {}),
]


def _django(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    try:
        return django_reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return "NoReverseMatch"


def _ours(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    try:
        return reverse(name, args, kwargs)
    except NoReverseMatch:
        return "NoReverseMatch"


@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_an_address_is_djangos_own_asked_twice(
    here: None, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    expected = _django(name, args, kwargs)
    assert _ours(name, args, kwargs) == expected
    assert _ours(name, args, kwargs) == expected  # from the shape, the second time


def test_a_pattern_refusing_some_integers_is_reversed_by_django_each_time(here: None) -> None:
    assert reverse("year", (1976,)) == "/years/1976/"
    with pytest.raises(NoReverseMatch):
        reverse("year", (5,))


class Translated:
    """A URL configuration whose addresses start with the language."""

    urlpatterns = i18n_patterns(path("cases/<int:case_id>/", _view, name="case"))


def test_an_address_in_the_language_is_djangos_in_each_language(settings: Any) -> None:
    settings.ROOT_URLCONF = Translated
    for language in ("de", "fr", "de"):
        with translation.override(language):
            assert (
                reverse("case", (5,)) == django_reverse("case", args=[5]) == f"/{language}/cases/5/"
            )


def test_the_url_tag_of_the_templates_is_the_one_reversed_from_shapes(here: None) -> None:
    template = engines["django"].from_string(
        "{% url 'tab' case_id 'notes' %} {% url 'nothing' as missing %}[{{ missing }}]"
    )
    assert isinstance(template.template.nodelist[0], URLNode)
    assert template.render({"case_id": 9}) == "/cases/9/notes/ []"
