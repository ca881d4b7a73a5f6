"""Form helpers: the one mapper from a service's ApplicationError onto a Django form.

Every HTML view, admin form and form-wizard step that calls a service shows the service's
errors through ``add_application_error``: field messages beside their fields, everything else
(and a message without fields) in the error summary at the top of the form.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from ecity.core.errors import ApplicationError


def add_application_error(
    form: forms.BaseForm,
    error: ApplicationError,
    *,
    rename: Mapping[str, str] | None = None,
    skip_reported: bool = False,
) -> None:
    """Show a domain error on the form: field messages beside fields, the rest in the summary.

    ``rename`` maps a service's field name to the form's (``on_behalf_of.name`` → ``name``).
    With ``skip_reported`` the form's own checks run first and a field that already shows an
    error gets no second message from the service (the service repeats the same rule).
    """
    if skip_reported:
        form.is_valid()
    if not error.fields:
        form.add_error(None, error.message)
        return
    for name, messages in error.fields.items():
        renamed = (rename or {}).get(name, name)
        target = renamed if renamed in form.fields else None
        if target is not None and skip_reported and target in form.errors:
            continue
        for message in messages:
            form.add_error(target, message)
