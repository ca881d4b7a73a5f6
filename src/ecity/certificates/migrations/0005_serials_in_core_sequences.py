"""Certificate and decision serials move to the kernel's sequences (core.Sequence).

Every ``SerialCounter(scope, last_value)`` becomes the sequence with the same scope
(``decision:<department>:<year>``, ``certificate:<type>:<issuer USCC>``) and ``last``, so the
next serial continues the series without a gap or a repeat. Then the old table is dropped.
Backward copies the rows back.
"""

from django.db import migrations
from django.utils import timezone

SCOPES = ("decision:", "certificate:")


def forward(apps, schema_editor):
    connection = schema_editor.connection
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q('core_sequence')} ({q('scope')}, {q('last')}, {q('updated_at')}) "
            f"SELECT {q('scope')}, {q('last_value')}, %s FROM {q('certificates_serialcounter')}",
            [timezone.now()],
        )


def backward(apps, schema_editor):
    Sequence = apps.get_model("core", "Sequence")
    SerialCounter = apps.get_model("certificates", "SerialCounter")
    for prefix in SCOPES:
        for sequence in Sequence.objects.filter(scope__startswith=prefix).iterator():
            SerialCounter.objects.create(scope=sequence.scope, last_value=sequence.last)
        Sequence.objects.filter(scope__startswith=prefix).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0004_department_in_org"),
        ("core", "0003_sequence_idempotency_signing_key"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="SerialCounter"),
    ]
