"""Signals of the directory, for the apps that must follow its changes.

``post_saved`` is sent INSIDE the transaction of the action that created or changed a post,
so a receiver's own writes (a committee for the post, ``6``) commit or roll back with it.
Arguments: ``sender`` (:class:`~defector.directory.models.Post`), ``post``, ``created``
(bool) and ``acting_user`` (``None`` for an operator at the console).
"""

from django.dispatch import Signal

post_saved = Signal()
