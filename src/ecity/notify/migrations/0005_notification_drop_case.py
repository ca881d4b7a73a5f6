"""Notifications name what they are about generically (2/2): drop the case columns.

``0004`` copied the case's public id and number into ``object_id`` and ``reference``; notify no
longer points at ``cases.Case``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0004_notification_subject_reference"),
    ]

    operations = [
        migrations.RemoveField(model_name="notification", name="case"),
        migrations.RemoveField(model_name="notification", name="case_number"),
    ]
