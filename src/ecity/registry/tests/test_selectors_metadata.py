"""Data elements: who is authoritative for them and which values they accept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from ecity.core.errors import NotFound
from ecity.identity.tests.factories import DepartmentFactory, id_number_for, uscc_for
from ecity.registry.models import DataElement
from ecity.registry.selectors.metadata import data_element_authority, data_element_validate
from ecity.registry.tests.factories import CodeListFactory, CodeValueFactory, DataElementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


def test_authority_is_the_department_named_on_the_element():
    police = DepartmentFactory(code="GA", name_zh="市公安局")
    DataElementFactory(identifier="DE0001", name="公民身份号码", authority=police)

    assert data_element_authority(identifier="DE0001") == police


def test_withdrawn_element_or_inactive_department_has_no_authority():
    police = DepartmentFactory(code="GA")
    DataElementFactory(identifier="DE0001", authority=police, status="withdrawn")
    closed = DepartmentFactory(code="OLD", is_active=False)
    DataElementFactory(identifier="DE0002", authority=closed)
    DataElementFactory(identifier="DE0003", authority=None)

    assert data_element_authority(identifier="DE0001") is None
    assert data_element_authority(identifier="DE0002") is None
    assert data_element_authority(identifier="DE0003") is None


def test_unknown_element_is_not_found():
    with pytest.raises(NotFound):
        data_element_authority(identifier="DE4040")
    with pytest.raises(NotFound):
        data_element_validate(identifier="DE4040", value="x")


@pytest.mark.parametrize(
    ("data_type", "good", "bad"),
    [
        ("integer", "-42", "4.2"),
        ("decimal", "114.305", "东经114度"),
        ("date", "2024-02-29", "2023-02-29"),
        ("datetime", "2024-05-01T08:30:00+08:00", "2024-05-01 25:00"),
        ("boolean", "true", "yes"),
    ],
)
def test_value_must_have_the_element_type(data_type, good, bad):
    DataElementFactory(identifier="DE0100", data_type=data_type)

    assert data_element_validate(identifier="DE0100", value=good) == []
    assert len(data_element_validate(identifier="DE0100", value=bad)) == 1


def test_value_must_match_the_pattern_as_a_whole():
    DataElementFactory(identifier="DE0101", pattern=r"\d{6}")

    assert data_element_validate(identifier="DE0101", value="420100") == []
    assert data_element_validate(identifier="DE0101", value="4201001") == [
        "The value does not have the required format."
    ]


def test_code_value_must_be_in_the_list_and_valid_today():
    sex = CodeListFactory(identifier="GB/T 2261.1")
    CodeValueFactory(code_list=sex, code="1", name="男性")
    CodeValueFactory(code_list=sex, code="7", name="旧代码", valid_to=dt.date(2000, 1, 1))
    DataElementFactory(identifier="DE0102", data_type="code", code_list=sex)

    assert data_element_validate(identifier="DE0102", value="1") == []
    assert data_element_validate(identifier="DE0102", value="3") == [
        "3 is not a code of the list GB/T 2261.1."
    ]
    assert len(data_element_validate(identifier="DE0102", value="7")) == 1


def test_id_number_and_uscc_need_their_check_character():
    DataElementFactory(identifier="DE0001", check_rule=DataElement.CheckRule.ID_NUMBER)
    DataElementFactory(identifier="DE0201", check_rule=DataElement.CheckRule.USCC)
    good_id = id_number_for(7)
    bad_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    good_uscc = uscc_for(7)
    bad_uscc = good_uscc[:17] + ("0" if good_uscc[17] != "0" else "1")

    assert data_element_validate(identifier="DE0001", value=good_id) == []
    assert data_element_validate(identifier="DE0201", value=good_uscc) == []
    assert "check character" in data_element_validate(identifier="DE0001", value=bad_id)[0]
    assert "check character" in data_element_validate(identifier="DE0201", value=bad_uscc)[0]


def test_empty_value_is_refused():
    DataElementFactory(identifier="DE0103")

    assert data_element_validate(identifier="DE0103", value="") == ["Enter a value."]
