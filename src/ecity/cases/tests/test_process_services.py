"""Creating and activating process definitions: permissions, validation, one active per version."""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.cases.selectors import active_process_for, process_definition_list
from ecity.cases.services import (
    process_definition_activate,
    process_definition_build,
    process_definition_upload,
)
from ecity.cases.tests.process_support import bpmn_file, in_english  # noqa: F401
from ecity.catalogue.tests.factories import department_admin, platform_admin
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.workflow.bpmn import ProcessInvalid, process_validate
from ecity.workflow.models import ProcessDefinition

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_admin(joint):
    return department_admin(joint.lead)


def test_department_admin_uploads_a_process_that_becomes_active(joint, lead_admin):
    definition = process_definition_upload(
        actor=lead_admin, service_version=joint.version, xml=bpmn_file("joint_lanes"), name=""
    )

    assert active_process_for(service_version=joint.version) == definition
    assert (definition.name, definition.process_id, definition.source) == (
        "食品经营许可",
        "food_licence",
        ProcessDefinition.Source.UPLOADED,
    )
    assert definition.created_by == lead_admin
    assert [t["department"] for t in definition.description["tasks"]] == [
        "SCJ",
        "SCJ",
        "WJW",
        "XFJ",
        "SCJ",
    ]


def test_new_definition_deactivates_the_previous_one(joint, lead_admin):
    first = process_definition_upload(
        actor=lead_admin, service_version=joint.version, xml=bpmn_file("joint_lanes"), name="v1"
    )

    second = process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["WJW", "XFJ"]
    )

    first.refresh_from_db()
    assert not first.is_active
    assert active_process_for(service_version=joint.version) == second
    assert second.source == ProcessDefinition.Source.BUILT
    assert second.description["review_steps"] == [
        {"department": "WJW", "role": "reviewer"},
        {"department": "XFJ", "role": "reviewer"},
    ]
    assert 'name="Review by Health Commission"' in second.bpmn_xml


def test_invalid_upload_saves_nothing(joint, lead_admin):
    with pytest.raises(ProcessInvalid) as caught:
        process_definition_upload(
            actor=lead_admin,
            service_version=joint.version,
            xml=bpmn_file("script_task"),
            name="bad",
        )

    assert caught.value.fields["bpmn_xml"][0] == (
        "scriptTask “Clean up” (Hack): unknown or forbidden element."
    )
    assert not ProcessDefinition.objects.exists()


def test_uploaded_conditions_may_use_form_fields_and_task_outcomes_only(joint, lead_admin):
    xml = bpmn_file("conditional")
    ok = xml.replace('shop_name != ""', 'ReviewFire_outcome != "reject" or outcome == "x"')
    bad = xml.replace('shop_name != ""', "colour == 'red'")

    process_definition_upload(actor=lead_admin, service_version=joint.version, xml=ok, name="ok")
    with pytest.raises(ProcessInvalid) as caught:
        process_definition_upload(
            actor=lead_admin, service_version=joint.version, xml=bad, name="bad"
        )
    assert caught.value.errors[0].endswith("Unknown field colour.")


def test_other_departments_admin_cannot_upload(joint):
    health_admin = department_admin(joint.health)

    with pytest.raises(PermissionDenied):
        process_definition_upload(
            actor=health_admin,
            service_version=joint.version,
            xml=bpmn_file("joint_lanes"),
            name="x",
        )
    with pytest.raises(PermissionDenied):
        process_definition_build(
            actor=joint.approver, service_version=joint.version, review_departments=[]
        )
    assert not ProcessDefinition.objects.exists()


def test_build_refuses_unknown_and_repeated_departments(joint, lead_admin):
    with pytest.raises(ValidationFailed) as unknown:
        process_definition_build(
            actor=lead_admin, service_version=joint.version, review_departments=["GAJ"]
        )
    with pytest.raises(ValidationFailed) as repeated:
        process_definition_build(
            actor=lead_admin, service_version=joint.version, review_departments=["WJW", "WJW"]
        )
    with pytest.raises(ValidationFailed) as role:
        process_definition_build(
            actor=lead_admin,
            service_version=joint.version,
            review_departments=["WJW"],
            review_role="platform_admin",
        )

    assert unknown.value.fields == {
        "review_departments": ["There is no active department with the code GAJ."]
    }
    assert repeated.value.fields == {
        "review_departments": ["Each department can review only once."]
    }
    assert role.value.fields == {"review_role": ["Choose one of the staff roles."]}


def test_activate_switches_the_active_definition(joint, lead_admin):
    first = process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["WJW"]
    )
    process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["XFJ"]
    )

    process_definition_activate(actor=lead_admin, definition=first)

    assert active_process_for(service_version=joint.version) == first
    assert ProcessDefinition.objects.filter(is_active=True).count() == 1


def test_activate_revalidates_departments(joint, lead_admin):
    definition = process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["WJW"]
    )
    process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["XFJ"]
    )
    joint.health.is_active = False
    joint.health.save()

    with pytest.raises(ProcessInvalid):
        process_definition_activate(actor=lead_admin, definition=definition)


def test_definition_list_is_limited_to_the_admins_departments(joint, lead_admin):
    own = process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["WJW"]
    )

    assert list(process_definition_list(actor=lead_admin)) == [own]
    assert list(process_definition_list(actor=department_admin(joint.health))) == []
    assert list(process_definition_list(actor=platform_admin())) == [own]


def test_active_process_for_a_version_without_one_is_none(joint):
    assert active_process_for(service_version=joint.version) is None


def test_stored_built_xml_is_valid(joint, lead_admin):
    definition = process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["WJW", "XFJ", "SCJ"]
    )

    assert process_validate(definition.bpmn_xml).max_parallel_branches == 3


def test_upload_and_build_are_audited_in_the_same_transaction(joint, lead_admin):
    # When a department administrator uploads one process and builds another
    uploaded = process_definition_upload(
        actor=lead_admin, service_version=joint.version, xml=bpmn_file("joint_lanes"), name=""
    )
    built = process_definition_build(
        actor=lead_admin, service_version=joint.version, review_departments=["WJW"]
    )

    # Then the audit trail names who did what to which definition of which service version
    entries = list(
        AuditEntry.objects.filter(action__startswith="process.")
        .order_by("id")
        .values("action", "actor_username", "object_type", "object_id", "data")
    )
    version = {"service_item": "SCJ-XK-TEST", "version": joint.version.number}
    assert entries == [
        {
            "action": "process.uploaded",
            "actor_username": lead_admin.username,
            "object_type": "workflow.processdefinition",
            "object_id": str(uploaded.public_id),
            "data": {**version, "process_id": "food_licence"},
        },
        {
            "action": "process.built",
            "actor_username": lead_admin.username,
            "object_type": "workflow.processdefinition",
            "object_id": str(built.public_id),
            "data": {**version, "process_id": built.process_id},
        },
    ]


def test_a_refused_upload_writes_no_audit_entry(joint, lead_admin):
    with pytest.raises(ProcessInvalid):
        process_definition_upload(
            actor=lead_admin, service_version=joint.version, xml="<nope/>", name=""
        )

    assert not AuditEntry.objects.filter(action__startswith="process.").exists()
