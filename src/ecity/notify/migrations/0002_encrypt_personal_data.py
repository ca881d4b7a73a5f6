"""Encrypt personal data at rest (1/2): column types (and blind index columns)."""

from django.db import migrations

import ecity.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="to_address",
            field=ecity.core.fields.EncryptedTextField(
                blank=True,
                help_text="E-mail address or mobile number.",
                max_length=254,
                verbose_name="address",
            ),
        ),
    ]
