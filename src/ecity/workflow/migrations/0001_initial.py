"""Process definitions move from cases to workflow (issue 7); the table keeps its name."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

MOVED = ["processdefinition"]


def content_types_to_workflow(apps, schema_editor):
    """Keep permissions and admin log entries attached: the content type changes app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="cases", model__in=MOVED).update(app_label="workflow")


def content_types_to_cases(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="workflow", model__in=MOVED).update(app_label="cases")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0010_process_owner_ref'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the table keeps its name (cases_processdefinition); only Django's idea of
        # which app owns the model changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ProcessDefinition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('owner_ref', models.CharField(db_index=True, help_text='What this process belongs to: “app.model:public ID”.', max_length=200, verbose_name='owned by')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('source', models.CharField(choices=[('uploaded', 'Uploaded BPMN file'), ('built', 'Built from a simple description')], max_length=16, verbose_name='source')),
                        ('bpmn_xml', models.TextField(verbose_name='BPMN 2.0 XML')),
                        ('process_id', models.CharField(max_length=200, verbose_name='BPMN process id')),
                        ('description', models.JSONField(blank=True, default=dict, help_text='For built processes: the departments and roles of each step.', verbose_name='simple description')),
                        ('reject_ends_case', models.BooleanField(default=True, verbose_name='a rejection by one department ends the case')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'verbose_name': 'process definition',
                        'verbose_name_plural': 'process definitions',
                        'db_table': 'cases_processdefinition',
                        'constraints': [models.UniqueConstraint(condition=Q(('is_active', True)), fields=('owner_ref',), name='workflow_process_one_active_per_owner')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_workflow, content_types_to_cases),
    ]
