"""Reversing a URL name without paying Django's ``reverse`` each time: ``reverse(name, args)``
gives exactly what ``django.urls.reverse`` gives, read from a shape reversed once.

Django's ``reverse`` walks the namespaces, tries each pattern of the name, converts the
arguments and checks the result against the pattern's regular expression: tens of
microseconds, and a page links to its case, its tabs and its obligations dozens of times
(``{% url %}`` in a loop; the shell's navigation on every page). Here a name's address is
reversed once per *shape* — the name, the URL configuration, the script prefix, the language
(where the addresses depend on it), the current app, and its arguments with each non-negative
``int`` replaced by a placeholder (strings are kept: they are a few fixed keys, such as a
tab's) — and an address is that shape with the integers written in.

The shape is trusted only when it reverses with two different placeholders for each integer
(a large one and ``0``) to the same text around them, each placeholder appearing exactly once:
a pattern whose converter would refuse some integers (``[1-9][0-9]{3}``) or spell them
otherwise falls back to Django's ``reverse`` for that shape. Arguments of other types (a
negative number, a ``bool``, a ``UUID``, a lazy string, a model) always go to Django's
``reverse``. A refusal (``NoReverseMatch``) is Django's own, raised by Django's ``reverse``.

``{% url %}`` in every template uses it (``web.templatetags.urls``, a builtin of the template
engine, ``settings.TEMPLATES``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import (
    LocalePrefixPattern,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
)
from django.urls import reverse as django_reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

#: Shapes kept at most (then forgotten all at once): names × the string keys they take.
MAX_SHAPES: Final = 4096
#: The placeholder of the i-th integer: digits no real address is likely to hold.
_PLACEHOLDER: Final = 7_391_846_025_113

_INT: Final = object()
#: Strings taken as they are (a template's literal, ``'notes'``, is a ``SafeString``).
_STRINGS: Final = (str, SafeString)
#: Each shape's key → the text around its integers (``None``: Django's ``reverse`` each time).
_shapes: dict[tuple[Any, ...], tuple[str, ...] | None] = {}
#: Whether each URL configuration has a pattern that depends on the language.
_translated: dict[Any, bool] = {}
_lock = threading.Lock()


def _has_translated(patterns: Any) -> bool:
    """A pattern of ``patterns`` (or below) is the language's prefix or a translated route."""
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            return True
        raw = getattr(pattern, "_route", None) or getattr(pattern, "_regex", None)
        if isinstance(raw, Promise):
            return True
        if isinstance(entry, URLResolver) and _has_translated(entry.url_patterns):
            return True
    return False


def _language(urlconf: Any) -> str | None:
    """The language, where the URL configuration's addresses depend on it (``i18n_patterns``,
    a route in ``gettext_lazy``); else ``""``: asking for it costs as much as the rest."""
    try:
        translated = _translated[urlconf]
    except KeyError:
        translated = _translated[urlconf] = _has_translated(get_resolver(urlconf).url_patterns)
    return get_language() if translated else ""


def _is_int(value: object) -> bool:
    return type(value) is int and value >= 0


def _key_of(value: object) -> object:
    """The value's part of a shape's key: a placeholder for an integer, a string as itself,
    ``None`` for any other value (which never takes the shape)."""
    if _is_int(value):
        return _INT
    if type(value) in _STRINGS:
        return str.__str__(value)
    return None


def _reversed_with(
    name: str, urlconf: Any, args: list[Any], kwargs: dict[str, Any], current_app: str | None
) -> str:
    return django_reverse(
        name, urlconf=urlconf, args=args or None, kwargs=kwargs or None, current_app=current_app
    )


def _shape(
    name: str,
    urlconf: Any,
    args: Sequence[Any],
    kwargs: Mapping[str, Any],
    current_app: str | None,
) -> tuple[str, ...] | None:
    """The text around the integer arguments, in their order (args, then kwargs by key); or
    ``None`` when the name's pattern does not take any integer alike."""
    keys = sorted(kwargs)
    slots = [i for i, value in enumerate(args) if _is_int(value)]
    kw_slots = [key for key in keys if _is_int(kwargs[key])]
    count = len(slots) + len(kw_slots)
    placeholders = [str(_PLACEHOLDER + n) for n in range(count)]

    def filled(numbers: list[int]) -> str:
        positional = list(args)
        named = dict(kwargs)
        for n, i in enumerate(slots):
            positional[i] = numbers[n]
        for n, key in enumerate(kw_slots):
            named[key] = numbers[len(slots) + n]
        return _reversed_with(name, urlconf, positional, named, current_app)

    try:
        text = filled([_PLACEHOLDER + n for n in range(count)])
        zeros = filled([0] * count)
    except Exception:  # refused, or odd: Django's reverse answers each time
        return None
    parts: list[str] = []
    rest = text
    for placeholder in placeholders:
        if text.count(placeholder) != 1:
            return None
        head, _, rest = rest.partition(placeholder)
        parts.append(head)
    parts.append(rest)
    if "0".join(parts) != zeros:
        return None
    return tuple(parts)


def reverse(
    name: str,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """``django.urls.reverse(name, args=args, kwargs=kwargs, current_app=current_app)``."""
    kwargs = kwargs or {}
    urlconf = get_urlconf()
    arg_keys = tuple(_key_of(value) for value in args)
    kw_keys = tuple(sorted((key, _key_of(value)) for key, value in kwargs.items()))
    if None in arg_keys or any(value is None for _, value in kw_keys):
        return _reversed_with(name, urlconf, list(args), dict(kwargs), current_app)
    conf = urlconf or settings.ROOT_URLCONF
    key = (
        name,
        conf,
        get_script_prefix(),
        _language(conf),
        current_app,
        arg_keys,
        kw_keys,
    )
    try:
        parts = _shapes[key]
    except KeyError:
        parts = _shape(name, urlconf, args, kwargs, current_app)
        with _lock:
            if len(_shapes) >= MAX_SHAPES:
                _shapes.clear()
            _shapes[key] = parts
    if parts is None:
        return _reversed_with(name, urlconf, list(args), dict(kwargs), current_app)
    numbers = [str(value) for value in args if type(value) is int]
    numbers += [str(kwargs[k]) for k, value in kw_keys if value is _INT]
    if not numbers:
        return parts[0]
    out = [parts[0]]
    for number, part in zip(numbers, parts[1:], strict=True):
        out += (number, part)
    return "".join(out)


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    """A test that changes the URL configuration or the script's prefix forgets the shapes."""
    if kwargs.get("setting") in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "LANGUAGE_CODE"}:
        with _lock:
            _shapes.clear()
            _translated.clear()


def current_app(context: Any) -> str | None:
    """The ``current_app`` that ``{% url %}`` reverses with in a template's ``context``: the
    request's, else the namespace its view was resolved in (as Django's ``URLNode``)."""
    request: Any = getattr(context, "request", None)
    try:
        return cast("str | None", request.current_app)
    except AttributeError:
        try:
            return cast("str | None", request.resolver_match.namespace)
        except AttributeError:
            return None
