"""System checks of the deployment that core can judge without knowing any domain.

``check_static_manifest`` (``defector check --deploy``): in production the static files are
served from the manifest that ``collectstatic`` writes; without it every page that names a
static file fails (a 500), so the deployment check fails instead.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.files.storage import storages


def check_static_manifest(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """An error when the static files storage needs a manifest and there is none."""
    storage = storages["staticfiles"]
    # Only a manifest storage (ManifestFilesMixin, as WhiteNoise's) names a manifest.
    manifest = getattr(storage, "manifest_name", None)
    if not isinstance(manifest, str) or storage.exists(manifest):
        return []
    return [
        checks.Error(
            f"the static files manifest ({storage.path(manifest)}) is missing: "
            "every page would fail",
            hint="Run `defector collectstatic --noinput` before starting the server.",
            id="core.E001",
        )
    ]
