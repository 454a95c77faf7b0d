"""Who is acting: the one name for "a signed-in user or an anonymous visitor".

Every action takes a keyword-only ``acting_user: AnyUser``; every query a ``user: AnyUser``.
The official a user acts as is found by ``directory.queries.acting_official``.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

#: A signed-in user, or the anonymous visitor an unauthenticated request carries.
AnyUser = User | AnonymousUser
