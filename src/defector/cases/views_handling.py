"""TEMPORARY shim for the unchanged ``cases/apps.py``: delete it at the merge (see
``cases/views/registration.py``)."""

from defector.cases.views.registration import register_sections

__all__ = ["register_sections"]
