"""Encrypt personal data at rest (2/3): encrypt existing rows and fill the blind indexes.

Batched, one transaction per batch, resumable; reversible (decrypts back). See
ecity.core.migration_ops.
"""

from django.db import migrations

from ecity.core.migration_ops import EncryptRows


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("identity", "0004_encrypt_personal_data"),
    ]

    operations = [
        EncryptRows("identity", "user"),
        EncryptRows("identity", "legalentity"),
    ]
