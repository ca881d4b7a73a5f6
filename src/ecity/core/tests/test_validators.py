"""Resident ID number, USCC and mobile number validators: published vectors and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecity.core.models import UsccAllowListEntry
from ecity.core.validators import (
    PROVINCE_CODES,
    USCC_ALPHABET,
    id_number_check_char,
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    parse_id_number,
    uscc_check_char,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

# GB 11643-1999, annex: the two sample numbers of the standard.
PUBLISHED_ID_NUMBERS = ["11010519491231002X", "440524188001010014"]

# GB 32100-2015's example code, and real enterprises' codes as printed on their business
# licences (Huawei Technologies Co., Ltd.; Shenzhen Tencent Computer Systems Co., Ltd.; and
# other large enterprises). Each one was checked by computing its MOD 31 check character.
PUBLISHED_USCCS = [
    "91350100M000100Y43",
    "914403001922038216",
    "91440300708461136T",
    "91330100716105852F",
    "91110108551385082Q",
    "91110000802100433B",
    "91110000710935003U",
]

# Often quoted as an example, but its check character is wrong (the correct one would be 5).
MISQUOTED_USCC = "911100001000010119"


def error_code(validator, value) -> str:
    with pytest.raises(ValidationError) as info:
        validator(value)
    return str(info.value.code)


def error_message(validator, value, language: str = "en") -> str:
    with pytest.raises(ValidationError) as info:
        validator(value)
    with translation.override(language):
        return info.value.messages[0]


# --- resident ID number ------------------------------------------------------------------------


@pytest.mark.parametrize("value", PUBLISHED_ID_NUMBERS)
def test_published_id_numbers_are_valid(value):
    validate_id_number(value)


def test_parse_id_number_reads_region_birth_date_and_sex():
    # Given the standard's two samples, when parsed, then the 17th digit gives the sex.
    assert parse_id_number("11010519491231002X") == ("110105", dt.date(1949, 12, 31), "female")
    assert parse_id_number("440524188001010014") == ("440524", dt.date(1880, 1, 1), "male")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "wrong_check_character"),  # last character changed
        ("11010519491231003X", "wrong_check_character"),  # sequence digit changed
        ("11010519491231002", "wrong_length"),
        ("11010519491231002XX", "wrong_length"),
        ("", "wrong_length"),
        ("11010519491231002x", "bad_character"),  # lower-case x is not the canonical form
        ("1101051949123100XX", "bad_character"),
        ("11010519491231 02X", "bad_character"),
        ("110105194913310022", "impossible_birth_date"),  # month 13
        ("110105194902300025", "impossible_birth_date"),  # 30 February
    ],
)
def test_invalid_id_numbers_are_rejected_with_a_specific_code(value, code):
    assert error_code(validate_id_number, value) == code


def _with_check_char(body17: str) -> str:
    return body17 + id_number_check_char(body17)


def test_id_number_with_unknown_province_is_rejected():
    # Given a number whose check character is right but whose province code 99 does not exist
    value = _with_check_char("99010519491231002")
    # Then the region is named in the message
    assert error_code(validate_id_number, value) == "unknown_region"
    assert "990105" in error_message(validate_id_number, value)


def test_id_number_born_in_the_future_is_rejected():
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    value = _with_check_char(f"110105{tomorrow:%Y%m%d}002")
    assert error_code(validate_id_number, value) == "birth_date_in_future"


def test_taiwan_residents_permit_region_83_is_accepted():
    validate_id_number(_with_check_char("83000019900101002"))


def test_old_15_digit_number_is_refused_with_the_converted_number_in_the_message():
    message = error_message(validate_id_number, "110105491231002")
    assert error_code(validate_id_number, "110105491231002") == "old_format"
    assert "11010519491231002X" in message


def test_normalise_id_number_converts_old_numbers_and_typing_variants():
    assert normalise_id_number("110105491231002") == "11010519491231002X"
    assert normalise_id_number(" 110105 19491231 002x ") == "11010519491231002X"
    # Full-width digits and letter, as typed with a Chinese input method
    assert normalise_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    # Something that is not an ID number is only cleaned, for the validator to explain
    assert normalise_id_number(" abc ") == "ABC"


def test_wrong_check_character_message_is_translated_into_chinese():
    message = error_message(validate_id_number, "110105194912310021", language="zh-hans")
    assert "校验码" in message


def test_check_char_helper_rejects_malformed_bodies():
    with pytest.raises(ValueError):
        id_number_check_char("1234")
    with pytest.raises(ValueError):
        uscc_check_char("I" * 17)


# --- unified social credit code ----------------------------------------------------------------


# Tests without the django_db mark cannot query: pytest-django raises on any database access.


@pytest.mark.parametrize("value", PUBLISHED_USCCS)
def test_published_usccs_are_valid_without_a_database_query(value):
    validate_uscc(value)


@pytest.mark.django_db
def test_misquoted_example_uscc_fails_its_check_character():
    assert uscc_check_char(MISQUOTED_USCC[:17]) == "5"
    assert error_code(validate_uscc, MISQUOTED_USCC) == "wrong_check_character"


@pytest.mark.parametrize(
    ("value", "code", "position"),
    [
        ("91350100M000100Y4", "wrong_length", None),
        ("91350100M000100Y433", "wrong_length", None),
        ("91350100I000100Y43", "bad_character", 9),  # I is not in the alphabet
        ("91350100O000100Y43", "bad_character", 9),
        ("91350100m000100Y43", "bad_character", 9),  # lower case
        ("91350100M000100Y4Z", "bad_character", 18),
    ],
)
def test_malformed_usccs_are_rejected_without_a_database_query(value, code, position):
    with pytest.raises(ValidationError) as info:
        validate_uscc(value)
    assert info.value.code == code
    if position is not None:
        assert info.value.params == {"position": position, "char": value[position - 1]}


@pytest.mark.django_db
def test_allow_listed_early_uscc_passes_despite_its_check_character():
    # Given a code that fails only the check character
    assert error_code(validate_uscc, MISQUOTED_USCC) == "wrong_check_character"
    # When an administrator puts it on the allow-list
    UsccAllowListEntry.objects.create(uscc=MISQUOTED_USCC, reason="issued 2015, verified")
    # Then it validates, while a neighbour with another wrong check character still fails
    validate_uscc(MISQUOTED_USCC)
    assert error_code(validate_uscc, MISQUOTED_USCC[:17] + "8") == "wrong_check_character"


@pytest.mark.django_db
def test_allow_list_does_not_admit_a_code_with_bad_characters():
    UsccAllowListEntry.objects.create(uscc="91350100M000100Y4S", reason="typo")
    assert error_code(validate_uscc, "91350100M000100Y4S") == "bad_character"


def test_allow_list_entry_itself_requires_length_and_alphabet():
    entry = UsccAllowListEntry(uscc="9135O100M000100Y43", reason="x")
    with pytest.raises(ValidationError) as info:
        entry.full_clean(exclude=["added_by"], validate_unique=False)
    assert "uscc" in info.value.message_dict


def test_normalise_uscc_strips_spaces_and_upper_cases():
    assert normalise_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalise_uscc("9135 0100 M000 100Y 43") == "91350100M000100Y43"


# --- mobile phone numbers ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "16612345678", "14712345678"])
def test_mainland_mobile_numbers_are_valid(value):
    validate_mobile(value)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("+86 138 0013 8000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        ("(+86) 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("010-12345678", "01012345678"),  # a landline stays a landline: the validator refuses it
    ],
)
def test_normalise_mobile(typed, normalised):
    assert normalise_mobile(typed) == normalised


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("+86 13800138000", "not_normalised"),
        ("138 0013 8000", "not_normalised"),
        ("12345678901", "not_a_mobile"),
        ("10086100861", "not_a_mobile"),
        ("1380013800", "wrong_length"),
        ("138001380001", "wrong_length"),
        ("1380013800a", "bad_character"),
        ("", "bad_character"),
    ],
)
def test_invalid_mobile_numbers_are_rejected(value, code):
    assert error_code(validate_mobile, value) == code


def test_not_normalised_mobile_message_shows_the_number_to_enter():
    assert "13800138000" in error_message(validate_mobile, "+86 138-0013-8000")


# --- properties ----------------------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))


@st.composite
def id_numbers(draw) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest = draw(st.from_regex(r"\A[0-9]{4}\Z"))
    born = draw(birth_dates)
    sequence = draw(st.integers(min_value=0, max_value=999))
    return _with_check_char(f"{province}{rest}{born:%Y%m%d}{sequence:03d}")


@st.composite
def usccs(draw) -> str:
    body = draw(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
    return body + uscc_check_char(body)


@given(id_numbers())
def test_generated_id_numbers_validate_and_parse(value):
    validate_id_number(value)
    assert parse_id_number(value).birth_date == dt.date(
        int(value[6:10]), int(value[10:12]), int(value[12:14])
    )


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_substitution_in_an_id_number_is_rejected(value, position, char):
    # MOD 11-2 detects every single substitution, wherever it happens
    if position < 17 and char == "X":
        char = "0"
    changed = value[:position] + char + value[position + 1 :]
    if changed != value:
        with pytest.raises(ValidationError):
            validate_id_number(changed)


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(usccs(), st.sampled_from(USCC_ALPHABET))
def test_generated_usccs_validate_and_a_changed_check_character_is_rejected(value, char):
    validate_uscc(value)
    if char != value[17]:
        assert error_code(validate_uscc, value[:17] + char) == "wrong_check_character"


@given(
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_old_15_digit_numbers_round_trip_through_normalise(province, born, sequence):
    old = f"{province}0101{born:%y%m%d}{sequence:03d}"
    new = normalise_id_number(old)
    validate_id_number(new)
    assert new[:6] + new[8:17] == old
    assert parse_id_number(new).birth_date == born
    assert normalise_id_number(new) == new


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(st.one_of(st.text(max_size=25), st.text(alphabet="0123456789XxIO +-", max_size=20)))
def test_random_input_never_crashes_a_validator(value):
    for validator in (validate_id_number, validate_uscc, validate_mobile):
        try:
            validator(value)
        except ValidationError as error:
            assert error.code
    for normalise in (normalise_id_number, normalise_uscc, normalise_mobile):
        assert isinstance(normalise(value), str)
