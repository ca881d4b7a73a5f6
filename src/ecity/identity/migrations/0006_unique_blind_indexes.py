"""Encrypt personal data at rest (3/3): one account per ID number and per phone number again,
now enforced on the blind indexes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0005_encrypt_personal_data_rows"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_index", ""), _negated=True),
                fields=("id_number_index",),
                name="identity_user_unique_id_number",
                violation_error_message="An account with this ID number is already registered.",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("phone_index", ""), _negated=True),
                fields=("phone_index",),
                name="identity_user_unique_phone",
                violation_error_message="An account with this phone number is already registered.",
            ),
        ),
    ]
