"""The workbench's "back to where I was" never leaves the site (issue 8: ``next`` with tricks)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.cases import services
from ecity.cases.tests.workbench_support import make_case, parallel_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    return case.tasks.get(department=joint.health, kind="review")


@pytest.mark.parametrize(
    "target",
    ["/\\evil.example/", "/\t/evil.example/", "/\r\n/evil.example/", "//evil.example/"],
    ids=["backslash", "tab", "newline", "scheme-relative"],
)
def test_claiming_a_task_never_redirects_off_site(client, joint, task, target):
    client.force_login(joint.health_reviewer)
    url = reverse("cases:workbench_task_claim", kwargs={"public_id": task.public_id})

    response = client.post(url, {"next": target, "expected_version": task.lock_version})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:workbench")
    task.refresh_from_db()
    assert task.status == "claimed"


def test_claiming_a_task_returns_to_a_page_on_this_site(client, joint, task):
    client.force_login(joint.health_reviewer)
    url = reverse("cases:workbench_task_claim", kwargs={"public_id": task.public_id})
    back = reverse("cases:workbench") + "?queue=to_review"

    response = client.post(url, {"next": back, "expected_version": task.lock_version})

    assert response["Location"] == back
