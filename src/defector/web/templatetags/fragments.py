"""A part of a page rendered once per process for what it depends on: ``{% load fragments %}``,
``{% fragment "name" dependency … %}…{% endfragment %}``.

The shell of every page (the government banner, the header with its navigation, the footer,
the styles and scripts) is the same HTML for every request of one reader in one area, yet the
template engine walks its few hundred nodes on each. Within ``{% fragment %}``, the part is
rendered the first time for its name and the values of its dependencies (each a variable
with filters, as ``{{ }}`` takes it), then answered from memory. The key also holds what every
address depends on (the URL configuration, the script prefix, the request's ``current_app``),
the active language (dates' names) and the autoescaping; static addresses are constant for
the life of the process.

List every value the part shows among its dependencies: anything else it reads is taken from
the first request that rendered it. The one exception is the CSRF token: a
``{% csrf_token %}`` inside the part is rendered each time with the request's own token (the
token is not asked for when the part holds no ``{% csrf_token %}``, as the tag would not).

A part holds no ``{% block %}`` (a child template could not fill it): the template engine,
which looks for a layout's blocks on every rendering, need not walk the parts' nodes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Final

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe

from defector.core.rendering import addressing, csrf_input

register = template.Library()

#: How many parts are kept (each reader's header in each area is one): the oldest go first.
KEPT: Final = 2048
#: The token a part is rendered with; each request's own is put in its place.
_TOKEN: Final = "fragment-csrf-token-placeholder"  # noqa: S105  (not a secret)
_TOKEN_INPUT: Final = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_TOKEN}">'

_parts: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_lock = threading.Lock()


class FragmentNode(template.Node):
    #: The part's nodes are not the layout's: the engine's search for blocks (``{% extends
    #: %}``, on every rendering) does not walk them (:func:`fragment` refuses a block in one).
    child_nodelists = ()

    def __init__(self, name: str, dependencies: list[FilterExpression], nodelist: NodeList):
        self.name = name
        self.dependencies = dependencies
        self.nodelist = nodelist

    def render(self, context: Any) -> SafeString:
        key = (
            self.name,
            *addressing(context),
            context.autoescape,
            *(dependency.resolve(context) for dependency in self.dependencies),
        )
        part = _parts.get(key)
        if part is None:
            with context.push(csrf_token=_TOKEN):
                part = self.nodelist.render(context)
            with _lock:
                _parts[key] = part
                while len(_parts) > KEPT:
                    _parts.popitem(last=False)
        if _TOKEN_INPUT in part:
            part = part.replace(_TOKEN_INPUT, csrf_input(context))
        return mark_safe(part)  # noqa: S308  (rendered by the engine, escaped there)


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    """``{% fragment "name" dependency … %}…{% endfragment %}``."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][:1] not in "\"'" or bits[1][-1:] != bits[1][:1]:
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name first")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% fragment %} holds no {% block %}")
    dependencies = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(bits[1][1:-1], dependencies, nodelist)


def forget() -> None:
    """Forget every part (tests that change what a part shows without a dependency)."""
    with _lock:
        _parts.clear()
