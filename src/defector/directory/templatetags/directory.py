"""Template filters of the directory's pages: ``{% load directory %}``.

- ``{{ code|country_name }}``: a country code's name (``AT`` -> Austria).
- ``{{ role|role_clauses }}``: the directive's clauses behind a role, for ``clause_link``.
"""

from __future__ import annotations

from django import template

from defector.directory.choices import ROLE_CLAUSES
from defector.policy import countries

register = template.Library()


@register.filter
def country_name(code: object) -> str:
    return countries.name_of(str(code))


@register.filter
def role_clauses(role: object) -> tuple[str, ...]:
    return ROLE_CLAUSES.get(str(role), ())
