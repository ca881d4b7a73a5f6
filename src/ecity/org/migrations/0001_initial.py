"""Regions, departments and staff roles move from identity to org (tables unchanged)."""

import django.db.models.deletion
import ecity.core.validators
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED = ["region", "department", "staffrole"]


def content_types_to_org(apps, schema_editor):
    """Keep permissions and admin log entries attached: the content types change app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="identity", model__in=MOVED).update(app_label="org")


def content_types_to_identity(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="org", model__in=MOVED).update(app_label="identity")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('identity', '0006_unique_blind_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the tables keep their names (identity_region, identity_department,
        # identity_staffrole); only Django's idea of which app owns the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=12, unique=True, verbose_name='region code')),
                        ('name_zh', models.CharField(max_length=100, verbose_name='name (Chinese)')),
                        ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                        ('level', models.CharField(choices=[('city', 'City'), ('district', 'District'), ('subdistrict', 'Sub-district'), ('community', 'Community')], max_length=16, verbose_name='level')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='org.region', verbose_name='parent')),
                    ],
                    options={
                        'verbose_name': 'region',
                        'verbose_name_plural': 'regions',
                        'db_table': 'identity_region',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('code', models.CharField(max_length=32, unique=True, verbose_name='department code')),
                        ('name_zh', models.CharField(max_length=200, verbose_name='name (Chinese)')),
                        ('name_en', models.CharField(blank=True, max_length=300, verbose_name='name (English)')),
                        ('short_name', models.CharField(blank=True, max_length=50, verbose_name='short name')),
                        ('uscc', models.CharField(blank=True, max_length=18, validators=[ecity.core.validators.validate_uscc], verbose_name='unified social credit code')),
                        ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                        ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('sort_order', models.PositiveIntegerField(default=0, verbose_name='sort order')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='org.department', verbose_name='parent department')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='org.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'department',
                        'verbose_name_plural': 'departments',
                        'db_table': 'identity_department',
                        'ordering': ['sort_order', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='StaffRole',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('role', models.CharField(choices=[('counter_clerk', 'Counter clerk'), ('reviewer', 'Reviewer'), ('approver', 'Approver'), ('department_admin', 'Department administrator'), ('supervisor', 'Supervisor'), ('platform_admin', 'Platform administrator'), ('auditor', 'Auditor')], max_length=32, verbose_name='role')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff_roles', to='org.department', verbose_name='department')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_roles', to=settings.AUTH_USER_MODEL, verbose_name='account')),
                    ],
                    options={
                        'verbose_name': 'staff role',
                        'verbose_name_plural': 'staff roles',
                        'db_table': 'identity_staffrole',
                        'constraints': [models.UniqueConstraint(fields=('user', 'department', 'role'), name='identity_staffrole_unique'), models.CheckConstraint(condition=models.Q(('role', 'platform_admin'), ('department__isnull', False), _connector='OR'), name='identity_staffrole_department_required')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_org, content_types_to_identity, elidable=True),
    ]
