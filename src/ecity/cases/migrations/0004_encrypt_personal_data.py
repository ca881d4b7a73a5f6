"""Encrypt personal data at rest (1/2): column types (and blind index columns)."""

import django.core.validators
from django.db import migrations

import ecity.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_number_sequence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="applicant_identifier",
            field=ecity.core.fields.EncryptedTextField(
                blank=True, max_length=18, verbose_name="applicant ID number or USCC"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="contact_email",
            field=ecity.core.fields.EncryptedTextField(
                blank=True,
                max_length=254,
                validators=[django.core.validators.EmailValidator()],
                verbose_name="contact e-mail",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="contact_phone",
            field=ecity.core.fields.EncryptedTextField(
                blank=True, max_length=20, verbose_name="contact phone"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="form_data",
            field=ecity.core.fields.EncryptedJSONField(default=dict, verbose_name="form data"),
        ),
        migrations.AlterField(
            model_name="case",
            name="workflow_state",
            field=ecity.core.fields.EncryptedJSONField(
                blank=True, null=True, verbose_name="workflow state"
            ),
        ),
        migrations.AlterField(
            model_name="casedraft",
            name="form_data",
            field=ecity.core.fields.EncryptedJSONField(
                blank=True, default=dict, verbose_name="form data"
            ),
        ),
    ]
