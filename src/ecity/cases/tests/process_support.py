"""Helpers for the process tests: the sample BPMN files and stored definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from ecity.cases.selectors import process_owner_ref
from ecity.workflow.models import ProcessDefinition

BPMN_DIR = Path(__file__).parent / "bpmn"


def bpmn_file(name: str) -> str:
    """The text of ``tests/bpmn/<name>.bpmn``."""
    return (BPMN_DIR / f"{name}.bpmn").read_text(encoding="utf-8")


def stored_definition(joint, xml: str, *, process_id: str = "p") -> ProcessDefinition:
    """An (inactive) definition of the joint service holding ``xml``, as the engine needs."""
    return ProcessDefinition.objects.create(
        owner_ref=process_owner_ref(joint.version),
        name="test",
        source=ProcessDefinition.Source.UPLOADED,
        bpmn_xml=xml,
        process_id=process_id,
        is_active=False,
    )


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the msgids); import this fixture into a test module."""
    with translation.override("en"):
        yield
