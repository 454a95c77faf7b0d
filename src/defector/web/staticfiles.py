"""The static files' storages of ``settings.STORAGES``, each answering a file's address
(``{% static %}``) from what it answered before: every page asks for the same dozen files
(the shell's styles, scripts and images), and each answer cost a ``urljoin`` and quoting —
and, with the manifest, a look-up of the hashed name. The files do not change under a
running process; a test that changes ``STATIC_URL`` gets a new storage, and so a new memory.
"""

from __future__ import annotations

from typing import Any, Final

from django.conf import settings
from django.contrib.staticfiles import storage
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseStorage

#: Addresses kept at most (then forgotten all at once): the names the templates ask for.
MAX_URLS: Final = 1024


class StaticFilesStorage(storage.StaticFilesStorage):
    """Development and tests: the apps' static directories, as Django serves them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str | None, str] = {}

    def url(self, name: str | None) -> str:
        try:
            return self._urls[name]
        except KeyError:
            pass
        url = super().url(name)
        if len(self._urls) >= MAX_URLS:
            self._urls.clear()
        self._urls[name] = url
        return url


class CompressedManifestStaticFilesStorage(WhiteNoiseStorage):
    """Production: WhiteNoise's hashed, compressed files (``collectstatic``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name: str, force: bool = False) -> str:  # type: ignore[override]
        if force:  # ``collectstatic``'s own questions
            return str(super().url(name, force))
        key = (name, settings.DEBUG)
        try:
            return self._urls[key]
        except KeyError:
            pass
        url = str(super().url(name, force))
        if len(self._urls) >= MAX_URLS:
            self._urls.clear()
        self._urls[key] = url
        return url
