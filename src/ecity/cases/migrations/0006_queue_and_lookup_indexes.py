# Indexes found necessary by benchmarks/cases_scale.py at 1,000,000 cases (docs/benchmarks.md):
# index-only counts for the workbench queues, the "done" queue, and the public case lookup, whose
# case-insensitive match (number__iexact = UPPER(number) = UPPER(%s)) otherwise scans the table.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_encrypt_personal_data_rows"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="cases_open_committed",
        ),
        migrations.RemoveIndex(
            model_name="casetask",
            name="cases_task_open_queue",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "in_progress")),
                fields=["committed_due_on"],
                include=("id",),
                name="cases_open_committed",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["submitted", "in_progress", "awaiting_correction"])
                ),
                fields=["status", "deadline_state"],
                include=("department", "id"),
                name="cases_open_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                django.db.models.functions.text.Upper("number"), name="cases_number_upper"
            ),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "claimed"])),
                fields=["department", "role", "kind"],
                include=("case",),
                name="cases_task_open_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(fields=["department", "case"], name="cases_task_department_case"),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(
                condition=models.Q(("status", "completed")),
                fields=["completed_by", "-completed_at"],
                name="cases_task_done",
            ),
        ),
    ]
