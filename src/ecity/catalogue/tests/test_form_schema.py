"""Form schemas: definition checks, data validation, rendering as an accessible form."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.catalogue.form_schema import (
    schema_to_form,
    schema_validate_data,
    schema_validate_definition,
)
from ecity.catalogue.tests.factories import APPLICATION_SCHEMA
from ecity.identity.tests.factories import id_number_for, uscc_for

# The ID number validator may look regions up in the database.
pytestmark = pytest.mark.django_db


def _schema(**props):
    return {"type": "object", "properties": props}


def _wrong_check_char(value: str, alphabet: str) -> str:
    return value[:-1] + next(c for c in alphabet if c != value[-1])


def test_example_schema_is_valid():
    assert schema_validate_definition(APPLICATION_SCHEMA) == []
    assert schema_validate_definition({}) == []


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ({"type": "array"}, '"type": "object"'),
        (_schema(a={"type": "file", "title": "A"}), "type must be one of"),
        (_schema(a={"type": "string", "title": "A", "format": "passport"}), "unknown format"),
        (_schema(a={"type": "string", "title": "A", "colour": "red"}), "unknown keyword"),
        (_schema(a={"type": "string", "title": "A", "pattern": "[0-9"}), "not a valid regular"),
        (_schema(a={"type": "string"}), "title"),
        (_schema(a={"type": "integer", "title": "A", "maxLength": 3}), "only to text fields"),
        (_schema(a={"type": "integer", "title": "A", "minimum": 5, "maximum": 1}), "greater"),
        (_schema(a={"type": "string", "title": "A", "x-widget": "radio"}), "needs an “enum”"),
        (
            _schema(a={"type": "string", "title": "A", "enum": ["x", "y"], "enumNames": ["X"]}),
            "one text label per",
        ),
        (_schema(a={"type": "integer", "title": "A", "enum": ["x"]}), "match the field type"),
        ({**_schema(a={"type": "string", "title": "A"}), "required": ["b"]}, "not in “properties”"),
        ({**_schema(a={"type": "string", "title": "A"}), "x-order": ["a", "c"]}, "“c”"),
        ({**_schema(a={"type": "string", "title": "A"}), "oneOf": []}, "top-level keyword"),
        (_schema(**{"bad name": {"type": "string", "title": "A"}}), "field name"),
    ],
)
def test_definition_errors_are_reported(schema, fragment):
    with translation.override("en"):
        errors = schema_validate_definition(schema)

    assert any(fragment in e for e in errors), errors


def test_required_min_max_pattern_and_enum_are_enforced():
    data = {
        "applicant_name": "王",
        "id_number": "",
        "children": 11,
        "delivery": "drone",
        "postcode": "12345",
    }

    with translation.override("en"):
        cleaned, errors = schema_validate_data(APPLICATION_SCHEMA, data)

    assert cleaned == {}
    assert errors["applicant_name"] == ["Ensure this value has at least 2 characters (it has 1)."]
    assert errors["id_number"] == ["This field is required."]
    assert errors["children"] == ["Ensure this value is less than or equal to 10."]
    assert errors["delivery"][0].startswith("Select a valid choice.")
    assert errors["postcode"] == ["Enter a value in the required format."]


def test_messages_are_translated_into_chinese():
    with translation.override("zh-hans"):
        _, errors = schema_validate_data(APPLICATION_SCHEMA, {"postcode": "1"})

    assert errors["applicant_name"] == ["该字段是必填项。"]
    assert errors["postcode"] == ["请按要求的格式填写。"]


def test_valid_data_is_cleaned_to_json_values():
    data = {"applicant_name": "王小明", "id_number": id_number_for(5), "delivery": "post"}
    data |= {"children": 2, "postcode": "200001", "phone": "13800138000"}

    cleaned, errors = schema_validate_data(APPLICATION_SCHEMA, data)

    assert errors == {}
    assert cleaned["children"] == 2
    assert cleaned["postcode"] == "200001"
    assert cleaned["id_number"] == id_number_for(5)


def test_wrong_types_and_unknown_fields_are_errors():
    _, errors = schema_validate_data(
        APPLICATION_SCHEMA,
        {"applicant_name": ["a"], "children": "3.5", "surprise": 1},
    )

    assert set(errors) >= {"applicant_name", "children", "surprise"}


ID_SCHEMA = {
    "type": "object",
    "properties": {
        "person": {"type": "string", "title": "身份证号", "format": "id_number"},
        "company": {"type": "string", "title": "统一社会信用代码", "format": "uscc"},
        "mobile": {"type": "string", "title": "手机", "format": "mobile"},
        "email": {"type": "string", "title": "邮箱", "format": "email"},
        "born_on": {"type": "string", "title": "出生日期", "format": "date"},
    },
}


def test_real_identifiers_pass_format_validation():
    data = {
        "person": id_number_for(42),
        "company": uscc_for(42),
        "mobile": "13912345678",
        "email": "a@example.cn",
        "born_on": "1990-05-17",
    }

    cleaned, errors = schema_validate_data(ID_SCHEMA, data)

    assert errors == {}
    assert cleaned["born_on"] == "1990-05-17"
    assert cleaned["company"] == uscc_for(42)


def test_identifiers_with_wrong_check_character_are_rejected():
    data = {
        "person": _wrong_check_char(id_number_for(42), "0123456789X"),
        "company": _wrong_check_char(uscc_for(42), "0123456789ABCDEFGHJKLMNPQRTUWXY"),
        "mobile": "12345",
        "email": "not-an-email",
        "born_on": "1990-13-45",
    }

    _, errors = schema_validate_data(ID_SCHEMA, data)

    assert set(errors) == {"person", "company", "mobile", "email", "born_on"}


def test_form_renders_labels_help_and_aria_in_english():
    form = schema_to_form(APPLICATION_SCHEMA, language="en")

    html = str(form["applicant_name"])
    assert form.fields["applicant_name"].label == "Applicant name"
    assert form.fields["applicant_name"].help_text == "As on the ID card"
    assert 'aria-describedby="id_applicant_name-hint"' in html
    assert "required" in html
    assert list(form.fields) == APPLICATION_SCHEMA["x-order"]
    assert form.fields["delivery"].choices == [("post", "By post"), ("counter", "At the counter")]


def test_form_marks_invalid_fields_with_error_ids():
    form = schema_to_form(APPLICATION_SCHEMA, data={"applicant_name": "王"}, language="zh-hans")

    assert not form.is_valid()
    html = str(form["applicant_name"])
    assert 'aria-invalid="true"' in html
    assert "id_applicant_name-hint id_applicant_name-error" in html


def test_schema_to_form_refuses_invalid_definition():
    with translation.override("en"), pytest.raises(ValueError, match="type"):
        schema_to_form({"type": "object", "properties": {"a": {"type": "x"}}}, language="en")
