"""The e-certificate identifier and its ISO/IEC 7064 MOD 37,36 check character."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecity.certificates.identifiers import (
    ALPHABET,
    IdentifierError,
    certificate_identifier,
    identifier_parse,
    mod37_36_check_char,
)

alnum = st.text(alphabet=ALPHABET, min_size=1, max_size=60)


def reference_check_char(body: str) -> str:
    """Straight from the standard's definition: the character c for which the hybrid
    recursion over body + c ends with remainder 1 (found by trying all 36)."""

    def final_s(text: str) -> int:
        p = 36
        s = 0
        for char in text:
            s = (p + int(char, 36)) % 36
            if s == 0:
                s = 36
            p = (2 * s) % 37
        return s

    (match,) = [c for c in ALPHABET if final_s(body + c) == 1]
    return match


# Published vectors: a vendor's manual of an ISO 7064 Mod 37/36 function, and identifiers issued
# by provincial e-licence platforms (check over type code + issuer + serial + version).
@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("123AB", "X"),
        ("DADPIDA3897722461", "J"),
        ("A12425GABC1234002", "M"),
        ("11100000000013338W01111430000006122244L20230000403001", "U"),
        ("11100000000013338W00911330105002500287C2025052201002", "0"),
    ],
)
def test_known_vectors(body, check):
    assert mod37_36_check_char(body) == check


def test_real_identifiers_parse():
    parts = identifier_parse(
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
    )
    assert parts.type_code == "11100000000013338W011"
    assert parts.issuer_code == "11430000006122244L"
    assert parts.serial == "20230000403"
    assert parts.version == 1
    assert parts.check_char == "U"


def test_dots_are_skipped_and_other_characters_rejected():
    assert mod37_36_check_char("12.3A.B") == mod37_36_check_char("123AB")
    with pytest.raises(ValueError, match="alphabet"):
        mod37_36_check_char("12-3")
    with pytest.raises(ValueError, match="alphabet"):
        mod37_36_check_char("abc")


@given(alnum)
def test_matches_the_reference_definition(body):
    assert mod37_36_check_char(body) == reference_check_char(body)


@given(alnum, st.data())
def test_every_single_substitution_is_detected(body, data):
    full = body + mod37_36_check_char(body)
    position = data.draw(st.integers(0, len(full) - 1))
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != full[position]]))
    altered = full[:position] + replacement + full[position + 1 :]

    assert mod37_36_check_char(altered[:-1]) != altered[-1]


def test_almost_every_adjacent_transposition_is_detected():
    rng = random.Random(7064)
    tried = missed = 0
    while tried < 20000:
        body = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 60)))
        full = body + mod37_36_check_char(body)
        i = rng.randrange(len(full) - 1)
        if full[i] == full[i + 1]:
            continue
        swapped = full[:i] + full[i + 1] + full[i] + full[i + 2 :]
        tried += 1
        missed += mod37_36_check_char(swapped[:-1]) == swapped[-1]
    assert missed / tried < 0.005


@given(
    type_code=st.text(alphabet=ALPHABET, min_size=1, max_size=21),
    issuer=st.text(alphabet=ALPHABET, min_size=18, max_size=18),
    serial=st.text(alphabet=string.digits, min_size=1, max_size=20),
    version=st.integers(1, 999),
)
def test_build_and_parse_round_trip(type_code, issuer, serial, version):
    identifier = certificate_identifier(
        type_code=type_code, issuer_uscc=issuer, serial=serial, version=version
    )
    parts = identifier_parse(identifier)
    assert (parts.type_code, parts.issuer_code, parts.serial, parts.version) == (
        type_code,
        issuer,
        serial,
        version,
    )
    assert parts.identifier == identifier


def test_parse_accepts_lower_case_and_spaces():
    text = " 1.2.156.3005.2.11100000000013338w011.11430000006122244l.20230000403.001.u "
    assert identifier_parse(text).issuer_code == "11430000006122244L"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2.16.840.1.11100000000013338W011.11430000006122244L.20230000403.001.U", "wrong_root"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.001.U", "wrong_parts"),
        ("1.2.156.3005.2.111-0.11430000006122244L.20230000403.001.U", "bad_character"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.01.U", "bad_version"),
        (
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.000.U",
            "bad_version",
        ),
        (
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V",
            "wrong_check_character",
        ),
        (
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000404.001.U",
            "wrong_check_character",
        ),
    ],
)
def test_parse_errors_say_which_rule_failed(text, code):
    with pytest.raises(IdentifierError) as error:
        identifier_parse(text)
    assert error.value.code == code


def test_builder_rejects_bad_parts():
    with pytest.raises(ValueError):
        certificate_identifier(type_code="A.B", issuer_uscc="X", serial="1", version=1)
    with pytest.raises(ValueError):
        certificate_identifier(type_code="A", issuer_uscc="X", serial="1", version=1000)
