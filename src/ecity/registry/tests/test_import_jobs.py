"""Imports from the admin (upload, mapping, dry run, background load) and the job claims that
keep two processes from running one import at once."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from ecity.core.errors import Conflict
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, id_number_for
from ecity.registry.models import ImportJob, Person
from ecity.registry.services.import_claims import ClaimLost, claim_renew, claim_take
from ecity.registry.services.import_jobs import import_jobs_run
from ecity.registry.services.imports import registry_import

pytestmark = pytest.mark.django_db

HEADER = ["公民身份号码", "姓名", "性别代码", "出生日期", "住址"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _rows(first: int, count: int) -> list[list[str]]:
    return [
        [id_number_for(n), f"张{n}", "1", "1990-05-17", f"示范市长安路{n}号"]
        for n in range(first, first + count)
    ]


def _csv_bytes(rows: list[list[str]]) -> bytes:
    lines = []
    for row in rows:
        lines.append(",".join(row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "persons.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def _admin_of(department):
    user = StaffUserFactory(is_staff=True)
    StaffRoleFactory(user=user, department=department, role="department_admin")
    return user


# --- claims ------------------------------------------------------------------------------------


def test_two_processes_never_hold_one_import_and_a_stale_claim_is_taken_over(metadata):
    job = ImportJob.objects.create(registry="persons", file_name="p.csv", file_hash="a" * 64)

    assert claim_take(job=job, worker="host-a:1")
    assert not claim_take(job=ImportJob.objects.get(pk=job.pk), worker="host-b:2")
    assert ImportJob.objects.get(pk=job.pk).claimed_by == "host-a:1"

    # when host-a stops giving signs of life for longer than the timeout
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=11)
    )

    # then host-b takes it over, and host-a's next batch stops
    assert claim_take(job=ImportJob.objects.get(pk=job.pk), worker="host-b:2")
    with pytest.raises(ClaimLost):
        claim_renew(job=job, worker="host-a:1")


def test_resuming_an_import_another_live_process_runs_is_refused(metadata, tmp_path):
    # given an import stopped after its first batch, and another process now running it
    police = metadata["police"]
    officer = _admin_of(police)
    path = _csv(tmp_path, [HEADER, *_rows(70, 4)])

    def stop(job):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        registry_import(
            actor=officer, department=police, registry="persons", path=path, batch_size=2,
            progress=stop,
        )  # fmt: skip
    job = ImportJob.objects.get()
    assert job.claimed_by == ""  # a stop releases the claim
    ImportJob.objects.filter(pk=job.pk).update(claimed_by="other:9", heartbeat_at=timezone.now())

    # when this process resumes it, it is refused and writes nothing
    with pytest.raises(Conflict):
        registry_import(
            actor=officer, department=police, registry="persons", path=path, resume=True
        )
    assert Person.objects.count() == 2

    # once the other process's claim is stale, the resume takes it over and finishes
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    done = registry_import(
        actor=officer, department=police, registry="persons", path=path, resume=True
    )
    assert (done.pk, done.status, done.claimed_by) == (job.pk, "completed", "")
    assert Person.objects.count() == 4


def test_a_process_whose_claim_was_taken_over_writes_no_further_batch(metadata, tmp_path):
    police = metadata["police"]
    path = _csv(tmp_path, [HEADER, *_rows(80, 6)])

    def taken_over(job):
        ImportJob.objects.filter(pk=job.pk).update(claimed_by="other:9")

    with pytest.raises(ClaimLost):
        registry_import(
            actor=_admin_of(police), department=police, registry="persons", path=path,
            batch_size=2, progress=taken_over,
        )  # fmt: skip

    assert Person.objects.count() == 2
    job = ImportJob.objects.get()
    assert (job.last_committed_row, job.claimed_by) == (3, "other:9")


def test_the_background_run_leaves_a_job_a_live_process_holds(metadata, tmp_path):
    job = ImportJob.objects.create(
        registry="persons", file_name="p.csv", file_hash="a" * 64, status="running",
        stored_file=str(tmp_path / "gone.csv"), claimed_by="other:9",
        heartbeat_at=timezone.now(),
    )  # fmt: skip

    assert import_jobs_run(worker="me:1") == 0

    job.refresh_from_db()
    assert (job.status, job.claimed_by) == ("running", "other:9")


# --- the admin ---------------------------------------------------------------------------------


def _upload(client, police, rows, name="persons.csv"):
    return client.post(
        "/admin/registry/importjob/upload/",
        {
            "upload": "1",
            "registry": "persons",
            "department": police.pk,
            "batch_size": 2,
            "file": SimpleUploadedFile(name, _csv_bytes(rows), content_type="text/csv"),
        },
    )


def _mapping_post(page, **override):
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(override)
    data["check"] = "1"
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_an_administrator_uploads_maps_dry_runs_and_loads_in_the_background(client, metadata):
    police = metadata["police"]
    client.force_login(_admin_of(police))
    rows = [[*HEADER, "备注"], *_rows(90, 3)]

    # step 1: the upload shows one choice per column, preset from the headings
    page = _upload(client, police, rows)
    assert page.status_code == 200
    form = page.context["form"]
    assert [form[key].value() for key, _column in form.columns] == [
        "id_number", "name", "sex", "birth_on", "address", "",
    ]  # fmt: skip

    # step 2: the dry run is queued and runs in the background; nothing is written
    answer = client.post("/admin/registry/importjob/upload/", _mapping_post(page))
    dry_run = ImportJob.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/admin/registry/importjob/{dry_run.pk}/change/"
    assert (dry_run.status, dry_run.is_dry_run) == ("queued", True)
    assert import_jobs_run(worker="me:1") == 1
    dry_run.refresh_from_db()
    assert (dry_run.status, dry_run.created_count, dry_run.claimed_by) == ("validated", 3, "")
    assert not Person.objects.exists()
    job_page = client.get(answer["Location"])
    assert job_page.status_code == 200
    assert f'action="/admin/registry/importjob/{dry_run.pk}/load/"' in job_page.content.decode()

    # step 3: load
    loaded = client.post(f"/admin/registry/importjob/{dry_run.pk}/load/")
    load = ImportJob.objects.get(is_dry_run=False)
    assert loaded["Location"] == f"/admin/registry/importjob/{load.pk}/change/"
    assert import_jobs_run(worker="me:1") == 1
    load.refresh_from_db()
    assert (load.status, load.created_count, load.progress_percent) == ("completed", 3, 100)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张90", "张91", "张92"]


def test_a_dry_run_reports_row_column_and_message_on_the_job_page(client, metadata):
    police = metadata["police"]
    client.force_login(_admin_of(police))
    rows = [HEADER, *_rows(95, 2)]
    rows[2][3] = "1990-13-40"  # not a date
    page = _upload(client, police, rows)
    client.post("/admin/registry/importjob/upload/", _mapping_post(page))

    import_jobs_run(worker="me:1")

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "出生日期")]
    page = client.get(f"/admin/registry/importjob/{job.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "出生日期" in html and f"/importjob/{job.pk}/load/" not in html


def test_a_mapping_without_the_key_column_is_refused_and_nothing_is_queued(client, metadata):
    police = metadata["police"]
    client.force_login(_admin_of(police))
    page = _upload(client, police, [HEADER, *_rows(97, 1)])
    key_field = page.context["form"].columns[0][0]

    answer = client.post(
        "/admin/registry/importjob/upload/", _mapping_post(page, **{key_field: ""})
    )

    assert answer.status_code == 200
    errors = answer.context["form"].non_field_errors()
    assert len(errors) == 1 and "公民身份号码" in errors[0]  # the key, named in the page language
    assert "errornote" in answer.content.decode()
    assert not ImportJob.objects.exists()


def test_another_departments_administrator_cannot_import_for_the_police(client, metadata):
    police, market = metadata["police"], metadata["market"]
    client.force_login(_admin_of(market))

    page = _upload(client, police, [HEADER, *_rows(98, 1)])

    assert page.status_code == 200
    assert "department" in page.context["upload"].errors
    assert not ImportJob.objects.exists()
