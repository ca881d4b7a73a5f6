"""Process definitions name their owner generically before they move to workflow (issue 7).

The foreign key to the service version is replaced by ``owner_ref``
("catalogue.serviceitemversion:<public id>"), filled from it; the "one active definition per
owner" constraint is kept on the new column.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

PREFIX = "catalogue.serviceitemversion:"


def owner_ref_from_version(apps, schema_editor):
    definition_model = apps.get_model("cases", "ProcessDefinition")
    rows = definition_model.objects.select_related("service_version").only(
        "id", "service_version__public_id"
    )
    for definition in rows.iterator(chunk_size=500):
        definition_model.objects.filter(pk=definition.pk).update(
            owner_ref=f"{PREFIX}{definition.service_version.public_id}"
        )


def version_from_owner_ref(apps, schema_editor):
    definition_model = apps.get_model("cases", "ProcessDefinition")
    version_model = apps.get_model("catalogue", "ServiceItemVersion")
    for definition in definition_model.objects.filter(owner_ref__startswith=PREFIX):
        version = version_model.objects.filter(
            public_id=definition.owner_ref.removeprefix(PREFIX)
        ).first()
        if version is not None:
            definition_model.objects.filter(pk=definition.pk).update(service_version=version)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_decisiondocument'),
        ('catalogue', '0003_department_in_org'),
    ]

    operations = [
        migrations.AddField(
            model_name='processdefinition',
            name='owner_ref',
            field=models.CharField(db_index=True, default='', help_text='What this process belongs to: “app.model:public ID”.', max_length=200, verbose_name='owned by'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='processdefinition',
            name='service_version',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='process_definitions', to='catalogue.serviceitemversion', verbose_name='service version'),
        ),
        migrations.RunPython(owner_ref_from_version, version_from_owner_ref),
        migrations.RemoveConstraint(
            model_name='processdefinition',
            name='cases_process_one_active_per_version',
        ),
        migrations.RemoveField(
            model_name='processdefinition',
            name='service_version',
        ),
        migrations.AddConstraint(
            model_name='processdefinition',
            constraint=models.UniqueConstraint(condition=Q(('is_active', True)), fields=('owner_ref',), name='workflow_process_one_active_per_owner'),
        ),
    ]
