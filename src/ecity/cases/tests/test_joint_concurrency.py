"""Simultaneous double submits of a joint application: exactly one, all cases once (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from ecity.cases.models import Case, JointApplication
from ecity.cases.tests.joint_support import submit_joint
from ecity.cases.tests.test_submission_concurrency import _run_in_threads
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services
from ecity.core.calendar import calendar_seed
from ecity.core.models import IdempotencyRecord
from ecity.identity.tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_with_one_key_create_one_joint_application():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    calendar_seed()
    services = restaurant_services()
    joint = restaurant_joint(services)
    citizen = UserFactory(real_name="王小明", is_real_name_verified=True)

    results, errors = _run_in_threads(
        4, lambda _i: submit_joint(joint, citizen, idempotency_key="joint-same-0001").number
    )

    assert errors == []
    assert JointApplication.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    assert set(results) == {JointApplication.objects.get().number}
    assert Case.objects.count() == 3
