"""Masking (脱敏) of personal identifiers for display: show only what identifies the record."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """Keep the first 6 (region) and last 4 characters: ``110105********002X``."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: ``138****0001``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    """Keep the first character of the local part and the domain: ``z***@example.cn``."""
    if not value or "@" not in value:
        return value
    local, domain = value.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"
