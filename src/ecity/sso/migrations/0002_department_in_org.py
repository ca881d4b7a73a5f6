
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
        ('sso', '0001_initial'),
    ]

    operations = [
        # State only: the tables keep their names (identity_region, identity_department,
        # identity_staffrole); only Django's idea of which app owns the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='clientpolicy',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sso_clients', to='org.department', verbose_name='department'),
                ),
            ],
        ),
    ]
