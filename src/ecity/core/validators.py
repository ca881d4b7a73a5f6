"""Validators for Chinese identifiers (resident ID number, USCC) and mobile numbers.

STUB: to be completed (GB 11643, GB 32100, mobile). Each validator raises
django.core.exceptions.ValidationError with a translated message.
"""

from __future__ import annotations


def validate_id_number(value: str) -> None:
    """Validate an 18-character resident ID number (GB 11643)."""


def validate_uscc(value: str) -> None:
    """Validate a unified social credit code (GB 32100)."""


def validate_mobile(value: str) -> None:
    """Validate a mainland China mobile phone number."""
