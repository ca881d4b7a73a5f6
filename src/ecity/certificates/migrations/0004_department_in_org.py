
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0003_encrypt_personal_data_rows'),
        ('org', '0001_initial'),
    ]

    operations = [
        # State only: the tables keep their names (identity_region, identity_department,
        # identity_staffrole); only Django's idea of which app owns the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='certificate',
                    name='issuer',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='org.department', verbose_name='issuing department'),
                ),
                migrations.AlterField(
                    model_name='certificatetype',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificate_types', to='org.department', verbose_name='issuing department'),
                ),
            ],
        ),
    ]
