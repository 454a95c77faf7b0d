"""The sealed model field: values stored sealed, loaded as tokens that show nothing."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.apps import apps
from django.db import models

from defector.core.audit import MaskedField, MaskedValue
from defector.core.sealing.keys import SealingError, keyring


class Sealed(MaskedValue):
    """A sealed value as loaded from the database: it shows nothing of what it holds."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    @property
    def key_id(self) -> str:
        parts = self.token.split(".")
        return parts[1] if len(parts) == 4 else ""

    def __str__(self) -> str:
        return "[sealed]"

    def __repr__(self) -> str:
        return f"<Sealed key={self.key_id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


def associated_data(instance: models.Model, field_name: str) -> bytes:
    """What a sealed value is bound to: its model, its field and its row's ``seal_uid``."""
    uid = getattr(instance, "seal_uid", None)
    if not uid:
        raise SealingError(f"{instance._meta.label} has no seal_uid to bind sealed values to")
    try:
        canonical = uuid.UUID(str(uid))  # the same bytes whether it is a UUID or a string
    except ValueError:
        raise SealingError(f"{instance._meta.label} has a malformed seal_uid") from None
    return f"{instance._meta.label_lower}.{field_name}:{canonical}".encode()


class SealedField(MaskedField, models.TextField):  # type: ignore[type-arg]
    """A text field stored sealed. Assign a ``str`` to seal it on save; read a :class:`Sealed`.

    The model must have a ``seal_uid`` (a UUID fixed at creation) that binds its sealed values
    to the row. ``""`` is stored as NULL. A plain string never reaches the database: saving
    seals it, and a query that would write or compare one raises :class:`SealingError`.
    Saving a value sealed with an older key re-seals it with the primary. A sealed field has
    no model-form field (a form would show the token, or overwrite the value with it): forms
    that take a true name declare their own field and hand the text to an action.
    """

    description = "A value sealed with AES-256-GCM"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | None:
        return None if value in (None, "") else Sealed(str(value))

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed | str):
            return value
        return str(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            if value == "":
                setattr(model_instance, self.attname, None)
                return None
            sealed = Sealed(keyring().seal(value, associated_data(model_instance, self.name)))
            setattr(model_instance, self.attname, sealed)
            return sealed
        if isinstance(value, Sealed):
            ring = keyring()
            if value.key_id != ring.primary:
                bound = associated_data(model_instance, self.name)
                value = Sealed(ring.seal(ring.open(value.token, bound), bound))
                setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        # A plain string reaching the database unsealed would be a leak: refuse it.
        raise SealingError("a sealed field can only store sealed values; save the model")

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return value.token if isinstance(value, Sealed) else ""

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return None


def open_sealed(instance: models.Model, field_name: str) -> str | None:
    """The clear value of a sealed field. Only :func:`reveal`, rotation, the readers of values
    shown to whoever may see their record (a statement's texts) and the free-text check
    (``cases.actions.free_text``: compared in memory, never shown or logged) call this."""
    value = getattr(instance, field_name)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return keyring().open(value.token, associated_data(instance, field_name))


def sealed_fields(model: type[models.Model]) -> list[SealedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]


def sealed_models() -> list[type[models.Model]]:
    """Every installed model with at least one sealed field."""
    return [model for model in apps.get_models() if sealed_fields(model)]
