"""Process definitions in the admin: upload with errors on the form, build, permissions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.cases.services import process_definition_build, process_definition_update
from ecity.cases.tests.process_support import bpmn_file, in_english  # noqa: F401
from ecity.catalogue.tests.factories import department_admin
from ecity.core.errors import PermissionDenied
from ecity.workflow.models import ProcessDefinition

pytestmark = pytest.mark.django_db

ADD_URL = "admin:workflow_processdefinition_add"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _form(joint, **extra):
    data = {
        "service_version": joint.version.pk,
        "name": "",
        "reject_ends_case": "on",
        "source": "uploaded",
        "review_role": "reviewer",
        "accept_role": "counter_clerk",
        "decision_role": "approver",
    }
    data.update(extra)
    return data


def _upload(name, content):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="application/xml")


@pytest.fixture
def lead_admin_client(client, joint):
    user = department_admin(joint.lead)
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_bad_file_shows_every_problem_on_the_file_field_and_saves_nothing(lead_admin_client, joint):
    response = lead_admin_client.post(
        reverse(ADD_URL),
        _form(joint, bpmn_file=_upload("bad.bpmn", bpmn_file("unknown_department"))),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["bpmn_file"] == [
        "userTask “公安审查” (Review): there is no active department with the code GAJ."
    ]
    assert "GAJ" in response.content.decode()
    assert not ProcessDefinition.objects.exists()


def test_script_task_upload_is_refused_in_the_admin(lead_admin_client, joint):
    response = lead_admin_client.post(
        reverse(ADD_URL), _form(joint, bpmn_file=_upload("s.bpmn", bpmn_file("script_task")))
    )

    assert response.status_code == 200  # the form again, with the error
    assert (
        "scriptTask “Clean up” (Hack): unknown or forbidden element."
        in (response.context["adminform"].form.errors["bpmn_file"])
    )
    assert not ProcessDefinition.objects.exists()


def test_missing_file_is_reported(lead_admin_client, joint):
    response = lead_admin_client.post(reverse(ADD_URL), _form(joint))

    assert response.context["adminform"].form.errors["bpmn_file"] == [
        "Choose the BPMN file to upload."
    ]


def test_good_file_is_stored_as_the_active_process(lead_admin_client, joint):
    response = lead_admin_client.post(
        reverse(ADD_URL),
        _form(joint, bpmn_file=_upload("joint.bpmn", bpmn_file("joint_lanes"))),
    )

    definition = ProcessDefinition.objects.get()
    assert response.status_code == 302
    assert (definition.name, definition.process_id, definition.is_active) == (
        "食品经营许可",
        "food_licence",
        True,
    )


def test_build_from_description_creates_a_parallel_process(lead_admin_client, joint):
    response = lead_admin_client.post(
        reverse(ADD_URL),
        _form(
            joint,
            source="built",
            name="并联审批",
            review_departments=[joint.health.pk, joint.fire.pk],
        ),
    )

    definition = ProcessDefinition.objects.get()
    assert response.status_code == 302
    assert definition.name == "并联审批"
    assert definition.description["review_steps"] == [
        {"department": "WJW", "role": "reviewer"},
        {"department": "XFJ", "role": "reviewer"},
    ]


def test_change_page_shows_the_validation_result_and_offers_the_file(lead_admin_client, joint):
    definition = process_definition_build(
        actor=department_admin(joint.lead),
        service_version=joint.version,
        review_departments=["WJW"],
    )

    page = lead_admin_client.get(
        reverse("admin:workflow_processdefinition_change", args=[definition.pk])
    )
    download = lead_admin_client.get(
        reverse("admin:workflow_processdefinition_bpmn", args=[definition.pk])
    )

    html = page.content.decode()
    assert "Valid: 3 user tasks in 2 departments." in html
    assert "<td>review_1</td><td>Review by Health Commission</td><td>WJW</td>" in html
    assert download["Content-Disposition"] == 'attachment; filename="Process.bpmn"'
    assert download.content.decode() == definition.bpmn_xml


def test_department_admin_sees_and_chooses_only_own_service_versions(client, joint):
    process_definition_build(
        actor=department_admin(joint.lead), service_version=joint.version, review_departments=[]
    )
    other_admin = department_admin(joint.health)
    other_admin.is_staff = True
    other_admin.save()
    client.force_login(other_admin)

    listing = client.get(reverse("admin:workflow_processdefinition_changelist"))
    add_page = client.get(reverse(ADD_URL))
    post = client.post(
        reverse(ADD_URL),
        _form(joint, bpmn_file=_upload("joint.bpmn", bpmn_file("joint_lanes"))),
    )

    assert listing.status_code == add_page.status_code == 200
    assert listing.context["cl"].result_count == 0
    assert list(add_page.context["adminform"].form.fields["service_version"].queryset) == []
    assert post.status_code == 200  # the form again, with the error
    assert "service_version" in post.context["adminform"].form.errors
    assert ProcessDefinition.objects.count() == 1


def test_citizen_cannot_reach_the_process_admin(client, joint):
    client.force_login(joint.citizen)

    response = client.get(reverse("admin:workflow_processdefinition_changelist"))

    assert response.status_code == 302


def test_changing_a_process_in_the_admin_goes_through_the_service_and_is_audited(
    lead_admin_client, joint
):
    # Given a process of the lead department's service
    definition = process_definition_build(
        actor=department_admin(joint.lead), service_version=joint.version, review_departments=[]
    )

    # When its administrator renames it and lets a rejection no longer end the case
    response = lead_admin_client.post(
        reverse("admin:workflow_processdefinition_change", args=[definition.pk]),
        {"name": "简易流程", "reject_ends_case": ""},
    )

    # Then the change is saved and recorded with the fields that changed
    definition.refresh_from_db()
    assert response.status_code == 302
    assert (definition.name, definition.reject_ends_case) == ("简易流程", False)
    entry = AuditEntry.objects.get(action="process.updated")
    assert sorted(entry.fields) == ["name", "reject_ends_case"]


def test_another_department_cannot_change_a_process_through_the_service(joint):
    definition = process_definition_build(
        actor=department_admin(joint.lead), service_version=joint.version, review_departments=[]
    )

    with pytest.raises(PermissionDenied):
        process_definition_update(
            actor=department_admin(joint.health),
            definition=definition,
            name="改名",
            reject_ends_case=False,
        )

    definition.refresh_from_db()
    assert definition.name != "改名"
