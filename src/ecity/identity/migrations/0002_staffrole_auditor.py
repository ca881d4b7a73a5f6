# Adds the "auditor" staff role (searches and exports the audit trail; granted by platform
# administrators only).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='staffrole',
            name='role',
            field=models.CharField(choices=[('counter_clerk', 'Counter clerk'), ('reviewer', 'Reviewer'), ('approver', 'Approver'), ('department_admin', 'Department administrator'), ('supervisor', 'Supervisor'), ('platform_admin', 'Platform administrator'), ('auditor', 'Auditor')], max_length=32, verbose_name='role'),
        ),
    ]
