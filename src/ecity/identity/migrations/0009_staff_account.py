"""Mark civil servants' work accounts: only staff accounts hold staff roles from now on.

Existing accounts that hold or held a staff role, and superusers, become staff accounts.
"""

from django.db import migrations, models


def mark_staff_accounts(apps, schema_editor):
    User = apps.get_model("identity", "User")
    StaffRole = apps.get_model("org", "StaffRole")
    holders = StaffRole.objects.values("user_id")
    User.objects.filter(models.Q(pk__in=holders) | models.Q(is_superuser=True)).update(
        is_staff_account=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0008_contact_changes"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_staff_account",
            field=models.BooleanField(
                default=False,
                help_text="A civil servant's work account. Only staff accounts can hold staff roles.",
                verbose_name="staff account",
            ),
        ),
        migrations.RunPython(mark_staff_accounts, migrations.RunPython.noop),
    ]
