"""Choices of the core app: the scopes of API tokens."""

from __future__ import annotations

from django.db import models


class TokenScope(models.TextChoices):
    """What a program may do with an API token; each scope includes those before it.

    - ``read``: safe methods only (GET, HEAD, OPTIONS);
    - ``assess``: read, and ``POST /api/v1/policy/assess``, which decides and changes nothing;
    - ``write``: everything the token's user may do (revealing a sealed value also needs a
      second factor within the last minutes, which a token never carries while multi-factor
      authentication is required).
    """

    READ = "read", "Read only"
    ASSESS = "assess", "Read and assess"
    WRITE = "write", "Read and write"
