"""On PostgreSQL, refuse UPDATE and DELETE of audit entries and anchors in the database itself.

The one UPDATE allowed is Django's ``on_delete=SET_NULL`` when an account is deleted: it may set
``actor_id``/``subject_id`` to NULL and change nothing else. TRUNCATE (table owner only) is not
covered; production runs the application under a role that does not own the tables.
SQLite has no such trigger here; the ORM guards (``AuditLogImmutable``) apply on both.
"""

from django.db import migrations

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
  RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION ecity_audit_refuse_change();
CREATE TRIGGER audit_auditanchor_append_only BEFORE UPDATE OR DELETE ON audit_auditanchor
  FOR EACH ROW EXECUTE FUNCTION ecity_audit_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS audit_auditanchor_append_only ON audit_auditanchor;
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS ecity_audit_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
