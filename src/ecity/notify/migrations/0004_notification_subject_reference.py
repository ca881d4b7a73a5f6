"""Notifications name what they are about generically (1/2): add the fields, copy the values.

Before, a notification had a foreign key to ``cases.Case`` and a ``case_number``. Now it keeps
the subject's type ("cases.case"), its public id and a human reference (the case number), so
that notify knows no domain. Existing rows get ``cases.case``, the case's public id and their
case number; a row whose case was deleted keeps its number as the reference. ``0005`` drops the
old columns. Reversible: the way back finds the case again by its public id.
"""

from django.db import migrations, models
from django.db.models import Q

BATCH = 2000
CASE_TYPE = "cases.case"  # the only subject notifications had before this migration


def copy_case_to_subject(apps, schema_editor):
    notification_model = apps.get_model("notify", "Notification")
    rows = notification_model.objects.filter(
        Q(case__isnull=False) | ~Q(case_number="")
    ).order_by("pk")
    last = 0
    while True:
        # values_list: no decryption of the encrypted address, no model instances to load.
        batch = list(
            rows.filter(pk__gt=last).values_list("pk", "case__public_id", "case_number")[:BATCH]
        )
        if not batch:
            return
        updates = [
            notification_model(
                pk=pk,
                object_type=CASE_TYPE,
                object_id=str(public_id) if public_id is not None else "",
                reference=number,
            )
            for pk, public_id, number in batch
        ]
        notification_model.objects.bulk_update(
            updates, ["object_type", "object_id", "reference"], batch_size=BATCH
        )
        last = batch[-1][0]


def copy_subject_to_case(apps, schema_editor):
    notification_model = apps.get_model("notify", "Notification")
    case_model = apps.get_model("cases", "Case")
    rows = notification_model.objects.filter(object_type=CASE_TYPE).order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).values_list("pk", "object_id", "reference")[:BATCH])
        if not batch:
            break
        ids = {object_id for _pk, object_id, _ref in batch if object_id}
        cases = dict(
            case_model.objects.filter(public_id__in=ids).values_list("public_id", "pk")
        )
        by_text = {str(public_id): pk for public_id, pk in cases.items()}
        updates = [
            notification_model(pk=pk, case_id=by_text.get(object_id), case_number=ref[:40])
            for pk, object_id, ref in batch
        ]
        notification_model.objects.bulk_update(
            updates, ["case_id", "case_number"], batch_size=BATCH
        )
        last = batch[-1][0]
    if schema_editor.connection.vendor == "postgresql":
        # The foreign-key checks of the rows just written are deferred; PostgreSQL refuses the
        # ALTER TABLE that follows while they are pending, so run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0003_encrypt_personal_data_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="object_type",
            field=models.CharField(
                blank=True,
                help_text='For example "cases.case".',
                max_length=100,
                verbose_name="about (type)",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="object_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="about (public id)"),
        ),
        migrations.AddField(
            model_name="notification",
            name="reference",
            field=models.CharField(
                blank=True,
                help_text="The number people know it by, such as the case number.",
                max_length=64,
                verbose_name="reference",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="event",
            field=models.CharField(max_length=40, verbose_name="event"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["object_type", "object_id"], name="notify_about_idx"),
        ),
        migrations.RunPython(copy_case_to_subject, copy_subject_to_case, elidable=False),
    ]
