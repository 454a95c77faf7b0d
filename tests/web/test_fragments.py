"""``{% fragment %}``: a part rendered once for its dependencies, each request's CSRF token in
it; and the shell's parts as the templates render them without it."""

from __future__ import annotations

import re
import string

from django.middleware.csrf import get_token
from django.template import engines
from django.test import RequestFactory

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
