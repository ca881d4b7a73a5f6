# Workbench: the stopped clock's date, the "copied" timeline action, indexes on open cases.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="clock_suspended_on",
            field=models.DateField(blank=True, null=True, verbose_name="clock stopped on"),
        ),
        migrations.AddField(
            model_name="case",
            name="handling_working_days",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="handling time (working days)"
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted"),
                    ("accepted", "Accepted"),
                    ("refused", "Not accepted"),
                    ("correction_requested", "Correction requested"),
                    ("corrected", "Correction submitted"),
                    ("task_claimed", "Task claimed"),
                    ("task_released", "Task released"),
                    ("approved", "Approved by a department"),
                    ("rejected", "Rejected by a department"),
                    ("decided", "Decision made"),
                    ("extended", "Time limit extended"),
                    ("urged", "Urged by a supervisor"),
                    ("copied", "Related departments copied"),
                    ("certificate_issued", "Certificate issued"),
                    ("rated", "Rated by the applicant"),
                    ("withdrawn", "Withdrawn"),
                ],
                max_length=32,
                verbose_name="action",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "in_progress")),
                fields=["committed_due_on"],
                name="cases_open_committed",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["acceptance_due_on"],
                name="cases_open_acceptance",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("decided_at__isnull", False)),
                fields=["department", "decided_at"],
                name="cases_decided",
            ),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "claimed"])),
                fields=["department", "role", "kind"],
                name="cases_task_open_queue",
            ),
        ),
    ]
