"""factory_boy factories for the workflow platform: process definitions built by the builder.

A ``ProcessDefinitionFactory`` row holds BPMN XML made by ``process_build`` and checked by
``process_validate`` (the engine runs it), stored through ``process_definition_store`` so an
active definition replaces its owner's previous one as in the admin. ``owner_ref`` names any
owner (``app.model:public id``); by default a made-up owner of its own.
"""

from __future__ import annotations

from typing import Any

import factory

from ecity.identity.tests.factories import DepartmentFactory
from ecity.workflow.bpmn import ReviewStep, process_build, process_validate
from ecity.workflow.models import ProcessDefinition
from ecity.workflow.services import process_definition_store


class ProcessDefinitionFactory(factory.Factory):
    """Accept → parallel reviews → decide: ``lead_department`` accepts and decides, each of
    ``review_departments`` (codes of existing departments) reviews."""

    class Meta:
        model = ProcessDefinition

    owner_ref = factory.Sequence(lambda n: f"tests.owner:{n:08d}")
    name = "食品经营许可并联审批"
    # Department codes: a new department of its own by default, reviewing alone.
    lead_department = factory.LazyFunction(lambda: DepartmentFactory().code)
    review_departments = factory.LazyAttribute(lambda o: (o.lead_department,))
    bpmn_xml = factory.LazyAttribute(
        lambda o: process_build(
            lead_department=o.lead_department,
            review_steps=[ReviewStep(code) for code in o.review_departments],
            name=o.name,
        )
    )
    description = factory.LazyAttribute(
        lambda o: {
            "lead_department": o.lead_department,
            "accept_role": "counter_clerk",
            "review_steps": [{"department": c, "role": "reviewer"} for c in o.review_departments],
            "decision_role": "approver",
        }
    )
    reject_ends_case = True
    is_active = True
    created_by = None

    @classmethod
    def _build(cls, model_class: type[ProcessDefinition], *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Use create(): a definition is stored by the service.")

    @classmethod
    def _create(
        cls, model_class: type[ProcessDefinition], *args: Any, **kwargs: Any
    ) -> ProcessDefinition:
        xml = kwargs["bpmn_xml"]
        return process_definition_store(
            owner_ref=kwargs["owner_ref"],
            xml=xml,
            spec=process_validate(xml),
            name=kwargs["name"],
            source=ProcessDefinition.Source.BUILT,
            description=kwargs["description"],
            reject_ends_case=kwargs["reject_ends_case"],
            created_by=kwargs["created_by"],
            active=kwargs["is_active"],
        )
