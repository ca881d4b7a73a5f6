
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0002_serviceitemversion_acceptance_days'),
        ('org', '0001_initial'),
    ]

    operations = [
        # State only: the tables keep their names (identity_region, identity_department,
        # identity_staffrole); only Django's idea of which app owns the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='serviceitem',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_items', to='org.department', verbose_name='implementing department'),
                ),
            ],
        ),
    ]
