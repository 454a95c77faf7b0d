"""The committee of a post (``6``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

CRYPTONYMS_ONLY = "Cryptonyms only: never a true name or anything that identifies a person."


class Committee(models.Model):
    """The local Defector Committee of a post with diplomatic representation (``6``)."""

    post = models.OneToOneField(
        "directory.Post",
        on_delete=models.PROTECT,
        related_name="committee",
    )
    established_on = models.DateField(
        default=timezone.localdate,
        help_text="The quarterly meeting rule (6a) counts from the first whole quarter after it.",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["post__name"]

    def __str__(self) -> str:
        return f"Defector Committee, {self.post.name}"
