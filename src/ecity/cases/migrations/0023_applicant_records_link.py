"""Link the cases and joint applications made before the references to the applicants' records.

The same rules as a submission now (``ecity.cases.services.eligibility.applicant_fields``):

- an enterprise's application (``legal_entity`` set) → the legal-entity record linked to that
  enterprise account (``LegalEntityRecord.enterprise``);
- a citizen's online application (``applicant`` set) → the person record linked to the account
  (``Person.account``, linked by ``registry.0004_records_from_accounts``);
- a walk-in applicant's (no account) → the person record with the ID number the clerk entered,
  found through the blind index; none → the reference stays empty (no record is created).

Only the references are written: the snapshot (name, identifier, contact details) and every
other column are left as they were (queryset updates, so not even ``updated_at`` moves).
Idempotent: rows that already reference a record are left alone.
"""

from __future__ import annotations

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 2000


def _link_accounts(model, Person, LegalEntityRecord) -> None:
    model.objects.filter(applicant_legal_entity__isnull=True, legal_entity__isnull=False).update(
        applicant_legal_entity=Subquery(
            LegalEntityRecord.objects.filter(enterprise_id=OuterRef("legal_entity_id")).values(
                "pk"
            )[:1]
        )
    )
    model.objects.filter(
        applicant_person__isnull=True, legal_entity__isnull=True, applicant__isnull=False
    ).update(
        applicant_person=Subquery(
            Person.objects.filter(account_id=OuterRef("applicant_id")).values("pk")[:1]
        )
    )


def _link_walk_ins(model, Person) -> None:
    """Walk-in applicants by ID number: the identifier is encrypted, so it is read row by row."""
    index_field = Person._meta.get_field("id_number_index")
    rows = (
        model.objects.filter(
            applicant_person__isnull=True, applicant__isnull=True, legal_entity__isnull=True
        )
        .only("pk", "applicant_identifier")
        .order_by("pk")
    )
    by_index: dict[str, list[int]] = {}
    for row in rows.iterator(chunk_size=BATCH):
        # Encrypted: only isnull works in SQL, so empty identifiers are skipped here.
        if not row.applicant_identifier:
            continue
        by_index.setdefault(index_field.index_for(row.applicant_identifier), []).append(row.pk)
    indexes = list(by_index)
    for start in range(0, len(indexes), BATCH):
        chunk = indexes[start : start + BATCH]
        for index, person_id in Person.objects.filter(id_number_index__in=chunk).values_list(
            "id_number_index", "pk"
        ):
            pks = by_index[index]
            for first in range(0, len(pks), BATCH):
                model.objects.filter(pk__in=pks[first : first + BATCH]).update(
                    applicant_person_id=person_id
                )


def applicant_records_link(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    LegalEntityRecord = apps.get_model("registry", "LegalEntityRecord")
    for name in ("Case", "JointApplication"):
        model = apps.get_model("cases", name)
        _link_accounts(model, Person, LegalEntityRecord)
        _link_walk_ins(model, Person)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_applicant_records"),
        ("registry", "0004_records_from_accounts"),
    ]

    operations = [
        migrations.RunPython(applicant_records_link, migrations.RunPython.noop),
    ]
