"""Widgets written out in Python: the same HTML as Django's (their templates, byte for byte, as
Django's renderer strips them), without rendering a template for the control and for each of
its attributes and options — a list's filters have dozens of options on every request, and the
case page's forms are on every one of its views.

- :class:`QuickSelect`: ``forms.Select`` (``select.html``, ``select_option.html``);
- :class:`QuickInput`: ``forms.TextInput`` (``input.html``);
- :class:`QuickHiddenInput`: ``forms.HiddenInput`` (``hidden.html``, ``input.html``);
- :class:`QuickTextarea`: ``forms.Textarea`` (``textarea.html``);

each with ``attrs.html`` for its attributes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: a safe value as it is, any other escaped."""
    return conditional_escape(value if isinstance(value, SafeData) else str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: ``False`` left out, ``True`` as the bare name."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """``forms.Select``, its HTML built in Python."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in group_choices
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value escaped above)


def _input(widget: dict[str, Any]) -> SafeString:
    """Django's ``input.html`` for a widget's context."""
    shown = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return mark_safe(  # noqa: S308  (every value escaped)
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


class QuickInput(forms.TextInput):
    """``forms.TextInput``, its HTML (``input.html``) built in Python."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return _input(self.get_context(name, value, attrs)["widget"])


class QuickHiddenInput(forms.HiddenInput):
    """``forms.HiddenInput``, its HTML built in Python."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return _input(self.get_context(name, value, attrs)["widget"])


class QuickTextarea(forms.Textarea):
    """``forms.Textarea``, its HTML built in Python."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = widget["value"]
        return mark_safe(  # noqa: S308  (every value escaped)
            f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f"{conditional_escape(text) if text else ''}</textarea>"
        )
