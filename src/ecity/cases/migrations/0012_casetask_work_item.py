"""CaseTask becomes a concrete workflow WorkItem (issue 7): same table, columns and indexes.

Only the model state changes: the department's reverse accessor ``case_tasks`` (unused) goes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_process_in_workflow'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='casetask',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.department', verbose_name='department'),
                ),
            ],
        ),
    ]
