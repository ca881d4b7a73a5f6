"""Regular expressions written by administrators (form schemas), run on RE2 in linear time.

Python's ``re`` backtracks: a pattern such as ``(a|aa)+`` takes seconds or hours on a value of a
few dozen characters, and anyone who may edit a form schema could stall every worker that
validates an application. RE2 (google-re2) guarantees time linear in the input and refuses the
constructs that need backtracking (backreferences ``\\1``, lookaround ``(?=``, ``(?!``,
``(?<=``, ``(?<!``), so a pattern is checked once when it is saved and then always runs safely.

A pattern matches the *whole* value (as HTML's ``pattern`` attribute does). RE2 syntax is close
to Perl's; ``\\p{Han}`` matches Chinese characters; ``\\d`` means ASCII digits.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

#: Longest pattern accepted: patterns in forms are short; long ones are a mistake or an attack.
MAX_PATTERN_LENGTH = 500
#: Memory RE2 may use for one compiled pattern (bounds huge repetitions such as ``a{1000}{1000}``).
MAX_PATTERN_MEMORY = 2 * 1024 * 1024

_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message (lower-case, to follow a field name) says why."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the caller reports the error; RE2 would also print it
    options.max_mem = MAX_PATTERN_MEMORY
    return options


@lru_cache(maxsize=256)
def _compile(pattern: str) -> Any:
    return re2.compile(pattern, _options())


def pattern_compile(pattern: str) -> Any:
    """Compile ``pattern`` with RE2, or raise ``PatternError`` with a message for people."""
    if not isinstance(pattern, str):
        raise PatternError(_("the pattern must be text."))
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(
            _("the pattern is too long (at most %(max)d characters).") % {"max": MAX_PATTERN_LENGTH}
        )
    try:
        return _compile(pattern)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        if any(marker in pattern for marker in _LOOKAROUND):
            raise PatternError(
                _("the pattern uses lookaround ((?=, (?!, (?<=, (?<!), which is not supported.")
            ) from exc
        if "invalid escape sequence: \\" in detail and detail[-1:].isdigit():
            raise PatternError(
                _("the pattern uses a backreference (such as \\1), which is not supported.")
            ) from exc
        raise PatternError(
            _("the pattern is not a valid regular expression (%(error)s).") % {"error": detail}
        ) from exc


@deconstructible
class PatternValidator:
    """Refuse a value that does not match ``pattern`` as a whole; the pattern runs on RE2."""

    engine = "re2"

    def __init__(self, pattern: str, message: str = "", code: str = "invalid") -> None:
        self.pattern = pattern
        self.regex = pattern_compile(pattern)
        self.message = message
        self.code = code

    def __call__(self, value: Any) -> None:
        if self.regex.fullmatch(str(value)) is None:
            raise ValidationError(
                self.message or _("Enter a value in the required format."), code=self.code
            )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PatternValidator)
            and other.pattern == self.pattern
            and other.message == self.message
            and other.code == self.code
        )

    def __hash__(self) -> int:
        return hash((self.pattern, self.message, self.code))
