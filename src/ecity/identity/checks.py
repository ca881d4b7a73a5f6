"""Field checks shared by the identity services: each adds messages to an error mapping.

The services collect every problem first and raise one ``ValidationFailed`` with all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.utils.translation import gettext as _

from ecity.core.errors import ValidationFailed
from ecity.core.validators import validate_id_number, validate_mobile
from ecity.identity.models import User
from ecity.identity.selectors import users_with_id_number, users_with_phone

Errors = dict[str, list[str]]


def run(errors: Errors, name: str, validator: Callable[[str], Any], value: str) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(str(m) for m in exc.messages)


def check_required(errors: Errors, name: str, value: str) -> bool:
    if not value:
        errors.setdefault(name, []).append(_("This field is required."))
        return False
    return True


def normalise_email(value: str) -> str:
    return value.strip().lower()


def check_username(errors: Errors, username: str) -> None:
    if not check_required(errors, "username", username):
        return
    run(errors, "username", UnicodeUsernameValidator(), username)
    if len(username) > 150:
        errors.setdefault("username", []).append(_("Use at most 150 characters."))
    # Phone numbers and e-mail addresses are login names too; a username must not look like one.
    if username.isdigit() or "@" in username:
        errors.setdefault("username", []).append(
            _("A username cannot be all digits or contain “@”.")
        )
    if "username" not in errors and User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("This username is already taken."))


def check_id_number(errors: Errors, id_number: str, *, exclude: User | None = None) -> None:
    if not check_required(errors, "id_number", id_number):
        return
    run(errors, "id_number", validate_id_number, id_number)
    others = users_with_id_number(id_number)  # blind index: the column is encrypted
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if "id_number" not in errors and others.exists():
        errors.setdefault("id_number", []).append(
            _("An account with this ID number is already registered.")
        )


def check_phone(errors: Errors, phone: str, *, exclude: User | None = None) -> None:
    if not check_required(errors, "phone", phone):
        return
    run(errors, "phone", validate_mobile, phone)
    others = users_with_phone(phone)  # blind index: the column is encrypted
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if "phone" not in errors and others.exists():
        errors.setdefault("phone", []).append(
            _("An account with this phone number is already registered.")
        )


def check_email(
    errors: Errors, email: str, *, required: bool = True, exclude: User | None = None
) -> None:
    if not email:
        if required:
            check_required(errors, "email", email)
        return
    run(errors, "email", validate_email, email)
    others = User.objects.filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if "email" not in errors and others.exists():
        errors.setdefault("email", []).append(
            _("An account with this e-mail address is already registered.")
        )


def check_password(errors: Errors, password: str, user: User) -> None:
    if not check_required(errors, "password", password):
        return
    run(errors, "password", lambda p: password_validation.validate_password(p, user), password)


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(fields=errors)


def unique_violation(exc: IntegrityError) -> ValidationFailed:
    """A concurrent request won the race for a unique value: report it like a validation error."""
    text = str(exc).lower()
    for name, constraint in (
        ("id_number", "id_number"),
        ("phone", "phone"),
        ("email", "email"),
        ("uscc", "uscc"),
        ("username", "username"),
    ):
        if constraint in text:
            return ValidationFailed(fields={name: [_("This value is already registered.")]})
    return ValidationFailed(_("This record already exists."))
