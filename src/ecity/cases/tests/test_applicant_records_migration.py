"""Upgrading a database whose cases predate the applicant's record references loses nothing.

The cases and joint applications are written, the database is taken back to the migration
before the references (``cases.0021``: the columns are dropped) and upgraded again with Django's
executor: the data migration links each row as a submission does now, and nothing else changes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ecity.cases.models import Case, JointApplication
from ecity.cases.tests.submission_support import submit
from ecity.cases.tests.test_applicant_records import WALK_IN_COUNTER, _enterprise_agent, _person_of
from ecity.cases.tests.test_joint_counter import WALK_IN, WALK_IN_ID, bundle, counter_submit
from ecity.identity.tests.factories import UserFactory, id_number_for
from ecity.registry.models import LegalEntityRecord, Person

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

__all__ = ["bundle"]

BEFORE = ("cases", "0021_material_by_reference")
SNAPSHOT = ("applicant_name", "applicant_identifier", "contact_phone", "form_data", "updated_at")


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


def _snapshot(case: Case) -> tuple:
    return tuple(getattr(case, name) for name in SNAPSHOT)


@pytest.mark.django_db(transaction=True)
def test_upgrade_links_existing_cases_to_the_applicants_records_without_loss(joint, back_to_latest):
    # given cases of every kind: a citizen with a linked record, one without, an enterprise with
    # its record, a walk-in in the registry and one who is not
    citizen_record = _person_of(joint.citizen)
    citizen_case = submit(joint)
    unlinked = UserFactory(is_real_name_verified=True)
    unlinked_case = submit(joint, user=unlinked)
    entity, agent, identity = _enterprise_agent()
    entity_record = LegalEntityRecord.objects.create(
        uscc=entity.uscc, name=entity.name, enterprise=entity
    )
    enterprise_case = submit(joint, user=agent, session_identity=identity)
    walk_in_record = Person.objects.create(id_number=WALK_IN_COUNTER["id_number"], name="李大爷")
    walk_in_case = submit(
        joint, user=joint.clerk, session_identity=None, on_behalf_of=WALK_IN_COUNTER
    )
    stranger = {**WALK_IN_COUNTER, "id_number": id_number_for(79)}
    stranger_case = submit(joint, user=joint.clerk, session_identity=None, on_behalf_of=stranger)
    cases = [citizen_case, unlinked_case, enterprise_case, walk_in_case, stranger_case]
    before = {case.pk: _snapshot(Case.objects.get(pk=case.pk)) for case in cases}
    persons = Person.objects.count()

    # when the database goes back before the references and is upgraded again
    MigrationExecutor(connection).migrate([BEFORE])
    migrate_to_latest()

    # then every case references the record a submission would have, and nothing else changed
    linked = {
        case.pk: (c.applicant_person_id, c.applicant_legal_entity_id)
        for case in cases
        for c in [Case.objects.get(pk=case.pk)]
    }
    assert linked == {
        citizen_case.pk: (citizen_record.pk, None),
        unlinked_case.pk: (None, None),
        enterprise_case.pk: (None, entity_record.pk),
        walk_in_case.pk: (walk_in_record.pk, None),
        stranger_case.pk: (None, None),
    }
    assert {case.pk: _snapshot(Case.objects.get(pk=case.pk)) for case in cases} == before
    assert Case.objects.count() == 5 and Person.objects.count() == persons


@pytest.mark.django_db(transaction=True)
def test_upgrade_links_a_joint_walk_in_application_and_its_member_cases(bundle, back_to_latest):
    # given a joint application a clerk submitted for a walk-in applicant in the registry
    record = Person.objects.create(id_number=WALK_IN_ID, name=WALK_IN["name"])
    application = counter_submit(bundle, bundle.clerk)

    # when the database goes back before the references and is upgraded again
    MigrationExecutor(connection).migrate([BEFORE])
    migrate_to_latest()

    # then the joint application and each member case reference the walk-in's record
    upgraded = JointApplication.objects.get(pk=application.pk)
    assert upgraded.applicant_person_id == record.pk
    assert upgraded.applicant_identifier == WALK_IN_ID  # the snapshot, as submitted
    members = Case.objects.filter(joint_link__joint_application=upgraded)
    assert members.count() == 3
    assert set(members.values_list("applicant_person_id", flat=True)) == {record.pk}
