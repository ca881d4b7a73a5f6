"""Encrypt personal data at rest (1/3): column types, blind index columns.

The unique constraints on the plaintext ID number and phone columns go first (they compare the
column with "", which an encrypted column cannot do); 0006 puts them on the blind indexes.
"""

from django.db import migrations

import ecity.core.fields
import ecity.core.validators


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("identity", "0003_security_mfa_lockout"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="user",
            name="identity_user_unique_id_number",
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="identity_user_unique_phone",
        ),
        migrations.AddField(
            model_name="user",
            name="id_number_index",
            field=ecity.core.fields.BlindIndexField(
                blank=True,
                db_index=True,
                default="",
                editable=False,
                max_length=64,
                normaliser="ecity.core.validators.normalise_id_number",
                purpose="id_number",
                source="id_number",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_index",
            field=ecity.core.fields.BlindIndexField(
                blank=True,
                db_index=True,
                default="",
                editable=False,
                max_length=64,
                normaliser="ecity.core.validators.normalise_mobile",
                purpose="phone",
                source="phone",
            ),
        ),
        migrations.AlterField(
            model_name="legalentity",
            name="address",
            field=ecity.core.fields.EncryptedTextField(
                blank=True, max_length=300, verbose_name="registered address"
            ),
        ),
        migrations.AlterField(
            model_name="legalentity",
            name="legal_representative_id_number",
            field=ecity.core.fields.EncryptedTextField(
                blank=True,
                max_length=18,
                validators=[ecity.core.validators.validate_id_number],
                verbose_name="legal representative's ID number",
            ),
        ),
        migrations.AlterField(
            model_name="legalentity",
            name="phone",
            field=ecity.core.fields.EncryptedTextField(
                blank=True, max_length=50, verbose_name="contact phone"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="address",
            field=ecity.core.fields.EncryptedTextField(
                blank=True, max_length=300, verbose_name="address"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=ecity.core.fields.EncryptedTextField(
                blank=True,
                max_length=18,
                validators=[ecity.core.validators.validate_id_number],
                verbose_name="resident ID number",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=ecity.core.fields.EncryptedTextField(
                blank=True,
                max_length=20,
                validators=[ecity.core.validators.validate_mobile],
                verbose_name="mobile phone",
            ),
        ),
    ]
