"""Upgrading a database with certificates issued for cases (certificates 0006, cases 0009).

Rows are written through the services at the current state, the migrations are run back to the
old state (certificates with a foreign key to their case, the decision document in the
certificates app), then forward again: the generic source and the holder's accounts are filled
from the case, the signature still verifies, the decision document is still there, and a late
``case.decided`` for the old case issues no second certificate.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ecity.cases.models import DecisionDocument
from ecity.cases.services.decisions import decision_document_issue
from ecity.certificates import services
from ecity.certificates.handlers import certificate_issue_for_decided_case
from ecity.certificates.models import Certificate
from ecity.certificates.tests.conftest import issue_for_case
from ecity.core.events import PublishedEvent
from ecity.core.models import OutboxEvent

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

CERTIFICATES_BEFORE = ("certificates", "0008_drop_old_signing_keys")
CASES_BEFORE = ("cases", "0008_numbering_and_idempotency_in_core")


def migrate(*targets: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate(list(targets))


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_certificates_of_cases_keep_verifying_across_the_source_migration(
    back_to_latest, joint, cert_type, make_case
):
    # Given an enterprise case and a citizen case with certificates and a decision document
    case = make_case()
    certificate = issue_for_case(case, joint.approver)
    document = DecisionDocument.objects.get(case=case)
    assert certificate is not None

    # When the database is taken back to the old schema
    migrate(CERTIFICATES_BEFORE, CASES_BEFORE)
    old = MigrationExecutor(connection).loader.project_state([CERTIFICATES_BEFORE]).apps
    old_certificate = old.get_model("certificates", "Certificate").objects.get(pk=certificate.pk)
    assert old_certificate.case_id == case.pk  # the reverse migration restored the foreign key
    old_document = old.get_model("certificates", "DecisionDocument").objects.get(pk=document.pk)
    assert old_document.case_id == case.pk
    # ... and forward again, as an existing deployment upgrades
    migrate_to_latest()

    # Then the source and the holder come from the case, and nothing signed changed
    upgraded = Certificate.objects.get(pk=certificate.pk)
    assert upgraded.source_type == "cases.case"
    assert upgraded.source_ref == f"cases.case:{case.public_id}"
    assert upgraded.source_label == case.number
    assert upgraded.holder_account == joint.citizen
    assert upgraded.issue_key == f"case.decided:{case.public_id}"
    assert services.certificate_verify(identifier=upgraded.identifier).status == "valid"
    assert decision_document_issue(case=case, actor=None).pk == document.pk
    assert ContentType.objects.filter(app_label="cases", model="decisiondocument").exists()
    # A late delivery of the old case's decision issues no second certificate
    row = OutboxEvent.objects.get(name="case.decided")
    with transaction.atomic():
        again = certificate_issue_for_decided_case(
            PublishedEvent(
                name=row.name,
                subject=row.subject,
                data=row.data,
                key=row.key,
                public_id=str(row.public_id),
                published_at=row.created_at,
            )
        )
    assert again is not None and again.pk == certificate.pk
    assert Certificate.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_enterprise_certificate_keeps_its_agents_after_the_migration(
    back_to_latest, joint, cert_type, make_case, enterprise, client
):
    entity, agent = enterprise
    case = make_case(legal_entity=entity)
    certificate = issue_for_case(case, joint.approver)
    assert certificate is not None

    migrate(CERTIFICATES_BEFORE, CASES_BEFORE)
    migrate_to_latest()

    upgraded = Certificate.objects.get(pk=certificate.pk)
    assert upgraded.holder_legal_entity == entity
    client.force_login(agent)
    response = client.get(f"/certificates/{upgraded.identifier}/pdf")
    assert response.status_code == 200
