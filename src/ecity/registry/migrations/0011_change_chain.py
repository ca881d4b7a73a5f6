"""Hash-chain the change log per record (``ecity.registry.change_chain``).

Adds ``prev_hash`` and ``change_hash`` to ``RecordChange`` and computes the chain of every
existing change, record by record in (version, attribute) order, streaming in batches.
"""

from django.db import migrations, models

BATCH = 1000


def chain_existing(apps, schema_editor):
    from ecity.registry.change_chain import GENESIS_HASH, change_hash

    RecordChange = apps.get_model("registry", "RecordChange")
    for kind in ("person", "legal_entity"):
        rows = (
            RecordChange.objects.filter(**{f"{kind}__isnull": False})
            .order_by(f"{kind}_id", "version", "id")
            .iterator(chunk_size=BATCH)
        )
        pending, current, group = [], None, []

        def link(record_id, changes):
            head = GENESIS_HASH
            for change in sorted(changes, key=lambda c: (c.version, c.attribute)):
                values = {
                    name: getattr(change, name)
                    for name in (
                        "attribute",
                        "data_element",
                        "version",
                        "old_value",
                        "new_value",
                        "source",
                        "source_reference",
                        "department_id",
                        "is_authoritative",
                        "changed_at",
                        "changed_by_id",
                    )
                }
                change.prev_hash = head
                head = change.change_hash = change_hash(
                    kind=kind, record_id=record_id, values=values, prev_hash=head
                )
                pending.append(change)

        for change in rows:
            record_id = getattr(change, f"{kind}_id")
            if record_id != current:
                if group:
                    link(current, group)
                current, group = record_id, []
                if len(pending) >= BATCH:
                    RecordChange.objects.bulk_update(pending, ["prev_hash", "change_hash"])
                    pending.clear()
            group.append(change)
        if group:
            link(current, group)
        RecordChange.objects.bulk_update(pending, ["prev_hash", "change_hash"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_dispute_alerts"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordchange",
            name="change_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="change hash"
            ),
        ),
        migrations.AddField(
            model_name="recordchange",
            name="prev_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="previous hash"
            ),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
