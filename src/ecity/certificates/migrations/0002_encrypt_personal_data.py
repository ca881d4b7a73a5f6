"""Encrypt personal data at rest (1/2): column types (and blind index columns)."""

from django.db import migrations

import ecity.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="holder_identifier_index",
            field=ecity.core.fields.BlindIndexField(
                blank=True,
                db_index=True,
                default="",
                editable=False,
                max_length=64,
                normaliser="ecity.core.validators.normalise_id_number",
                purpose="id_number",
                source="holder_identifier",
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="data",
            field=ecity.core.fields.EncryptedJSONField(
                default=dict, verbose_name="certificate data"
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="holder_identifier",
            field=ecity.core.fields.EncryptedTextField(
                blank=True, max_length=18, verbose_name="holder ID number or USCC"
            ),
        ),
    ]
