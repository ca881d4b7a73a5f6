"""Password rules beyond Django's: a mix of character classes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    # Anything else counts as a symbol: punctuation, spaces, Chinese characters.
    other = any(not (c.isalpha() and c.isascii()) and not c.isdigit() for c in password)
    return sum((lower, upper, digit, other))


class CharacterClassValidator:
    """Require at least ``min_classes`` of: lower-case letters, capitals, digits, other signs."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(count)d of these: lower-case letters, "
                    "capital letters, digits and other characters (such as ! or #)."
                )
                % {"count": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(count)d of these: lower-case letters, capital "
            "letters, digits and other characters."
        ) % {"count": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a message our catalogue translates.

    (Django 5.2 changed the message's placeholder and its own zh-Hans catalogue has not caught
    up, so the stock message would appear in English.)
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
