"""What the committees app does when the directory changes."""

from __future__ import annotations

from typing import Any

from defector.committees import actions


def on_post_saved(
    sender: Any, post: Any = None, created: bool = False, acting_user: Any = None, **kwargs: Any
) -> None:
    """A post with diplomatic representation gets its committee with it (``6``), in the same
    transaction as the change that made or changed the post."""
    if post is not None and post.diplomatic_representation and post.active:
        actions.ensure_committee(post, acting_user=acting_user)
