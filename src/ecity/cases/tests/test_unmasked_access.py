"""Unmasked personal data on cases: only after a second factor, and every showing audited.

Issue 8: a reviewer saw unmasked case data without MFA; a workbench POST that failed validation
re-rendered the case with no audit entry; API case actions returned the case without one.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.cases import services
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.identity.security import flow
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, id_number_for
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

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


def case_reads(case):
    return list(
        AuditEntry.objects.filter(action="case.read", object_id=str(case.public_id)).order_by("id")
    )


def _log_in_with_password(client, user):
    return client.post(reverse("identity:login"), {"username": user.username, "password": PASSWORD})


# --- a second factor before anything unmasked ------------------------------------------------


def test_reviewer_without_authenticator_is_sent_to_setup_instead_of_the_case(
    client, joint, accepted
):
    # Given the health department's reviewer, who handles the case, has no authenticator
    url = reverse("cases:workbench_case", kwargs={"number": accepted.number})

    # When they log in with their password and open the case
    login = _log_in_with_password(client, joint.health_reviewer)
    page = client.get(url)

    # Then they are sent to set up the second factor, and see nothing of the case
    assert login.status_code == 302
    assert login["Location"] == reverse("identity:mfa_setup")
    assert page.status_code == 302
    assert FORM["id_number"] not in page.content.decode()
    assert case_reads(accepted) == []


def test_a_reviewer_role_granted_during_a_password_only_session_needs_setup_first(
    client, joint, accepted
):
    # Given a colleague logged in with a password only (no role then, so no second factor)
    colleague = StaffRoleFactory(department=joint.health, role=StaffRole.Role.REVIEWER).user
    colleague.staff_roles.update(is_active=False)
    _log_in_with_password(client, colleague)
    assert client.session[flow.MFA_STATE_KEY] == flow.MFA_PASSWORD_ONLY

    # When the reviewer role becomes active and they open the case (page and API)
    colleague.staff_roles.update(is_active=True)
    page = client.get(reverse("cases:workbench_case", kwargs={"number": accepted.number}))
    api = client.get(reverse("cases-api:workbench-case", kwargs={"number": accepted.number}))

    # Then both refuse until the second factor is set up
    assert page.status_code == 302 and page["Location"] == reverse("identity:mfa_setup")
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"
    assert case_reads(accepted) == []


# --- every showing of unmasked data is audited -----------------------------------------------


def test_a_failed_workbench_post_that_shows_the_case_again_is_audited(client, joint, accepted):
    # Given the lead reviewer, who sees the case unmasked
    client.force_login(joint.lead_reviewer)
    url = reverse("cases:workbench_action", kwargs={"number": accepted.number, "action": "copy"})

    # When they post the copy form without choosing a department (it fails validation)
    response = client.post(url, {})

    # Then the page is shown again in full, and that showing is in the trail
    assert response.status_code == 400
    assert FORM["id_number"] in response.content.decode()
    [entry] = case_reads(accepted)
    assert (entry.actor, entry.subject) == (joint.lead_reviewer, joint.citizen)
    assert entry.data["masked"] is False


def test_an_api_case_action_that_returns_the_case_is_audited(api_client, joint, accepted):
    # Given the lead department's counter clerk (handles the case: sees it unmasked)
    transport = DepartmentFactory(code="JTW", name_zh="市交通委")
    api_client.force_authenticate(joint.clerk)

    # When they copy another department through the API (the answer is the case)
    response = api_client.post(
        reverse("cases-api:workbench-case-copy", kwargs={"number": accepted.number}),
        {"departments": [transport.code]},
        format="json",
    )

    # Then the answer carries the personal data in full, and the read is in the trail
    assert response.status_code == 200, response.content
    assert response.json()["form_data"]["id_number"] == FORM["id_number"]
    [entry] = case_reads(accepted)
    assert entry.actor == joint.clerk
    assert (entry.data["channel"], entry.data["masked"]) == ("api", False)
