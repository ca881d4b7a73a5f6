"""Certificate signing keys move into the vault, step 3: certificates point at the vault key.

The old ``key`` link and the ``certificates.SigningKey`` table go; ``vault_key`` (filled by
0007) becomes ``key`` again (column ``key_id``, not null), so code and queries are unchanged.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0007_signing_keys_into_vault"),
    ]

    operations = [
        migrations.RemoveField(model_name="certificate", name="key"),
        migrations.DeleteModel(name="SigningKey"),
        migrations.RenameField(model_name="certificate", old_name="vault_key", new_name="key"),
        migrations.AlterField(
            model_name="certificate",
            name="key",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="core.signingkey",
                verbose_name="signing key",
            ),
        ),
    ]
