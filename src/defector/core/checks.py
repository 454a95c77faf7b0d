"""System checks of the deployment that core can judge without knowing any domain.

``check_static_manifest`` (``defector check --deploy``): in production the static files are
served from the manifest that ``collectstatic`` writes; without it every page that names a
static file fails (a 500), so the deployment check fails instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.files.storage import storages


def check_static_manifest(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """An error when the static files storage needs a manifest and there is none."""
    storage: Any = storages["staticfiles"]  # django-stubs cannot type a manifest storage
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.exists(storage.manifest_name):
        return []
    return [
        checks.Error(
            f"the static files manifest ({storage.path(storage.manifest_name)}) is missing: "
            "every page would fail",
            hint="Run `defector collectstatic --noinput` before starting the server.",
            id="core.E001",
        )
    ]
