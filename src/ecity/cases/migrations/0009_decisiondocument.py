"""The decision document moves here from the certificates app: state only, the table keeps its
name ``certificates_decisiondocument`` and every row; admin permissions follow the model."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="cases", model="decisiondocument").exists():
        return
    ContentType.objects.filter(app_label="certificates", model="decisiondocument").update(
        app_label="cases"
    )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="certificates", model="decisiondocument").exists():
        return
    ContentType.objects.filter(app_label="cases", model="decisiondocument").update(
        app_label="certificates"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_numbering_and_idempotency_in_core"),
        ("certificates", "0009_certificate_source_decisiondocument_to_cases"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DecisionDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                unique=True,
                                verbose_name="public ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "number",
                            models.CharField(
                                max_length=60, unique=True, verbose_name="document number"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("approved", "Approval"),
                                    ("rejected", "Rejection"),
                                    ("refused", "Refusal to accept"),
                                ],
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                        ("title", models.CharField(max_length=100, verbose_name="title")),
                        ("text", models.TextField(verbose_name="decision text")),
                        (
                            "pdf",
                            models.FileField(
                                blank=True, upload_to="decisions/%Y/%m/", verbose_name="PDF"
                            ),
                        ),
                        ("issued_at", models.DateTimeField(verbose_name="issued at")),
                        (
                            "case",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="decision_document",
                                to="cases.case",
                                verbose_name="case",
                            ),
                        ),
                        (
                            "issued_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="issued by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "decision document",
                        "verbose_name_plural": "decision documents",
                        "db_table": "certificates_decisiondocument",
                        "ordering": ["-issued_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
