"""Form-schema patterns run on RE2 (linear time); patterns RE2 cannot run are refused at save."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.catalogue import services
from ecity.catalogue.form_schema import (
    schema_to_form,
    schema_validate_data,
    schema_validate_definition,
)
from ecity.catalogue.tests.factories import VersionFactory, platform_admin
from ecity.core.errors import ValidationFailed
from ecity.core.patterns import PatternValidator

pytestmark = pytest.mark.django_db


def _schema(pattern: str) -> dict:
    return {
        "type": "object",
        "properties": {"code": {"type": "string", "title": "编码", "pattern": pattern}},
    }


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        (r"(a)\1", "backreference"),
        (r"(?=a)a", "lookaround"),
        (r"(?<!x)a", "lookaround"),
        (r"[0-9", "not a valid regular expression"),
        ("a" * 600, "at most 500"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_with_a_clear_message(pattern, fragment):
    with translation.override("en"):
        problems = schema_validate_definition(_schema(pattern))

    assert len(problems) == 1
    assert "“code”" in problems[0]
    assert fragment in problems[0]


def test_saving_a_draft_with_a_backreference_pattern_is_refused():
    draft = VersionFactory()

    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.version_draft_update(
            actor=platform_admin(), version=draft, form_schema=_schema(r"(\d)\1")
        )

    assert list(caught.value.fields) == ["form_schema"]
    draft.refresh_from_db()
    assert "properties" not in draft.form_schema or "code" not in draft.form_schema["properties"]


def test_catastrophic_pattern_runs_on_re2_and_gives_the_right_answers():
    # (a|aa)+ against "aaa…ab" takes exponential time on a backtracking engine (Python's re);
    # RE2 answers in linear time, so a 50,000-character value is checked at once.
    schema = _schema("(a|aa)+")
    field = schema_to_form(schema, language="en").fields["code"]
    validators = [v for v in field.validators if isinstance(v, PatternValidator)]

    bad = schema_validate_data(schema, {"code": "a" * 50_000 + "b"})
    good = schema_validate_data(schema, {"code": "a" * 50_000})

    assert [v.engine for v in validators] == ["re2"]
    assert "code" in bad[1]
    assert good == ({"code": "a" * 50_000}, {})


def test_patterns_match_the_whole_value_and_handle_chinese_text():
    schema = _schema(r"[\p{Han}]{2,4}")

    assert schema_validate_data(schema, {"code": "王小明"}) == ({"code": "王小明"}, {})
    assert "code" in schema_validate_data(schema, {"code": "王小明x"})[1]
    assert "code" in schema_validate_data(_schema("[0-9]{6}"), {"code": "1234567"})[1]
