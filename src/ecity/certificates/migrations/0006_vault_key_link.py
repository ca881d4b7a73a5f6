"""Certificate signing keys move into the vault, step 1: room for the link to the vault key.

Adds ``vault_key`` (filled by 0007) and lets the old ``key`` be empty, so that 0008 can drop
it and going back can restore it before its rows are filled again.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0005_serials_in_core_sequences"),
        ("core", "0003_sequence_idempotency_signing_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="vault_key",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.signingkey",
                verbose_name="signing key",
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="key",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="certificates.signingkey",
                verbose_name="signing key",
            ),
        ),
    ]
