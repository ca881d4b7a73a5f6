"""Case numbers and idempotency records move to the kernel (core.Sequence, core.IdempotencyRecord).

Forward: every ``CaseNumberSequence(year, department_code, last)`` becomes the sequence
``cases:<year>:<department_code>`` with the same ``last``, so the next case number continues
the series without a gap or a repeat; every ``IdempotencyRecord`` keeps its key, account,
scope, fingerprint, public ID and times and names its case by type ``cases.case`` and the
case's public ID. Both copies are single INSERT … SELECT statements (fast on large databases).
Then the old tables are dropped. Backward copies the rows back.
"""

from django.db import migrations, models
import django.db.models.deletion
import uuid
from django.conf import settings
from django.utils import timezone

SCOPE_PREFIX = "cases:"
RESULT_TYPE = "cases.case"


def forward(apps, schema_editor):
    connection = schema_editor.connection
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q('core_sequence')} ({q('scope')}, {q('last')}, {q('updated_at')}) "
            f"SELECT CAST(%s AS VARCHAR(10)) || CAST({q('year')} AS VARCHAR(10)) || ':' "
            f"|| {q('department_code')}, {q('last')}, %s "
            f"FROM {q('cases_casenumbersequence')}",
            [SCOPE_PREFIX, timezone.now()],
        )
        columns = ", ".join(
            q(name)
            for name in (
                "public_id",
                "created_at",
                "updated_at",
                "key",
                "user_id",
                "scope",
                "request_fingerprint",
                "result_type",
                "result_id",
            )
        )
        cursor.execute(
            f"INSERT INTO {q('core_idempotencyrecord')} ({columns}) "
            f"SELECT r.{q('public_id')}, r.{q('created_at')}, r.{q('updated_at')}, r.{q('key')}, "
            f"r.{q('user_id')}, r.{q('scope')}, r.{q('request_fingerprint')}, "
            f"CASE WHEN c.{q('id')} IS NULL THEN '' ELSE CAST(%s AS VARCHAR(100)) END, "
            f"c.{q('public_id')} "
            f"FROM {q('cases_idempotencyrecord')} r "
            f"LEFT JOIN {q('cases_case')} c ON c.{q('id')} = r.{q('case_id')}",
            [RESULT_TYPE],
        )


def backward(apps, schema_editor):
    Sequence = apps.get_model("core", "Sequence")
    Record = apps.get_model("core", "IdempotencyRecord")
    CaseNumberSequence = apps.get_model("cases", "CaseNumberSequence")
    OldRecord = apps.get_model("cases", "IdempotencyRecord")
    Case = apps.get_model("cases", "Case")
    for sequence in Sequence.objects.filter(scope__startswith=SCOPE_PREFIX).iterator():
        _prefix, year, department_code = sequence.scope.split(":", 2)
        CaseNumberSequence.objects.create(
            year=int(year), department_code=department_code, last=sequence.last
        )
    Sequence.objects.filter(scope__startswith=SCOPE_PREFIX).delete()
    cases = dict(Case.objects.values_list("public_id", "pk"))
    for record in Record.objects.filter(result_type__in=[RESULT_TYPE, ""]).iterator():
        OldRecord.objects.create(
            public_id=record.public_id,
            key=record.key,
            user_id=record.user_id,
            scope=record.scope,
            request_fingerprint=record.request_fingerprint,
            case_id=cases.get(record.result_id),
        )
    Record.objects.filter(result_type__in=[RESULT_TYPE, ""]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_department_in_org"),
        ("core", "0003_sequence_idempotency_signing_key"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="CaseNumberSequence"),
        migrations.DeleteModel(name="IdempotencyRecord"),
    ]
