"""New model instances made without ``Model.__init__``'s layers (:func:`new`): the same
instance ``model(**values)`` makes, its values put in place at once. ``core.inserts`` writes
them, and re-exports :func:`new`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Field, ForeignKey, Model, OneToOneField
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import (
    ForeignKeyDeferredAttribute,
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
)
from django.db.models.signals import post_init, pre_init

_M = TypeVar("_M", bound=Model)


def new(model: type[_M], /, **values: Any) -> _M:
    """``model(**values)``: the same new instance, its values put in place at once where that
    is all ``__init__`` would do (each field's value given, by a related object or its key, or
    its default), for a model whose ``__init__`` is Django's, with no parent, no private field,
    no field whose attribute does more when set than keep the value (a foreign key's does
    what is done here: the related object cached, its key kept, the instance's database
    chosen as the default router chooses it), and no ``pre_init`` or ``post_init`` receiver;
    otherwise, or with a value of another kind (an unknown name, a related object of another
    model or database), ``model(**values)`` itself."""
    shape = _news.get(model)
    if shape is None:
        shape = _news[model] = _new_shape(model)
    if (
        shape is _NOT_DIRECT
        or router.routers
        or not shape.names.issuperset(values)
        or (pre_init.receivers and pre_init.has_listeners(model))
        or (post_init.receivers and post_init.has_listeners(model))
    ):
        return model(**values)
    for relation, _, _, _, remote in shape.relations:
        given = values.get(relation)
        if given is not None and not isinstance(given, remote):
            return model(**values)
    made = model.__new__(model)
    state = made._state = ModelState()
    kept, cache = made.__dict__, state.fields_cache
    for attname, name, target, reverse, default in shape.order:
        if name is None:  # not a relation
            kept[attname] = values[attname] if attname in values else default()
        elif name in values:
            related = values[name]
            if related is None:
                kept[attname] = None
            else:
                # As the related object's descriptor sets it, under the default router.
                theirs: str | None = related._state.db
                if state.db is None:
                    state.db = theirs or DEFAULT_DB_ALIAS
                if theirs is None:
                    related._state.db = theirs = state.db
                if theirs != state.db:
                    return model(**values)  # which refuses it
                kept[attname] = getattr(related, target)
                if reverse is not None:
                    related._state.fields_cache[reverse] = made
            cache[name] = related
        else:
            kept[attname] = values[attname] if attname in values else default()
    if "pk" in values:
        kept[shape.key] = values["pk"]
    return made


@dataclass(frozen=True, slots=True)
class _NewShape:
    """How :func:`new` makes an instance of a model."""

    #: Per field, in ``__init__``'s order: its attribute, its name when a relation (else
    #: None), the related attribute its key is, the related object's cache of the instance
    #: (a one-to-one's; else None), its default.
    order: tuple[tuple[str, str | None, str, str | None, Callable[[], Any]], ...]
    #: The relations: (name, attribute, target, reverse, the related model).
    relations: tuple[tuple[str, str, str, str | None, type[Model]], ...]
    #: The names ``model(**values)`` takes that :func:`new` sets.
    names: frozenset[str]
    #: The primary key's attribute (``pk``).
    key: str


_news: dict[type[Model], _NewShape] = {}
_NOT_DIRECT: Final = _NewShape((), (), frozenset(), "")


def _new_shape(model: type[Model]) -> _NewShape:
    meta = model._meta
    if model.__init__ is not Model.__init__ or meta.parents or meta.private_fields:
        return _NOT_DIRECT
    order: list[tuple[str, str | None, str, str | None, Callable[[], Any]]] = []
    for field in meta.fields:
        if field.column is None or getattr(field, "generated", False):
            continue
        descriptor = _attribute(model, field.attname)
        if field.is_relation:
            if (
                type(field) not in (ForeignKey, OneToOneField)
                or field.primary_key
                or len(field.related_fields) != 1  # type: ignore[attr-defined]
                or type(descriptor) is not ForeignKeyDeferredAttribute
                or type(_attribute(model, field.name))
                not in (ForwardManyToOneDescriptor, ForwardOneToOneDescriptor)
            ):
                return _NOT_DIRECT
            remote: Any = field.remote_field
            reverse = None if remote.multiple else remote.cache_name
            target = field.related_fields[0][1].attname  # type: ignore[attr-defined]
            order.append((field.attname, field.name, target, reverse, field.get_default))
        else:
            if descriptor is not None and hasattr(type(descriptor), "__set__"):
                return _NOT_DIRECT
            # ``get_default`` calls the default Django chose once (``_get_default``).
            default = (
                field._get_default  # type: ignore[attr-defined]
                if type(field).get_default is Field.get_default
                else field.get_default
            )
            order.append((field.attname, None, "", None, default))
    relations: tuple[tuple[str, str, str, str | None, type[Model]], ...] = tuple(
        (name, attname, target, reverse, meta.get_field(name).related_model._meta.concrete_model)  # type: ignore[union-attr,misc]
        for attname, name, target, reverse, _ in order
        if name is not None
    )
    names = {attname for attname, *_ in order} | {name for _, name, *_ in order if name}
    return _NewShape(tuple(order), relations, frozenset(names | {"pk"}), meta.pk.attname)


def _attribute(model: type[Model], name: str) -> Any:
    for klass in model.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def relate(obj: Model, name: str, related: Model | None) -> None:
    """Give a new object made by :func:`new` the related object ``related`` (saved,
    of the default database) of its foreign key ``name``, as ``new`` gives one: its key kept,
    the object cached (what the field's descriptor sets, without its checks)."""
    obj.__dict__[f"{name}_id"] = related.pk if related is not None else None
    obj._state.fields_cache[name] = related
