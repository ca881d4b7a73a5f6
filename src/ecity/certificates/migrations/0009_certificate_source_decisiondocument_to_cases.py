"""Certificates name their source generically instead of a foreign key to cases.Case, and the
decision document moves to the cases app (state only: its table keeps its name).

Existing certificates get ``source_type``/``source_ref``/``source_label`` from their case, the
holder's account and enterprise from the case's applicant, and the issuance key that the
``case.decided`` handler uses, so a late or repeated delivery never issues a second certificate
for an old case. The signed fields are not touched: certificates verify as before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_case_into_source(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    Case = apps.get_model("cases", "Case")
    rows = Certificate.objects.exclude(case_id=None).values_list("pk", "case_id")
    cases = {
        case["pk"]: case
        for case in Case.objects.filter(pk__in={case_id for _pk, case_id in rows}).values(
            "pk", "public_id", "number", "applicant_id", "legal_entity_id"
        )
    }
    for pk, case_id in rows:
        case = cases[case_id]
        # .update(): the encrypted columns stay byte for byte as they were signed and stored.
        Certificate.objects.filter(pk=pk).update(
            source_type="cases.case",
            source_ref=f"cases.case:{case['public_id']}",
            source_label=case["number"],
            issue_key=f"case.decided:{case['public_id']}",
            holder_account_id=case["applicant_id"],
            holder_legal_entity_id=case["legal_entity_id"],
        )
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now, so that the columns can be altered below in the same
        # transaction ("pending trigger events" otherwise).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def copy_source_into_case(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    Case = apps.get_model("cases", "Case")
    for pk, source_ref in Certificate.objects.filter(source_type="cases.case").values_list(
        "pk", "source_ref"
    ):
        public_id = source_ref.removeprefix("cases.case:")
        case_id = Case.objects.filter(public_id=public_id).values_list("pk", flat=True).first()
        Certificate.objects.filter(pk=pk).update(case_id=case_id)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0008_drop_old_signing_keys"),
        ("cases", "0007_department_in_org"),
        ("identity", "0006_unique_blind_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="source_type",
            field=models.CharField(blank=True, max_length=50, verbose_name="source type"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="source_ref",
            field=models.CharField(blank=True, max_length=200, verbose_name="source reference"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="source_label",
            field=models.CharField(blank=True, max_length=100, verbose_name="source"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="issue_key",
            field=models.CharField(
                blank=True, max_length=200, null=True, unique=True, verbose_name="issuance key"
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="holder_account",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="holder account",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="holder_legal_entity",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="identity.legalentity",
                verbose_name="holder enterprise",
            ),
        ),
        migrations.RunPython(copy_case_into_source, copy_source_into_case),
        migrations.RemoveConstraint(
            model_name="certificate",
            name="certificates_case_version",
        ),
        migrations.RemoveField(
            model_name="certificate",
            name="case",
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_ref", ""), _negated=True),
                fields=("source_ref", "version"),
                name="certificates_source_version",
            ),
        ),
        # The decision document now belongs to the cases app (cases/0009 adopts the table).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DecisionDocument")],
            database_operations=[],
        ),
    ]
