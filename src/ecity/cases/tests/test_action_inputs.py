"""Numeric input of staff actions: odd numbers get a field message, never a server error."""

import pytest
from rest_framework import serializers

from ecity.cases import services
from ecity.cases.actions import ACTIONS
from ecity.cases.models import Case
from ecity.cases.tests.workbench_support import make_case, parallel_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    case.refresh_from_db()
    return case


def _integer_fields(serializer, prefix=""):
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            yield from _integer_fields(field, f"{prefix}{name}.")
        elif isinstance(field, serializers.IntegerField | serializers.FloatField):
            yield f"{prefix}{name}", field


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_numeric_input_of_a_staff_action_is_bounded(action):
    fields = list(_integer_fields(ACTIONS[action].input()))
    for name, field in fields:
        assert field.min_value is not None, name
        assert field.max_value is not None and field.max_value <= 2**31 - 1, name


@pytest.mark.parametrize("version", ["²", "10" * 20, "-1", "1.5"])
def test_accept_with_an_odd_version_number_answers_a_field_error(api_client, joint, version):
    # Given a submitted case and its counter clerk
    parallel_process(joint)
    case = make_case(joint)
    api_client.force_authenticate(joint.clerk)

    # When a client posts an odd number as the version to accept it
    response = api_client.post(
        f"/api/v1/cases/workbench/cases/{case.number}/accept/",
        {"expected_version": version, "days": version},
        format="json",
    )

    # Then it is told which field is wrong and the case is still waiting
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["expected_version"]
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_extension_with_a_huge_number_of_days_answers_a_field_error(api_client, joint, accepted):
    api_client.force_authenticate(joint.approver)

    response = api_client.post(
        f"/api/v1/cases/workbench/cases/{accepted.number}/extension/",
        {"working_days": 10**30, "reason": "专家评审"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["working_days"]
    accepted.refresh_from_db()
    assert accepted.extension_working_days == 0


def test_claim_page_with_a_superscript_version_is_not_a_server_error(client, joint, accepted):
    # Given an open review task of the health bureau
    task = accepted.tasks.get(department=joint.health)
    client.force_login(joint.health_reviewer)

    # When the claim form is posted with a digit Python's int() cannot read
    response = client.post(
        f"/cases/workbench/tasks/{task.public_id}/claim/", {"expected_version": "²"}
    )

    # Then the page comes back with a message and the task is not claimed
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.claimed_by is None
