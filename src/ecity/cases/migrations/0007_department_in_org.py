
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_queue_and_lookup_indexes'),
        ('org', '0001_initial'),
    ]

    operations = [
        # State only: the tables keep their names (identity_region, identity_department,
        # identity_staffrole); only Django's idea of which app owns the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='org.department', verbose_name='lead department'),
                ),
                migrations.AlterField(
                    model_name='casecopy',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='copied_cases', to='org.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='caseevent',
                    name='department',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='casetask',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='case_tasks', to='org.department', verbose_name='department'),
                ),
            ],
        ),
    ]
