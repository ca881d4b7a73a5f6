"""Give every real-name verified account a person record, every verified enterprise its record.

Before the base registries existed, what the platform knew of people and enterprises lived on
the accounts (``identity.User``, ``identity.LegalEntity``). This moves that knowledge into the
registries without loss and links each record to its account:

- a ``Person`` for every account of level 2 or 3 with an ID number: name, ID number, mobile
  phone and address as on the account; sex, date of birth and region code read from the ID
  number (GB 11643);
- a ``LegalEntityRecord`` for every verified enterprise: name, legal representative (name, ID
  number), registered address.

Each value is logged (version 1, source ``import``, reference ``identity.user:<public ID>``)
as provisional: no department vouched for it, so the authority departments' own values take
precedence. Idempotent: a record that exists (same ID number, same USCC) is only linked, never
changed; an account already linked is left alone. Numbers that fail validation (written before
validation existed) are not keys of a record: those accounts stay without one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import migrations
from django.utils import timezone

from ecity.core.validators import (
    normalise_id_number,
    normalise_mobile,
    parse_id_number,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

SEX_CODES = {"male": "1", "female": "2"}  # GB/T 2261.1


def _valid(value, validator) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _record_create(model, *, link, values, reference, attribute_model, change_model, record_field):
    record = model.objects.create(version=1, **link, **values)
    now = timezone.now()
    for name, value in values.items():
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if not text:
            continue
        common = {
            record_field: record,
            "attribute": name,
            "source": "import",
            "department": None,
            "is_authoritative": False,
        }
        attribute_model.objects.create(
            **common, source_reference=reference, written_at=now, written_by=None
        )
        change_model.objects.create(
            **common,
            version=1,
            old_value="",
            new_value=text,
            source_reference=reference,
            changed_at=now,
            changed_by=None,
        )
    return record


def persons_from_accounts(apps, schema_editor):
    User = apps.get_model("identity", "User")
    Person = apps.get_model("registry", "Person")
    RecordAttribute = apps.get_model("registry", "RecordAttribute")
    RecordChange = apps.get_model("registry", "RecordChange")
    index_field = Person._meta.get_field("id_number_index")
    linked = set(Person.objects.exclude(account=None).values_list("account_id", flat=True))
    # (the ID number is encrypted: no lookup on it, the empty ones are skipped in Python)
    for user in User.objects.filter(identity_level__gte=2).order_by("pk"):
        if user.pk in linked or not user.id_number:
            continue
        id_number = normalise_id_number(user.id_number or "")
        if not _valid(id_number, validate_id_number):
            continue
        person = Person.objects.filter(id_number_index=index_field.index_for(id_number)).first()
        if person is not None:
            if person.account_id is None:
                person.account_id = user.pk
                person.save(update_fields=["account"])
            continue
        info = parse_id_number(id_number)
        phone = normalise_mobile(user.phone or "") if user.phone else ""
        values = {
            "id_number": id_number,
            "name": user.real_name,
            "sex": SEX_CODES[info.sex],
            "birth_on": info.birth_date,
            "region_code": info.region_code,
            "phone": phone if phone and _valid(phone, validate_mobile) else "",
            "address": user.address or "",
        }
        _record_create(
            Person,
            link={"account_id": user.pk},
            values=values,
            reference=f"identity.user:{user.public_id}",
            attribute_model=RecordAttribute,
            change_model=RecordChange,
            record_field="person",
        )


def legal_entities_from_enterprises(apps, schema_editor):
    LegalEntity = apps.get_model("identity", "LegalEntity")
    LegalEntityRecord = apps.get_model("registry", "LegalEntityRecord")
    RecordAttribute = apps.get_model("registry", "RecordAttribute")
    RecordChange = apps.get_model("registry", "RecordChange")
    for enterprise in LegalEntity.objects.filter(is_verified=True).order_by("pk"):
        if LegalEntityRecord.objects.filter(enterprise_id=enterprise.pk).exists():
            continue
        if not _valid(enterprise.uscc, validate_uscc):
            continue
        record = LegalEntityRecord.objects.filter(uscc=enterprise.uscc).first()
        if record is not None:
            if record.enterprise_id is None:
                record.enterprise_id = enterprise.pk
                record.save(update_fields=["enterprise"])
            continue
        representative_id = normalise_id_number(enterprise.legal_representative_id_number or "")
        values = {
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "legal_representative_name": enterprise.legal_representative_name,
            "legal_representative_id_number": (
                representative_id if _valid(representative_id, validate_id_number) else ""
            ),
            "registered_address": enterprise.address or "",
            "status": "active",
        }
        _record_create(
            LegalEntityRecord,
            link={"enterprise_id": enterprise.pk},
            values=values,
            reference=f"identity.legalentity:{enterprise.public_id}",
            attribute_model=RecordAttribute,
            change_model=RecordChange,
            record_field="legal_entity",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0010_identity_levels"),
        ("registry", "0002_records"),
        ("registry", "0003_subject_terms"),
    ]

    operations = [
        migrations.RunPython(persons_from_accounts, migrations.RunPython.noop),
        migrations.RunPython(legal_entities_from_enterprises, migrations.RunPython.noop),
    ]
