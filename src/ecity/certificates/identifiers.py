"""The national e-certificate identifier (电子证照标识, GB/T 36904-2018).

Form::

    1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check character}

* ``1.2.156.3005.2`` - the OID root of Chinese e-licences;
* type code - the licence type code, in practice the USCC of the authority that defines the
  licence followed by a 3-digit number (``11100000000013338W011``);
* issuer code - the issuing authority's unified social credit code (18 characters);
* serial - the issuer's serial number for this type (digits and capital letters);
* version - 3 digits, ``001`` for a first issue;
* check character - ISO/IEC 7064 (GB/T 17710) MOD 37,36 over the concatenation
  ``type code + issuer code + serial + version`` (no dots, and *not* the OID root).

What the check covers was verified against identifiers issued by provincial platforms, e.g.
``1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U`` (Hunan) and
``1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0`` (Zhejiang): the
check character of both is reproduced by ``mod37_36_check_char`` over those four parts.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ROOT = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MODULUS = 36
_PART = re.compile(r"^[0-9A-Z]+$")
_VERSION = re.compile(r"^[0-9]{3}$")


class IdentifierError(ValueError):
    """A text is not a well-formed certificate identifier. ``code`` tells which rule failed."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class IdentifierParts(NamedTuple):
    type_code: str
    issuer_code: str
    serial: str
    version: int
    check_char: str

    @property
    def identifier(self) -> str:
        return certificate_identifier(
            type_code=self.type_code,
            issuer_uscc=self.issuer_code,
            serial=self.serial,
            version=self.version,
        )


def mod37_36_check_char(body: str) -> str:
    """Return the ISO/IEC 7064 MOD 37,36 (hybrid system) check character of ``body``.

    The alphabet is ``0-9A-Z`` with values 0..35. Dots (the separators of an identifier) are
    skipped; any other character raises ``ValueError``. With M = 36 the running value starts
    at P = M; for each character of value a: S = (P + a) mod M, taken as M when 0, and
    P = 2·S mod (M + 1). The check character is the one of value (M + 1 - P) mod M, so that
    appending it makes the final S equal to 1.
    """
    p = _MODULUS
    for char in body:
        if char == ".":
            continue
        value = ALPHABET.find(char)
        if value < 0:
            raise ValueError(f"character {char!r} is not in the alphabet 0-9A-Z")
        s = (p + value) % _MODULUS or _MODULUS
        p = (s * 2) % (_MODULUS + 1)
    return ALPHABET[(_MODULUS + 1 - p) % _MODULUS]


def certificate_identifier(*, type_code: str, issuer_uscc: str, serial: str, version: int) -> str:
    """Build the full identifier, check character included, from its parts."""
    for name, part in (("type code", type_code), ("issuer code", issuer_uscc), ("serial", serial)):
        if not _PART.match(part or ""):
            raise ValueError(f"the {name} must be digits and capital letters, got {part!r}")
    if not 1 <= version <= 999:
        raise ValueError("the version is between 1 and 999")
    version_text = f"{version:03d}"
    check = mod37_36_check_char(f"{type_code}{issuer_uscc}{serial}{version_text}")
    return f"{ROOT}.{type_code}.{issuer_uscc}.{serial}.{version_text}.{check}"


def identifier_parse(text: str) -> IdentifierParts:
    """Split an identifier into its parts, checking its form and check character.

    Leading/trailing spaces are ignored and letters are upper-cased. Raises ``IdentifierError``
    with ``code`` ``wrong_root``, ``wrong_parts``, ``bad_character``, ``bad_version`` or
    ``wrong_check_character``.
    """
    value = (text or "").strip().upper()
    if not value.startswith(ROOT + "."):
        raise IdentifierError(f"an identifier starts with {ROOT}.", code="wrong_root")
    parts = value[len(ROOT) + 1 :].split(".")
    if len(parts) != 5:
        raise IdentifierError(
            "an identifier has five parts after the root: type code, issuer, serial, version, "
            "check character",
            code="wrong_parts",
        )
    type_code, issuer, serial, version, check = parts
    for part in (type_code, issuer, serial):
        if not _PART.match(part):
            raise IdentifierError(
                "type code, issuer and serial are digits and capital letters",
                code="bad_character",
            )
    if not _VERSION.match(version) or version == "000":
        raise IdentifierError("the version is three digits from 001", code="bad_version")
    if len(check) != 1 or check not in ALPHABET:
        raise IdentifierError("the check character is one digit or letter", code="bad_character")
    if mod37_36_check_char(f"{type_code}{issuer}{serial}{version}") != check:
        raise IdentifierError(
            "the check character does not match the identifier", code="wrong_check_character"
        )
    return IdentifierParts(type_code, issuer, serial, int(version), check)
