"""The process definition factory stores a built process that the engine runs."""

from __future__ import annotations

import pytest

from ecity.identity.tests.factories import DepartmentFactory
from ecity.workflow.bpmn import engine
from ecity.workflow.models import ProcessDefinition
from ecity.workflow.tests.factories import ProcessDefinitionFactory

pytestmark = pytest.mark.django_db


def test_a_factory_definition_is_valid_active_and_starts_at_acceptance():
    definition = ProcessDefinitionFactory()

    definition.full_clean()
    assert definition.is_active
    assert definition.source == ProcessDefinition.Source.BUILT
    state = engine.start(definition=definition, data={})
    [task] = engine.ready_tasks(state)
    assert (task.kind, task.department_code) == (
        "accept",
        definition.description["lead_department"],
    )


def test_a_new_active_definition_of_one_owner_replaces_the_previous_one():
    for code in ("SCJ", "WJW", "XFJ"):
        DepartmentFactory(code=code)
    first = ProcessDefinitionFactory(owner_ref="tests.owner:1", lead_department="SCJ")

    second = ProcessDefinitionFactory(
        owner_ref="tests.owner:1", lead_department="SCJ", review_departments=("WJW", "XFJ")
    )

    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert [s["department"] for s in second.description["review_steps"]] == ["WJW", "XFJ"]
