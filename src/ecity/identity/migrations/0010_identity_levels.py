"""Real-name levels (1 registered, 2 real-name verified, 3 verified in person) with how, when and
by whom an account or enterprise was verified. Accounts marked real-name verified before become
level 2 with the method "legacy" (how they were verified was not recorded); reversible."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def levels_from_flags(apps, schema_editor):
    User = apps.get_model("identity", "User")
    LegalEntity = apps.get_model("identity", "LegalEntity")
    User.objects.filter(is_real_name_verified=True).update(identity_level=2, identity_method="legacy")
    LegalEntity.objects.filter(is_verified=True).update(verification_method="legacy")


def flags_from_levels(apps, schema_editor):
    User = apps.get_model("identity", "User")
    User.objects.filter(identity_level__gte=2).update(is_real_name_verified=True)


class Migration(migrations.Migration):

    dependencies = [
        ("identity", "0009_staff_account"),
    ]

    operations = [
        migrations.AddField(
            model_name="legalentity",
            name="verification_method",
            field=models.CharField(blank=True, max_length=64, verbose_name="verified by method"),
        ),
        migrations.AddField(
            model_name="legalentity",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="verified at"),
        ),
        migrations.AddField(
            model_name="legalentity",
            name="verified_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="verified by"),
        ),
        migrations.AddField(
            model_name="user",
            name="identity_level",
            field=models.PositiveSmallIntegerField(choices=[(1, "Registered"), (2, "Real-name verified"), (3, "Verified in person")], default=1, verbose_name="identity level"),
        ),
        migrations.AddField(
            model_name="user",
            name="identity_method",
            field=models.CharField(blank=True, max_length=64, verbose_name="verified by method"),
        ),
        migrations.AddField(
            model_name="user",
            name="identity_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="identity verified at"),
        ),
        migrations.AddField(
            model_name="user",
            name="identity_verified_by",
            field=models.ForeignKey(blank=True, help_text="The clerk who verified the identity at a counter.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="identity verified by"),
        ),
        migrations.RunPython(levels_from_flags, flags_from_levels),
        migrations.RemoveField(
            model_name="user",
            name="is_real_name_verified",
        ),
    ]
