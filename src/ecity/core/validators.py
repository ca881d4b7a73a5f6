"""Validators for Chinese identifiers (resident ID number, USCC) and mobile phone numbers.

The ``validate_*`` functions check the *canonical* form that is stored: they never change the
value, so two spellings of one number can never both reach the database (the unique constraints
on ``User.id_number``/``User.phone``/``LegalEntity.uscc`` rely on that). Forms and serializers
call the matching ``normalise_*`` helper first, which turns what people type (spaces, full-width
digits, a lower-case x, an old 15-digit ID number, a +86 prefix) into that canonical form.

Each validator raises one ``django.core.exceptions.ValidationError`` naming the first rule that
failed, with a specific ``code``:

* ``wrong_length``, ``bad_character`` - every identifier;
* ``old_format`` - a 15-digit resident ID number (the message shows the 18-character number);
* ``unknown_region``, ``impossible_birth_date``, ``birth_date_in_future`` - resident ID number;
* ``wrong_check_character`` - resident ID number (GB 11643, ISO 7064 MOD 11-2) and USCC
  (GB 32100, MOD 31);
* ``not_normalised``, ``not_a_mobile`` - mobile phone number.

The check-character message deliberately does not tell the expected character: a wrong check
character nearly always means a typing error elsewhere in the number, and "the last character
should be 7" would invite people to "correct" the wrong character.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Literal, NamedTuple

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- resident ID number (GB 11643-1999) -------------------------------------------------------

ID_NUMBER_LENGTH = 18
OLD_ID_NUMBER_LENGTH = 15
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2**(17-i) mod 11
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH_DATE = dt.date(1800, 1, 1)

#: First two digits of a resident ID number: provinces, autonomous regions and municipalities
#: (GB/T 2260), Taiwan (71), Hong Kong (81), Macao (82) and the permits for Taiwan residents (83).
PROVINCE_CODES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23"]
    + [str(c) for c in range(31, 38)]
    + [str(c) for c in range(41, 47)]
    + [str(c) for c in range(50, 55)]
    + [str(c) for c in range(61, 66)]
    + ["71", "81", "82", "83"]
)


class IdNumberInfo(NamedTuple):
    """What a resident ID number says about its holder."""

    region_code: str
    birth_date: dt.date
    sex: Literal["male", "female"]


def id_number_check_char(body17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character ("0"-"9" or "X") for 17 digits."""
    if len(body17) != ID_NUMBER_LENGTH - 1 or not body17.isascii() or not body17.isdigit():
        raise ValueError("the body of a resident ID number is exactly 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _compact(value: str) -> str:
    """Full-width to ASCII, no spaces or hyphens: how people type identifiers on phones."""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"[\s\-]+", "", text)


def normalise_id_number(value: str) -> str:
    """Return the canonical 18-character form of what someone typed as a resident ID number.

    Removes spaces and hyphens, turns full-width characters into ASCII and a lower-case ``x``
    into ``X``, and converts an old 15-digit number (issued before 1999, so born 19YY) into the
    18-character number by inserting "19" before the year and appending the check character.
    Anything else is returned cleaned but otherwise unchanged, for the validator to explain.
    """
    text = _compact(value).upper()
    if len(text) == OLD_ID_NUMBER_LENGTH and text.isascii() and text.isdigit():
        body = f"{text[:6]}19{text[6:]}"
        return body + id_number_check_char(body)
    return text


def _birth_date(digits: str) -> dt.date | None:
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def validate_id_number(value: str) -> None:
    """Validate an 18-character resident ID number (GB 11643) in its canonical form."""
    value = str(value)
    if len(value) == OLD_ID_NUMBER_LENGTH and value.isascii() and value.isdigit():
        raise ValidationError(
            _(
                "This is an old 15-digit ID number. Enter the 18-character number instead: "
                "%(converted)s."
            ),
            code="old_format",
            params={"converted": normalise_id_number(value)},
        )
    if len(value) != ID_NUMBER_LENGTH:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(length)d."),
            code="wrong_length",
            params={"length": len(value)},
        )
    for position, char in enumerate(value, start=1):
        allowed = "0123456789X" if position == ID_NUMBER_LENGTH else "0123456789"
        if char not in allowed:
            if position == ID_NUMBER_LENGTH:
                message = _(
                    'Character %(position)d ("%(char)s") is not allowed: the last character '
                    "of a resident ID number is a digit or a capital X."
                )
            else:
                message = _(
                    'Character %(position)d ("%(char)s") is not allowed: the first 17 '
                    "characters of a resident ID number are digits."
                )
            raise ValidationError(
                message, code="bad_character", params={"position": position, "char": char}
            )
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "The region code %(code)s is unknown: the first two digits of a resident ID "
                "number must be a province code."
            ),
            code="unknown_region",
            params={"code": value[:6]},
        )
    birth_date = _birth_date(value[6:14])
    if birth_date is None or birth_date < _EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _(
                "The date of birth in this ID number (characters 7 to 14: %(digits)s) is not a "
                "possible date."
            ),
            code="impossible_birth_date",
            params={"digits": value[6:14]},
        )
    if birth_date > timezone.localdate():
        raise ValidationError(
            _("The date of birth in this ID number (%(date)s) is in the future."),
            code="birth_date_in_future",
            params={"date": birth_date.isoformat()},
        )
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _(
                "The check character (the last character) does not match the other 17 "
                "characters. Please look for a typing error in the ID number."
            ),
            code="wrong_check_character",
        )


def parse_id_number(value: str) -> IdNumberInfo:
    """Return region code, date of birth and sex from a valid resident ID number.

    Raises ``ValidationError`` (as ``validate_id_number``) if the number is not valid.
    """
    validate_id_number(value)
    birth_date = _birth_date(value[6:14])
    assert birth_date is not None  # validated above
    return IdNumberInfo(
        region_code=value[:6],
        birth_date=birth_date,
        sex="male" if int(value[16]) % 2 else "female",
    )


# --- unified social credit code (GB 32100-2015) ---------------------------------------------

USCC_LENGTH = 18
#: Digits and capital letters without I, O, S, V, Z (too easily confused with 1, 0, 5, U, 2).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(USCC_LENGTH - 1))


def uscc_check_char(body17: str) -> str:
    """Return the GB 32100 MOD 31 check character for the first 17 characters of a USCC."""
    if len(body17) != USCC_LENGTH - 1 or any(c not in USCC_ALPHABET for c in body17):
        raise ValueError("the body of a USCC is exactly 17 characters of the USCC alphabet")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(value: str) -> str:
    """Return what someone typed as a USCC without spaces or hyphens, in ASCII capitals."""
    return _compact(value).upper()


def validate_uscc_format(value: str) -> None:
    """Validate only length and alphabet of a USCC (used for the allow-list itself)."""
    value = str(value)
    if len(value) != USCC_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="wrong_length",
            params={"length": len(value)},
        )
    for position, char in enumerate(value, start=1):
        if char not in USCC_ALPHABET:
            raise ValidationError(
                _(
                    'Character %(position)d ("%(char)s") is not allowed: a unified social credit '
                    "code uses digits and capital letters except I, O, S, V and Z."
                ),
                code="bad_character",
                params={"position": position, "char": char},
            )


def validate_uscc(value: str) -> None:
    """Validate a unified social credit code (GB 32100) in its canonical form.

    A code whose only fault is its check character passes if an administrator put it on the
    allow-list (``UsccAllowListEntry``): some legally issued early codes fail the check. The
    database is only consulted in that case, so validating good codes costs no query.
    """
    value = str(value)
    validate_uscc_format(value)
    if uscc_check_char(value[:17]) == value[17]:
        return
    # Looked up by name: the models module imports this one for its field validators.
    allow_list = apps.get_model("core", "UsccAllowListEntry")
    if allow_list.objects.filter(uscc=value).exists():
        return
    raise ValidationError(
        _(
            "The check character (the last character) does not match the other 17 characters. "
            "Please look for a typing error in the unified social credit code."
        ),
        code="wrong_check_character",
    )


# --- mobile phone numbers -------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalise_mobile(value: str) -> str:
    """Return the 11-digit form of a mainland mobile number as people type it.

    Removes spaces, hyphens, brackets and a +86 / 0086 / 86 country prefix; full-width digits
    become ASCII. Anything that does not look like a mobile number is returned cleaned only.
    """
    text = re.sub(r"[()（）]", "", _compact(value))
    match = re.fullmatch(r"(?:\+86|0086|86)(1[0-9]{10})", text)
    return match.group(1) if match else text


def validate_mobile(value: str) -> None:
    """Validate a mainland China mobile phone number: 11 digits starting with 13-19."""
    value = str(value)
    if _MOBILE.fullmatch(value):
        return
    normalised = normalise_mobile(value)
    if normalised != value and _MOBILE.fullmatch(normalised):
        raise ValidationError(
            _("Enter the 11-digit mobile number without +86, spaces or hyphens: %(normalised)s."),
            code="not_normalised",
            params={"normalised": normalised},
        )
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(
            _("A mobile phone number contains digits only."), code="bad_character"
        )
    if len(value) != 11:
        raise ValidationError(
            _("A mobile phone number has 11 digits; this one has %(length)d."),
            code="wrong_length",
            params={"length": len(value)},
        )
    raise ValidationError(
        _("This is not a mobile phone number: mobile numbers start with 13 to 19."),
        code="not_a_mobile",
    )
