"""Filling the case benchmark's PostgreSQL database (used by benchmarks/cases_scale.py).

Creates the database, migrates it, loads the demo city, registers the benchmark's citizens and
bulk-inserts synthetic cases with their tasks and events through PostgreSQL ``COPY``:

* submitted over the last two years, one case number sequence per year and lead department
  (the real ``2026-SCJ-000123`` format) and a random 8-character query code each;
* about 94 % closed (approved, rejected, not accepted, withdrawn; approved and rejected cases
  keep a completed review task), about 6 % open: recent ones submitted or in progress with an
  open review (or decision) task of the lead department or, now and then, of a second
  department, some awaiting correction, a few old overdue stragglers;
* one to three events each (submitted, accepted, decided / not accepted / withdrawn);
* applicants are mostly walk-ins (no account); 2 % belong to the benchmark's citizens.

Personal data columns are encrypted exactly as the ORM would (``ecity.core.fields``), with a
keyring kept next to the benchmark's cache (``field_keys_file``) so that later runs can read it.
Deadlines use calendar days for weekends only (no holidays): close enough for load testing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

BENCH_PASSWORD = "Kx9#pLw2-Rt7vQ"
REVIEWER = ("reviewer_scj", "Demo@12345")  # demo account: reviewer of 市市场监督管理局 (SCJ)
REVIEWER_DEPARTMENT = "SCJ"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕"
QUERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


# --- database ------------------------------------------------------------------------------


def database_prepare(url: str, *, fresh: bool) -> str:
    """Create the database if missing (drop it first with ``fresh``); return its name."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"unexpected database name {name!r}")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return name


def field_keys_file(url: str) -> Path:
    """Where the bench database's field encryption keys are kept between runs (not the repo)."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    return Path.home() / ".cache" / "ecity-bench" / f"{name}-field_keys.json"


def django_setup(url: str, data_dir: Path, secret_key: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        ECITY_DATA_DIR=str(data_dir),
        ECITY_FIELD_KEYS_FILE=str(field_keys_file(url)),
        DJANGO_SETTINGS_MODULE="ecity.conf.production",
        SECRET_KEY=secret_key,
        ECITY_LOG_LEVEL="WARNING",
        ECITY_SECURE_COOKIES="false",
    )
    import django

    django.setup()


def city_prepare() -> None:
    """Migrate and load the demo city (once per database)."""
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")
    call_command("createcachetable")
    call_command("calendar_seed")
    call_command("load_demo", "--if-empty")


def reviewer_authenticator() -> str:
    """The TOTP secret of the benchmark reviewer's authenticator (enrolled when missing).

    Reviewers see personal data unmasked, so they log in with a second factor; the benchmark
    enrols an authenticator for the demo reviewer as its owner would and answers the code step.
    """
    from django.utils import timezone

    from ecity.identity.models import MfaDevice, User
    from ecity.identity.security import mfa, totp

    user = User.objects.get(username=REVIEWER[0])
    device = MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is not None:
        return device.secret
    device = mfa.mfa_enrolment_start(user=user)
    previous = totp.code_for_step(device.secret, totp.time_step(timezone.now()) - 1)
    mfa.mfa_enrolment_confirm(user=user, code=previous)
    return device.secret


def citizens_ensure(count: int) -> list[Any]:
    """The benchmark's citizen accounts bench_citizen_000 … (registered when missing, then
    verified at a counter by the demo administrator: applying needs a verified identity)."""
    from ecity.core.validators import id_number_check_char
    from ecity.identity.models import User
    from ecity.identity.services import citizen_register, citizen_verify_at_counter

    admin = User.objects.get(username="admin")
    users = []
    for n in range(count):
        username = f"bench_citizen_{n:03d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            body = f"11010519900101{n:03d}"
            user = citizen_register(  # raises ValidationFailed (see .fields) if the data is bad
                username=username,
                password=BENCH_PASSWORD,
                real_name=f"测试{SURNAMES[n % len(SURNAMES)]}{GIVEN[n % len(GIVEN)]}",
                id_number=body + id_number_check_char(body),
                phone=f"1390000{n:04d}",
                email=f"{username}@bench.invalid",
            )
        if not user.is_real_name_verified:
            user = citizen_verify_at_counter(
                actor=admin, user=user, id_number=user.id_number, real_name=user.real_name
            )
        users.append(user)
    return users


# --- fill ----------------------------------------------------------------------------------

CASE_COLUMNS = [
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "number",
    "query_code",
    "applicant_kind",
    "applicant_name",
    "applicant_identifier",
    "contact_phone",
    "contact_email",
    "channel",
    "form_data",
    "status",
    "submitted_at",
    "accepted_at",
    "decided_at",
    "acceptance_due_on",
    "committed_due_on",
    "statutory_due_on",
    "suspended_working_days",
    "extension_working_days",
    "deadline_state",
    "decision_text",
    "lock_version",
    "applicant_id",
    "department_id",
    "service_version_id",
    "submitted_by_id",
    "clock_suspended_on",
    "handling_working_days",
]
TASK_COLUMNS = [
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "spiff_task_id",
    "spec_name",
    "name",
    "kind",
    "role",
    "status",
    "claimed_at",
    "completed_at",
    "outcome",
    "opinion",
    "lock_version",
    "case_id",
    "claimed_by_id",
    "completed_by_id",
    "department_id",
]
EVENT_COLUMNS = [
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "action",
    "note",
    "data",
    "is_public",
    "actor_id",
    "case_id",
    "department_id",
    "task_id",
]
CLOSED = (("approved", 0.88), ("rejected", 0.05), ("refused", 0.04), ("withdrawn", 0.03))


def column_writers(model: Any, columns: list[str]) -> list[Any]:
    """Per column, how a Python value becomes what the column stores.

    Encrypted fields (``ecity.core.fields``) encrypt exactly as the ORM does; JSON becomes text;
    everything else is left to psycopg.
    """
    writers: list[Any] = []
    for column in columns:
        field = next(f for f in model._meta.concrete_fields if f.column == column)
        if "Encrypted" in type(field).__name__:
            writers.append(field.get_prep_value)
        elif field.get_internal_type() == "JSONField":
            writers.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
        else:
            writers.append(None)
    return writers


def working_to_calendar(days: int) -> dt.timedelta:
    """Rough calendar length of ``days`` working days (weekends only; good enough for data)."""
    return dt.timedelta(days=days + 2 * (days // 5) + (2 if days % 5 else 0))


class Filler:
    """Generates synthetic cases with tasks and events and COPYs them into PostgreSQL."""

    def __init__(self, *, url: str, seed: int) -> None:
        from django.utils import timezone

        from ecity.cases.models import Case, CaseEvent, CaseTask
        from ecity.catalogue.models import ServiceItem
        from ecity.identity.models import User
        from ecity.org.models import Department

        self.url = url
        self.writers = {
            "cases_case": column_writers(Case, CASE_COLUMNS),
            "cases_casetask": column_writers(CaseTask, TASK_COLUMNS),
            "cases_caseevent": column_writers(CaseEvent, EVENT_COLUMNS),
        }
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.items = [
            (it.current_version_id, it.department_id, it.department.code, it.current_version)
            for it in ServiceItem.objects.select_related("department", "current_version")
            .filter(current_version__isnull=False)
            .order_by("code")
        ]
        self.departments = list(
            Department.objects.filter(parent__isnull=True).values_list("id", "code")
        )
        self.scj = {c: i for i, c in self.departments}[REVIEWER_DEPARTMENT]
        self.reviewer_id = User.objects.get(username=REVIEWER[0]).pk
        self.citizens = list(
            User.objects.filter(username__startswith="bench_citizen_").values_list(
                "id", "real_name", "id_number", "phone", "email"
            )
        )
        from ecity.core.models import Sequence

        self.sequences = {}
        for scope, last in Sequence.objects.filter(scope__startswith="cases:").values_list(
            "scope", "last"
        ):
            _prefix, year, code = scope.split(":", 2)
            self.sequences[(int(year), code)] = last

    def _ids(self, cur: Any, table: str) -> int:
        return int(cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]) + 1

    def _person(self) -> tuple[str, str, str]:
        from ecity.core.validators import id_number_check_char

        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
        body = f"110105{born:%Y%m%d}{rng.randrange(1000):03d}"
        return name, body + id_number_check_char(body), f"13{rng.randrange(10**9):09d}"

    def _status(self, age_days: float) -> str:
        rng = self.rng
        roll = rng.random()
        if age_days <= 3:
            return "submitted" if roll < 0.7 else "in_progress"
        if age_days <= 45:
            if roll < 0.70:
                return "in_progress"
            if roll < 0.78:
                return "awaiting_correction"
        elif roll < 0.003:
            return "in_progress"  # stragglers: overdue
        elif roll < 0.008:
            return "awaiting_correction"
        roll = rng.random()
        for status, share in CLOSED:
            if roll < share:
                return status
            roll -= share
        return "approved"

    def fill(self, count: int, *, span_days: int = 730, chunk: int = 20000) -> None:
        import psycopg

        with psycopg.connect(self.url) as conn, conn.cursor() as cur:
            ids = {
                t: self._ids(cur, t) for t in ("cases_case", "cases_casetask", "cases_caseevent")
            }
            start = self.now - dt.timedelta(days=span_days)
            step = dt.timedelta(days=span_days) / max(count, 1)
            done = 0
            while done < count:
                n = min(chunk, count - done)
                cases, tasks, events = [], [], []
                for k in range(done, done + n):
                    at = start + step * k + dt.timedelta(seconds=self.rng.random() * 60)
                    self._case(at, ids, cases, tasks, events)
                for table, columns, rows in (
                    ("cases_case", CASE_COLUMNS, cases),
                    ("cases_casetask", TASK_COLUMNS, tasks),
                    ("cases_caseevent", EVENT_COLUMNS, events),
                ):
                    convert = [(i, w) for i, w in enumerate(self.writers[table]) if w]
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            if convert:
                                row = list(row)
                                for i, write in convert:
                                    row[i] = write(row[i])
                            copy.write_row(row)
                conn.commit()
                done += n
                print(f"  … {done:,} / {count:,} cases", flush=True)
            for table in ids:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            conn.commit()
        self._save_sequences()
        self._mark_closed_case_tasks()

    def _mark_closed_case_tasks(self) -> None:
        """Tasks of closed cases are not on an open case (as ``case_open_tasks_cancel`` marks)."""
        import psycopg

        with psycopg.connect(self.url) as conn:
            conn.execute(
                "UPDATE cases_casetask t SET on_open_case = false FROM cases_case c "
                "WHERE t.case_id = c.id AND t.on_open_case "
                "AND c.status IN ('refused', 'approved', 'rejected', 'withdrawn')"
            )

    def _save_sequences(self) -> None:
        from ecity.cases.numbers import case_number_scope
        from ecity.core.models import Sequence

        for (year, code), last in self.sequences.items():
            Sequence.objects.update_or_create(
                scope=case_number_scope(department_code=code, year=year), defaults={"last": last}
            )

    def _case(self, at: dt.datetime, ids: dict, cases: list, tasks: list, events: list) -> None:
        rng = self.rng
        version_id, dept_id, dept_code, version = rng.choice(self.items)
        local = at.astimezone(self.tz)
        key = (local.year, dept_code)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        number = f"{local.year}-{dept_code}-{self.sequences[key]:06d}"
        age = (self.now - at).total_seconds() / 86400
        status = self._status(age)
        if self.citizens and rng.random() < 0.02:
            applicant_id, name, id_number, phone, email = rng.choice(self.citizens)
            channel, submitted_by = "online", applicant_id
        else:
            name, id_number, phone = self._person()
            applicant_id, email, submitted_by = None, "", None
            channel = "counter"
        accepted = decided = None
        if status not in ("submitted", "refused"):
            accepted = at + dt.timedelta(hours=rng.uniform(1, 48))
            accepted = min(accepted, self.now - dt.timedelta(minutes=5))
        committed = statutory = None
        if accepted is not None:
            accepted_on = accepted.astimezone(self.tz).date()
            committed = accepted_on + working_to_calendar(version.committed_days or 1)
            statutory = accepted_on + working_to_calendar(version.statutory_days or 1)
        if status in ("in_progress", "awaiting_correction") and age <= 45:
            # Recent open cases: most within their deadline, ~10 % overdue, ~10 % due soon.
            roll = rng.random()
            if roll < 0.1:
                committed = self.today - dt.timedelta(days=rng.randint(1, 10))
            elif roll < 0.2:
                committed = self.today + dt.timedelta(days=rng.randint(0, 2))
            else:
                committed = self.today + dt.timedelta(days=rng.randint(3, 25))
            statutory = committed + dt.timedelta(days=rng.randint(3, 20))
        closed = status in ("approved", "rejected", "refused", "withdrawn")
        if closed:
            base = accepted or at
            span = (committed - base.astimezone(self.tz).date()).days if committed else 3
            decided = base + dt.timedelta(days=rng.uniform(0.2, max(span, 1) * 0.9))
            decided = min(decided, self.now - dt.timedelta(minutes=1))
        deadline_state = "normal"
        suspended_on = None
        if status == "in_progress":
            if committed < self.today:
                deadline_state = "overdue"
            elif committed <= self.today + dt.timedelta(days=2):
                deadline_state = "due_soon"
        elif status == "awaiting_correction":
            deadline_state = "suspended"
            suspended_on = (at + dt.timedelta(days=min(age / 2, 10))).astimezone(self.tz).date()
        case_id = ids["cases_case"]
        ids["cases_case"] += 1
        updated = decided or accepted or at
        cases.append(
            (
                case_id,
                uuid.uuid4(),
                at,
                updated,
                number,
                "".join(rng.choices(QUERY_ALPHABET, k=8)),
                "citizen",
                name,
                id_number,
                phone,
                email,
                channel,
                {"applicant_name": name, "id_number": id_number, "mobile": phone},
                status,
                at,
                accepted,
                decided,
                (at + dt.timedelta(days=7)).astimezone(self.tz).date(),
                committed,
                statutory,
                0,
                0,
                deadline_state,
                "准予许可。" if status == "approved" else ("" if not closed else "不予许可。"),
                0,
                applicant_id,
                dept_id,
                version_id,
                submitted_by,
                suspended_on,
                rng.randint(1, version.committed_days or 1) if decided and accepted else None,
            )
        )
        self._event(ids, events, case_id, "submitted", at, None)
        if accepted is not None:
            self._event(ids, events, case_id, "accepted", accepted, dept_id)
        if status in ("approved", "rejected"):
            task_dept = self._task_department(dept_id)
            done_by = self.reviewer_id if task_dept == self.scj and rng.random() < 0.2 else None
            self._task(
                ids, tasks, case_id, task_dept, "review", "completed", accepted, decided, done_by
            )
            self._event(ids, events, case_id, "decided", decided, dept_id)
        elif closed:
            self._event(ids, events, case_id, status, decided, dept_id)
        elif status == "in_progress":
            kind = "decide" if rng.random() < 0.25 else "review"
            self._task(ids, tasks, case_id, self._task_department(dept_id), kind, "open", accepted)
            if kind == "review" and rng.random() < 0.25:  # joint review by a second department
                other = rng.choice(self.departments)[0]
                if other != dept_id:
                    self._task(ids, tasks, case_id, other, "review", "open", accepted)

    def _task_department(self, lead: int) -> int:
        # Most reviews happen in the lead department; some are sent to another one.
        return lead if self.rng.random() < 0.85 else self.rng.choice(self.departments)[0]

    def _task(
        self,
        ids: dict,
        tasks: list,
        case_id: int,
        department: int,
        kind: str,
        status: str,
        created: dt.datetime,
        completed: dt.datetime | None = None,
        completed_by: int | None = None,
    ) -> None:
        claimed_by = None
        if status == "open" and department == self.scj and self.rng.random() < 0.1:
            status, claimed_by = "claimed", self.reviewer_id
        role = "approver" if kind == "decide" else "reviewer"
        tasks.append(
            (
                ids["cases_casetask"],
                uuid.uuid4(),
                created,
                completed or created,
                str(uuid.uuid4()),
                f"{kind}_step",
                "审查" if kind == "review" else "决定",
                kind,
                role,
                status,
                created if claimed_by else None,
                completed,
                "approve" if completed else "",
                "同意。" if completed else "",
                0,
                case_id,
                claimed_by,
                completed_by,
                department,
            )
        )
        ids["cases_casetask"] += 1

    def _event(
        self,
        ids: dict,
        events: list,
        case_id: int,
        action: str,
        at: dt.datetime,
        department: int | None,
    ) -> None:
        event_id = ids["cases_caseevent"]
        events.append(
            (event_id, uuid.uuid4(), at, at, action, "", {}, True, None, case_id, department, None)
        )
        ids["cases_caseevent"] += 1


def vacuum_analyze(url: str) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("cases_case", "cases_casetask", "cases_caseevent"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


def database_settings_apply(url: str, settings: str) -> str:
    """Reset the database's own settings, then ``ALTER DATABASE … SET`` each ``name=value``."""
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    pairs = [
        [part.strip() for part in item.split("=", 1)]
        for item in settings.split(",")
        if item.strip()
    ]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" RESET ALL')
        for key, value in pairs:
            if not re.fullmatch(r"[a-z_]+", key) or not re.fullmatch(r"[\w.]+", value):
                raise SystemExit(f"unexpected PostgreSQL setting {key}={value}")
            conn.execute(f'ALTER DATABASE "{name}" SET {key} = {value}')
    return ", ".join(f"{k}={v}" for k, v in pairs)


def database_facts(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "cases": one("SELECT count(*) FROM cases_case"),
            "open_cases": one(
                "SELECT count(*) FROM cases_case WHERE status IN "
                "('submitted','in_progress','awaiting_correction')"
            ),
            "tasks": one("SELECT count(*) FROM cases_casetask"),
            "events": one("SELECT count(*) FROM cases_caseevent"),
            "reviewer_open_tasks": one(
                "SELECT count(*) FROM cases_casetask t JOIN identity_department d "
                "ON d.id = t.department_id JOIN cases_case c ON c.id = t.case_id "
                f"WHERE d.code = '{REVIEWER_DEPARTMENT}' AND t.role = 'reviewer' "
                "AND t.kind = 'review' AND t.status IN ('open','claimed') "
                "AND c.status = 'in_progress'"
            ),
            "size": one("SELECT pg_size_pretty(pg_database_size(current_database()))"),
            "postgres": one("SHOW server_version"),
            "shared_buffers": one("SHOW shared_buffers"),
        }
