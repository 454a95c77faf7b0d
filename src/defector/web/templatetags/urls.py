"""``{% url %}`` as Django's, its address reversed by ``core.reversing`` (a shape reversed once,
the integers written in): a builtin of the template engine (``settings.TEMPLATES``), so every
template's ``{% url %}`` is this one without a ``{% load %}``.

Its syntax, its output and its refusals are Django's (``django.template.defaulttags.url``):
``{% url 'cases:tab' case.id 'notes' %}``, ``{% url 'web:home' as home %}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch
from django.urls import reverse as django_reverse
from django.utils.html import conditional_escape

from defector.core import reversing
from defector.core.reversing import reverse

register = template.Library()


class URLNode(defaulttags.URLNode):
    """Django's node, reversing through ``core.reversing``."""

    def render(self, context: Any) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        current_app = reversing.current_app(context)
        url = ""
        try:
            if isinstance(view_name, str):
                url = reverse(view_name, args, kwargs, current_app)
            else:
                url = django_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    """Django's ``{% url %}`` (its parsing), rendered by :class:`URLNode`."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
