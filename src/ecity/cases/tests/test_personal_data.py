"""Applicants' personal data in cases: encrypted at rest, masked by role, reads audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.audit.selectors import my_data_access_list
from ecity.cases import services
from ecity.cases.models import Case
from ecity.cases.tests.submission_support import form_data, submit
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, id_number_for

pytestmark = pytest.mark.django_db

FULL_ID = "110105199001011234"
MASKED_ID = "1101**********1234"
FORM = {
    "applicant_name": "王小明",
    "id_number": id_number_for(321),
    "phone": "13912345678",
    "shop_name": "小明面馆",
    "area": 30,
}


@pytest.fixture
def accepted(joint):
    parallel_process(joint)
    case = make_case(joint, form_data=dict(FORM), contact_phone="13912345678")
    services.case_accept(actor=joint.clerk, case=case)
    case.refresh_from_db()
    return case


@pytest.fixture
def copied_reviewer(joint, accepted):
    outsider = StaffRoleFactory(department=DepartmentFactory(code="JTW"), role="reviewer").user
    services.case_copy_to(
        actor=joint.clerk, case=accepted, departments=[outsider.staff_roles.get().department]
    )
    return outsider


def reads(case: Case, action: str = "case.read"):
    entries = AuditEntry.objects.filter(action=action, object_id=str(case.public_id))
    return list(entries.order_by("id"))


def test_case_columns_hold_no_plaintext(accepted):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT applicant_identifier, contact_phone, form_data, workflow_state"
            " FROM cases_case WHERE id = %s",
            [accepted.pk],
        )
        row = cursor.fetchone()

    assert all(str(value).startswith("v1$") for value in row)
    assert not any(FULL_ID in str(v) or "13912345678" in str(v) for v in row)
    assert not any(FORM["id_number"] in str(v) or "小明面馆" in str(v) for v in row)
    assert Case.objects.get(pk=accepted.pk).form_data == FORM


def test_process_still_runs_on_the_encrypted_workflow_state(joint, accepted):
    case = Case.objects.get(pk=accepted.pk)

    assert case.workflow_state is not None
    assert case.tasks.filter(status="open").count() == 3


def test_handler_sees_personal_data_in_full_and_the_read_is_audited(client, joint, accepted):
    client.force_login(joint.health_reviewer)

    page = client.get(reverse("cases:workbench_case", kwargs={"number": accepted.number}))

    html = page.content.decode()
    assert page.status_code == 200
    assert FULL_ID in html and FORM["id_number"] in html and "13912345678" in html
    [entry] = reads(accepted)
    assert entry.actor == joint.health_reviewer and entry.subject == joint.citizen
    assert entry.fields == ["applicant_name", "applicant_identifier", "form_data"]
    assert entry.data == {"masked": False, "channel": "web", "form_fields": ["id_number", "phone"]}
    assert entry.ip_address == "127.0.0.1"
    assert FULL_ID not in str(entry.data) and FULL_ID not in entry.object_repr


def test_copied_department_sees_masked_data_and_is_audited_as_masked(
    client, accepted, copied_reviewer
):
    client.force_login(copied_reviewer)

    response = client.get(reverse("cases:workbench_case", kwargs={"number": accepted.number}))

    assert response.status_code == 200
    html = response.content.decode()
    assert MASKED_ID in html and FULL_ID not in html
    assert FORM["id_number"] not in html and "139****5678" in html
    assert "小明面馆" in html  # not personal data: shown
    [entry] = reads(accepted)
    assert entry.actor == copied_reviewer and entry.data["masked"] is True


def test_supervisor_sees_masked_data(client, joint, accepted):
    client.force_login(joint.supervisor)

    response = client.get(reverse("cases:workbench_case", kwargs={"number": accepted.number}))

    assert response.status_code == 200
    html = response.content.decode()
    assert MASKED_ID in html and FULL_ID not in html


def test_queue_lists_mask_even_for_handlers(client, joint, accepted):
    client.force_login(joint.health_reviewer)

    response = client.get(reverse("cases:workbench") + "?queue=to_review")

    assert response.status_code == 200
    html = response.content.decode()
    assert MASKED_ID in html and FULL_ID not in html
    assert reads(accepted) == []  # a list is not a case read


def test_api_case_view_masks_for_copied_departments_and_not_for_handlers(
    api_client, joint, accepted, copied_reviewer
):
    url = reverse("cases-api:workbench-case", kwargs={"number": accepted.number})
    api_client.force_authenticate(copied_reviewer)
    masked = api_client.get(url).json()
    api_client.force_authenticate(joint.health_reviewer)
    full = api_client.get(url).json()

    assert masked["applicant_id"] == MASKED_ID and masked["is_personal_data_masked"] is True
    assert (
        masked["form_data"]["id_number"]
        == FORM["id_number"][:4] + "*" * 10 + FORM["id_number"][-4:]
    )
    assert masked["form_data"]["shop_name"] == "小明面馆"
    assert full["applicant_id"] == FULL_ID and full["is_personal_data_masked"] is False
    assert full["form_data"] == FORM
    assert [(e.actor, e.data["channel"], e.data["masked"]) for e in reads(accepted)] == [
        (copied_reviewer, "api", True),
        (joint.health_reviewer, "api", False),
    ]


def test_api_queue_masks_the_identifier(api_client, joint, accepted):
    api_client.force_authenticate(joint.health_reviewer)

    body = api_client.get(reverse("cases-api:workbench-queue", kwargs={"name": "to_review"})).json()

    assert body["results"][0]["case"]["applicant_id"] == MASKED_ID


def test_applicant_sees_who_read_their_case(client, joint, accepted):
    client.force_login(joint.health_reviewer)
    client.get(reverse("cases:workbench_case", kwargs={"number": accepted.number}))

    entries = list(my_data_access_list(user=joint.citizen))

    assert [(e.action, e.actor) for e in entries] == [("case.read", joint.health_reviewer)]


def test_staff_downloading_a_case_file_is_audited_but_the_applicant_is_not(client, joint):
    case = submit(joint, form_data=form_data())
    attachment = case.attachments.get()
    url = reverse(
        "cases:attachment_download",
        kwargs={"number": case.number, "public_id": attachment.public_id},
    )

    client.force_login(joint.citizen)
    assert client.get(url).status_code == 200
    client.force_login(joint.clerk)
    assert client.get(url).status_code == 200

    [entry] = AuditEntry.objects.filter(action="case_file.download")
    assert entry.actor == joint.clerk and entry.subject == joint.citizen
    assert entry.object_id == str(attachment.public_id)
    assert entry.data["case"] == case.number
