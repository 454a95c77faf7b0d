"""What a page's tags need of the request being rendered, read cheaply: the CSRF token's field
(Django's ``{% csrf_token %}``, its mask drawn from one read of the system's randomness) and
what every address of a rendering depends on, read once per rendering. Used by the layout's
fragments (``web.templatetags.fragments``) and the case page's tags, below both of them."""

from __future__ import annotations

import secrets
from typing import Any, Final

from django.middleware import csrf
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import get_language

from defector.core.reversing import current_app

#: The characters of Django's CSRF secrets and tokens, and each one's place among them.
_CHARS: Final = csrf.CSRF_ALLOWED_CHARS
_PLACE: Final = {char: place for place, char in enumerate(_CHARS)}
#: A random byte below this is a character's place (its remainder by their number) with
#: every place equally likely; a byte at or above it is thrown away.
_UNBIASED: Final = 256 - 256 % len(_CHARS)


def masked(secret: str) -> str:
    """Django's ``_mask_cipher_secret(secret)``: a new random mask of the secret's length,
    then the secret with each character moved on by the mask's (the token a form carries,
    which ``CsrfViewMiddleware`` unmasks). The mask drawn from one read of the system's
    randomness, not from one read per character (``get_random_string``)."""
    count = len(_CHARS)
    mask: list[int] = []
    while len(mask) < len(secret):
        mask += [byte % count for byte in secrets.token_bytes(2 * len(secret)) if byte < _UNBIASED]
    mask = mask[: len(secret)]
    cipher = (
        _CHARS[(_PLACE[char] + shift) % count] for char, shift in zip(secret, mask, strict=True)
    )
    return "".join(_CHARS[shift] for shift in mask) + "".join(cipher)


def token_for(request: Any) -> str:
    """``django.middleware.csrf.get_token(request)``, masked by :func:`masked`: the request's
    secret (a new one when it has none), its cookie to be sent again."""
    if "CSRF_COOKIE" in request.META:
        secret = request.META["CSRF_COOKIE"]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    else:
        secret = csrf._add_new_csrf_cookie(request)  # type: ignore[attr-defined]  # get_token's
    return masked(secret)


#: Where :func:`csrf_input` keeps the field it wrote in a rendering's ``render_context``.
_CSRF_INPUT: Final = "defector.core.rendering.csrf_input"


def csrf_input(context: Any) -> str:
    """What ``{% csrf_token %}`` renders for this request (Django's ``CsrfTokenNode``); the
    token of the ``csrf`` context processor (a lazy ``get_token``) made by :func:`token_for`
    (a fifth of ``get_token``'s CPU: one read of the system's randomness, not one a character),
    once per rendering: as Django's lazy token is asked once per rendering, every form of a
    page carries the same token (the header's sign-out and the case page's move form)."""
    token = context.get("csrf_token")
    request = getattr(context, "request", None)
    if isinstance(token, SimpleLazyObject) and request is not None:  # letters and digits
        state = context.render_context
        kept = state.get(_CSRF_INPUT)
        if kept is not None and kept[0] is token:
            return kept[1]  # type: ignore[no-any-return]
        field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token_for(request)}">'
        state[_CSRF_INPUT] = (token, field)
        return field
    if not token or token == "NOTPROVIDED":  # noqa: S105  (Django's mark of no token)
        return ""
    return str(format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))


#: Where :func:`addressing` keeps its answer in a rendering's ``render_context``.
_ADDRESSING: Final = "defector.core.rendering.addressing"


def addressing(context: Any) -> tuple[Any, ...]:
    """What every address and date's name of a rendering depends on: the URL configuration,
    the script prefix, the request's ``current_app`` (``core.reversing.current_app``) and the
    active language, read once per rendering (each is a context variable's read, a few
    microseconds; the page's tags asked them dozens of times). None of them changes while a
    template renders: the middleware and the view set them before."""
    state = context.render_context
    found = state.get(_ADDRESSING)
    if found is None:
        found = (get_urlconf(), get_script_prefix(), current_app(context), get_language())
        state[_ADDRESSING] = found
    return found  # type: ignore[no-any-return]
