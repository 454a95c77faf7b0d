"""``{% fragment %}``: a part rendered once for its dependencies, each request's CSRF token in
it; and the shell's parts as the templates render them without it."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from django.middleware import csrf
from django.middleware.csrf import get_token
from django.template import Context, TemplateSyntaxError, engines
from django.test import Client, RequestFactory
from django.urls import set_script_prefix

from defector.core import rendering
from defector.web.templatetags import fragments

PART = (
    "{% load fragments %}{% fragment 'test-part' who %}{{ who }}-{{ other }}"
    "{% csrf_token %}{% endfragment %}"
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def render(text: str, **context: object) -> tuple[str, str]:
    """The text rendered for a request of its own, and that request's CSRF secret."""
    request = RequestFactory().get("/")
    get_token(request)
    return engines["django"].from_string(text).render(context, request), request.META["CSRF_COOKIE"]


def unmasked(token: str) -> str:
    """A masked CSRF token's secret (``django.middleware.csrf``'s masking: the first half is
    the mask, added to the secret character by character)."""
    chars = string.ascii_letters + string.digits
    mask, cipher = token[:32], token[32:]
    return "".join(
        chars[(chars.index(c) - chars.index(m)) % len(chars)]
        for c, m in zip(cipher, mask, strict=True)
    )


def test_a_fragment_is_rendered_once_for_its_dependencies_with_each_requests_token() -> None:
    fragments.forget()
    first, first_token = render(PART, who="a", other="1")
    again, again_token = render(PART, who="a", other="2")
    other, _ = render(PART, who="b", other="2")

    assert first.startswith("a-1<input")
    assert again.startswith("a-1<input")  # "other" is not a dependency: the first's is kept
    assert other.startswith("b-2<input")
    assert [unmasked(token) for token in TOKEN.findall(first)] == [first_token]
    assert [unmasked(token) for token in TOKEN.findall(again)] == [again_token] != [first_token]


def test_a_fragment_without_a_token_asks_for_none() -> None:
    fragments.forget()
    text = "{% load fragments %}{% fragment 'no-token' %}plain{% endfragment %}"
    request = RequestFactory().get("/")

    assert engines["django"].from_string(text).render({}, request) == "plain"
    assert "CSRF_COOKIE" not in request.META  # the token was never made


def test_a_fragments_token_is_one_django_unmasks_to_the_requests_secret() -> None:
    request = RequestFactory().get("/")
    secret = request.META["CSRF_COOKIE"] = get_token(RequestFactory().get("/"))[:32]
    tokens = {rendering.token_for(request) for _ in range(200)}

    assert len(tokens) == 200  # a new mask each time
    for token in tokens:
        assert len(token) == csrf.CSRF_TOKEN_LENGTH
        assert set(token) <= set(csrf.CSRF_ALLOWED_CHARS)
        assert csrf._unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie sent again
    # Every character is used in the masks (one byte's remainder each, none favoured).
    assert {token[i] for token in tokens for i in range(32)} == set(csrf.CSRF_ALLOWED_CHARS)


def test_a_request_without_a_secret_gets_a_new_one_as_get_token_gives_it() -> None:
    request = RequestFactory().get("/")
    token = rendering.token_for(request)

    assert csrf._unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_pages_token_passes_the_csrf_check_of_a_post(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("fragment-csrf", password="x" * 16)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/")
    token = TOKEN.findall(page.content.decode())
    assert token

    refused = client.post("/sign-out/", {"csrfmiddlewaretoken": token[0][:32] + "a" * 32})
    assert refused.status_code == 403
    signed_out = client.post("/sign-out/", {"csrfmiddlewaretoken": token[0]})
    assert signed_out.status_code in {302, 303}


def test_a_fragment_holding_a_block_is_refused_when_its_template_is_read() -> None:
    text = (
        "{% load fragments %}{% fragment 'blocked' %}{% block inner %}{% endblock %}"
        "{% endfragment %}"
    )

    with pytest.raises(TemplateSyntaxError, match=re.escape("holds no {% block %}")):
        engines["django"].from_string(text)


def test_a_layouts_blocks_outside_its_fragments_are_filled_by_the_page_that_extends_it() -> None:
    fragments.forget()
    layout = engines["django"].from_string(
        "{% load fragments %}{% fragment 'layout-part' %}part{% endfragment %}"
        "[{% block inner %}layout{% endblock %}]"
    )
    page = engines["django"].from_string(
        "{% extends layout %}{% block inner %}page {{ who }}{% endblock %}"
    )
    request = RequestFactory().get("/")

    assert page.render({"layout": layout.template, "who": "a"}, request) == "part[page a]"
    assert page.render({"layout": layout.template, "who": "b"}, request) == "part[page b]"


def test_a_fragments_addresses_follow_the_script_prefix_of_each_rendering() -> None:
    """What addresses depend on is read once per rendering (``addressing``), not once per
    process: a rendering under another script prefix renders the part again."""
    fragments.forget()
    text = "{% load fragments %}{% fragment 'home-link' %}{% url 'web:home' %}{% endfragment %}"
    template = engines["django"].from_string(text)
    try:
        set_script_prefix("/one/")
        first = template.render({}, RequestFactory().get("/"))
        set_script_prefix("/two/")
        second = template.render({}, RequestFactory().get("/"))
    finally:
        set_script_prefix("/")

    assert first == "/one/"
    assert second == "/two/"


def test_a_renderings_addressing_is_read_once_and_kept_in_its_render_context() -> None:
    context = Context()
    first = rendering.addressing(context)
    try:
        set_script_prefix("/elsewhere/")
        assert rendering.addressing(context) is first  # the same rendering
        assert rendering.addressing(Context())[1] == "/elsewhere/"  # a new one
    finally:
        set_script_prefix("/")


def test_every_form_of_a_rendering_carries_one_token_as_djangos_lazy_token_gives() -> None:
    fragments.forget()
    text = (
        "{% load fragments %}{% fragment 'form-a' %}{% csrf_token %}{% endfragment %}"
        "{% fragment 'form-b' %}<form>{% csrf_token %}</form>{% endfragment %}"
    )
    first, first_secret = render(text)
    again, again_secret = render(text)

    tokens = TOKEN.findall(first)
    assert len(tokens) == 2
    assert tokens[0] == tokens[1]
    assert unmasked(tokens[0]) == first_secret
    (token,) = set(TOKEN.findall(again))
    assert token != tokens[0]
    assert unmasked(token) == again_secret
