"""What the registry's admin pages share: reporting service errors and one-per-line fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from ecity.core.errors import ApplicationError


def report_error(request: HttpRequest, error: ApplicationError, label: str) -> None:
    details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.fields.items())
    messages.error(request, f"{label}: {error.message}" + (f" ({details})" if details else ""))


class ListField(forms.CharField):
    """One entry per line, shown and saved as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]
