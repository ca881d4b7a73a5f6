"""Cases point to the process definitions now owned by workflow (state only, issue 7)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_process_owner_ref'),
        ('workflow', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='process',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='workflow.processdefinition', verbose_name='process'),
                ),
                migrations.DeleteModel(name='ProcessDefinition'),
            ],
        ),
    ]
