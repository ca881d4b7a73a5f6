"""Form helpers: map a service's ApplicationError onto a Django form's fields."""

from __future__ import annotations

from django import forms

from ecity.core.errors import ApplicationError


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a domain error on the form: field messages beside fields, the rest in the summary."""
    if not error.fields:
        form.add_error(None, error.message)
        return
    for name, messages in error.fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
