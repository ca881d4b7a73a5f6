"""Encrypt personal data at rest (2/2): encrypt existing rows (and fill blind indexes).

Batched, one transaction per batch, resumable; reversible (decrypts back). See
ecity.core.migration_ops.
"""

from django.db import migrations

from ecity.core.migration_ops import EncryptRows


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("certificates", "0002_encrypt_personal_data"),
    ]

    operations = [
        EncryptRows("certificates", "certificate"),
    ]
