"""Entries are written unsealed and chained after commit (``ecity.audit.sealing``).

``sequence`` becomes nullable (NULL until sealed), the hashes empty until then, a partial index
finds the unsealed entries, and the PostgreSQL append-only trigger lets exactly one more UPDATE
through: sealing, which sets ``sequence``, ``prev_hash`` and ``entry_hash`` of an entry that has
none and changes nothing else. Every other UPDATE and every DELETE is still refused.
"""

from django.conf import settings
from django.db import migrations, models


FORWARD = """
CREATE OR REPLACE FUNCTION ecity_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_auditentry'
     AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id)
     AND (NEW.subject_id IS NULL OR NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id)
     AND (to_jsonb(NEW) - 'actor_id' - 'subject_id') = (to_jsonb(OLD) - 'actor_id' - 'subject_id')
  THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_auditentry'
     AND OLD.sequence IS NULL AND OLD.prev_hash = '' AND OLD.entry_hash = ''
     AND NEW.sequence IS NOT NULL AND NEW.prev_hash <> '' AND NEW.entry_hash <> ''
     AND (to_jsonb(NEW) - 'sequence' - 'prev_hash' - 'entry_hash')
         = (to_jsonb(OLD) - 'sequence' - 'prev_hash' - 'entry_hash')
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION ecity_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_auditentry'
     AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id)
     AND (NEW.subject_id IS NULL OR NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id)
     AND (to_jsonb(NEW) - 'actor_id' - 'subject_id') = (to_jsonb(OLD) - 'actor_id' - 'subject_id')
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditentry',
            options={'default_permissions': ('view',), 'ordering': ['-id'], 'verbose_name': 'audit entry', 'verbose_name_plural': 'audit entries'},
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='entry_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='entry hash'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='previous hash'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='sequence',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='sequence'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(condition=models.Q(('sequence__isnull', True)), fields=['id'], name='audit_unsealed_idx'),
        ),
        migrations.RunPython(forward, reverse, elidable=False),
    ]
