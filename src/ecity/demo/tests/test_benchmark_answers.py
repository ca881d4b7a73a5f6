"""The scale benchmark's generated form answers pass every demo service's form validation."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from ecity.catalogue.form_schema import schema_validate_data
from ecity.identity.models import User

pytestmark = pytest.mark.django_db

BENCHMARKS = Path(__file__).resolve().parents[4] / "benchmarks"


@pytest.fixture
def cases_scale():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import cases_scale

        yield cases_scale
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_generated_answers_are_valid_for_every_service_the_benchmark_submits_to(cases_scale):
    # Given the demo city and a citizen like the benchmark's
    call_command("load_demo", "--no-content", stdout=io.StringIO())
    citizen = User.objects.get(username="zhangwei")

    # When the benchmark picks its services and answers their forms
    services = cases_scale.submission_services(100)
    codes = [code for code, _properties, _materials in services]
    assert "RSJ-GF-003" in codes

    # Then every form accepts its answers (none is skipped any more)
    for code, properties, _materials in services:
        answers = cases_scale.form_answers(properties, citizen)
        _cleaned, errors = schema_validate_data(
            {"type": "object", "properties": properties}, answers
        )
        assert errors == {}, (code, answers, errors)


@pytest.mark.parametrize("pattern", ["[0-9]{12,30}", "[A-Z]{2}\\d{4}", "(abc|de)-x+", "\\w+@\\w+"])
def test_pattern_examples_match_their_pattern(cases_scale, pattern):
    import re

    assert re.fullmatch(pattern, cases_scale.pattern_example(pattern))
