
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_department_in_org'),
        ('catalogue', '0003_department_in_org'),
        ('certificates', '0004_department_in_org'),
        ('sso', '0002_department_in_org'),
        ('identity', '0006_unique_blind_indexes'),
        ('org', '0001_initial'),
    ]

    operations = [
        # State only: the tables keep their names (identity_region, identity_department,
        # identity_staffrole); only Django's idea of which app owns the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='department',
                    name='parent',
                ),
                migrations.RemoveField(
                    model_name='department',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='staffrole',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='region',
                    name='parent',
                ),
                migrations.AlterField(
                    model_name='legalentity',
                    name='region',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='org.region', verbose_name='region'),
                ),
                migrations.RemoveField(
                    model_name='staffrole',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Department',
                ),
                migrations.DeleteModel(
                    name='Region',
                ),
                migrations.DeleteModel(
                    name='StaffRole',
                ),
            ],
        ),
    ]
