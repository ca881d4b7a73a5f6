"""Upgrading a database of the previous version: process definitions move from cases to workflow,
their service version becomes a generic owner reference, and cases keep pointing to them."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from ecity.cases.models import Case
from ecity.testing.migrations import migrate_empty_to, migrate_to_latest
from ecity.workflow.models import ProcessDefinition

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

BEFORE = [("cases", "0009_decisiondocument"), ("workflow", None)]


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_upgrade_keeps_process_definitions_their_owner_and_the_cases_using_them(back_to_latest):
    # given a database of the previous version: a service version with an active and an old
    # process, and a case that runs the old one
    # an empty database of the old schema (faster than migrating back; no row is made later)
    state = migrate_empty_to(BEFORE).apps
    region = state.get_model("org", "Region").objects.create(
        code="990100", name_zh="示范市", level="city"
    )
    department = state.get_model("org", "Department").objects.create(
        code="SCJ", name_zh="市市场监督管理局", region=region
    )
    item = state.get_model("catalogue", "ServiceItem").objects.create(
        code="SCJ-XK-001", department=department
    )
    version = state.get_model("catalogue", "ServiceItemVersion").objects.create(
        item=item, number=1, name_zh="食品经营许可"
    )
    old_definition = state.get_model("cases", "ProcessDefinition")
    old = old_definition.objects.create(
        service_version=version, name="v1", source="built", bpmn_xml="<x/>", is_active=False
    )
    active = old_definition.objects.create(
        service_version=version, name="v2", source="uploaded", bpmn_xml="<y/>", is_active=True
    )
    case = state.get_model("cases", "Case").objects.create(
        number="2026-SCJ-000001",
        query_code="Q1",
        service_version=version,
        department=department,
        applicant_kind="citizen",
        applicant_name="王小明",
        channel="online",
        submitted_at="2026-03-02T09:00:00Z",
        process=old,
    )
    old_type, _ = state.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="cases", model="processdefinition"
    )

    # when the database is upgraded
    migrate_to_latest()

    # then the rows are the same, owned by the version through its generic reference
    owner_ref = f"catalogue.serviceitemversion:{version.public_id}"
    assert list(
        ProcessDefinition.objects.order_by("pk").values_list("pk", "name", "owner_ref", "is_active")
    ) == [(old.pk, "v1", owner_ref, False), (active.pk, "v2", owner_ref, True)]
    assert Case.objects.get(pk=case.pk).process_id == old.pk
    moved = ContentType.objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("workflow", "processdefinition")
    # and the owner still has at most one active process
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessDefinition.objects.create(
            owner_ref=owner_ref, name="v3", source="built", bpmn_xml="<z/>", is_active=True
        )
