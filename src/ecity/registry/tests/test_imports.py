"""Bulk import of persons and legal entities: mapping, dry run, batches, resume, authority."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.models import OutboxEvent
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory, id_number_for, uscc_for
from ecity.registry.models import (
    ImportJob,
    LegalEntityRecord,
    Person,
    RecordAttribute,
    RecordChange,
    RecordConflict,
    Registry,
)
from ecity.registry.services.imports import registry_import
from ecity.registry.services.records import person_write

pytestmark = pytest.mark.django_db

HEADER = ["公民身份号码", "姓名", "性别代码", "出生日期", "住址"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _csv(tmp_path: Path, rows: list[list[str]], name: str = "persons.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def _person_rows(first: int, count: int) -> list[list[str]]:
    return [
        [id_number_for(n), f"张{n}", "1", "1990-05-17", f"示范市长安路{n}号"]
        for n in range(first, first + count)
    ]


def _writer(department):
    return StaffRoleFactory(department=department, role="department_admin").user


def test_a_dry_run_reports_row_column_and_message_and_writes_no_record(metadata, tmp_path):
    # given a file with a bad check digit in row 3 and an unknown sex code in row 4
    police = metadata["police"]
    rows = _person_rows(1, 3)
    rows[1][0] = rows[1][0][:-1] + ("0" if rows[1][0][-1] != "0" else "1")
    rows[2][2] = "7"
    path = _csv(tmp_path, [HEADER, *rows])

    # when it is imported as a dry run
    job = registry_import(
        actor=_writer(police),
        department=police,
        registry=Registry.PERSONS,
        path=path,
        dry_run=True,
    )

    # then the report names row and column, and nothing is in the registry
    assert job.status == ImportJob.Status.FAILED
    assert job.is_dry_run
    assert job.problem_count == 2
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "公民身份号码"), (4, "性别代码")]
    assert "check" in job.problems[0]["message"].lower()
    assert "7 is not a code of the list sex" in job.problems[1]["message"]
    assert Person.objects.count() == 0
    assert RecordChange.objects.count() == 0


def test_a_clean_dry_run_says_how_many_records_would_be_created(metadata, tmp_path):
    police = metadata["police"]
    path = _csv(tmp_path, [HEADER, *_person_rows(1, 4)])

    job = registry_import(
        actor=_writer(police), department=police, registry="persons", path=path, dry_run=True
    )

    assert (job.status, job.created_count, job.rows_done) == ("validated", 4, 4)
    assert Person.objects.count() == 0


def test_the_authority_loads_persons_with_authoritative_values_change_log_and_batch_audit(
    metadata, tmp_path
):
    # given the public security bureau's file of 5 persons, loaded 2 rows per batch
    police = metadata["police"]
    officer = _writer(police)
    path = _csv(tmp_path, [HEADER, *_person_rows(10, 5)])

    job = registry_import(
        actor=officer, department=police, registry="persons", path=path, batch_size=2
    )

    # then every person is created at version 1 with authoritative provenance and a change log
    assert (job.status, job.created_count, job.last_committed_row, job.progress_percent) == (
        "completed",
        5,
        6,
        100,
    )
    person = Person.objects.get(name="张12")
    assert person.id_number == id_number_for(12)
    assert str(person.birth_on) == "1990-05-17"
    assert person.address == "示范市长安路12号"
    assert person.version == 1
    provenance = RecordAttribute.objects.get(person=person, attribute="name")
    assert provenance.is_authoritative and provenance.source == "import"
    assert provenance.department == police
    assert provenance.source_reference == f"import:{job.public_id}"
    assert set(RecordChange.objects.filter(person=person).values_list("attribute", flat=True)) == {
        "id_number",
        "name",
        "sex",
        "birth_on",
        "address",
    }
    # one audit entry and one event per batch (3 batches)
    entries = AuditEntry.objects.filter(action="registry.records_imported")
    assert entries.count() == 3
    assert OutboxEvent.objects.filter(name="registry.records_imported").count() == 3


def test_every_provenance_and_change_row_of_an_import_has_its_own_random_public_id(
    metadata, tmp_path
):
    import uuid

    path = _csv(tmp_path, [HEADER, *_person_rows(30, 4)])

    registry_import(actor=None, department=metadata["police"], registry="persons", path=path)

    ids = [
        uuid.UUID(str(public_id))
        for model in (RecordAttribute, RecordChange)
        for public_id in model.objects.values_list("public_id", flat=True)
    ]
    assert len(ids) == 2 * 4 * 5  # 4 persons, 5 attributes, a provenance and a change each
    assert len(set(ids)) == len(ids)
    assert {(i.version, i.variant) for i in ids} == {(4, uuid.RFC_4122)}


def test_an_excel_file_with_attribute_names_as_headers_is_imported(metadata, tmp_path):
    police = metadata["police"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id_number", "name", "phone"])
    sheet.append([id_number_for(40), "李四", "13800138000"])
    path = tmp_path / "persons.xlsx"
    workbook.save(path)

    job = registry_import(actor=_writer(police), department=police, registry="persons", path=path)

    assert job.status == "completed"
    assert Person.objects.get().phone == "13800138000"


def test_an_explicit_mapping_names_columns_and_ignores_others(metadata, tmp_path):
    police = metadata["police"]
    path = _csv(tmp_path, [["身份证", "XM", "备注"], [id_number_for(41), "王五", "无"]])

    job = registry_import(
        actor=_writer(police),
        department=police,
        registry="persons",
        path=path,
        mapping={"身份证": "DE0001", "XM": "name", "备注": ""},
    )

    assert job.status == "completed"
    assert job.mapping == {"身份证": "id_number", "XM": "name", "备注": ""}
    assert Person.objects.get().name == "王五"


def test_unknown_columns_and_a_missing_key_stop_the_import_before_any_row(metadata, tmp_path):
    police = metadata["police"]
    path = _csv(tmp_path, [["姓名", "身高"], ["王五", "180"]])

    job = registry_import(actor=_writer(police), department=police, registry="persons", path=path)

    assert job.status == "failed"
    assert job.problems == [
        {
            "row": 1,
            "column": "身高",
            "message": "No attribute of this registry is named 身高.",
        }
    ]
    path = _csv(tmp_path, [["姓名"], ["王五"]], name="no_key.csv")
    job = registry_import(actor=_writer(police), department=police, registry="persons", path=path)
    assert job.problems[0]["column"] == "id_number"
    assert Person.objects.count() == 0


def test_a_batch_with_a_bad_row_is_not_written_and_the_earlier_batches_stay(metadata, tmp_path):
    # given 6 rows in batches of 2, the 5th row (spreadsheet row 6) without a name
    police = metadata["police"]
    rows = _person_rows(50, 6)
    rows[4][1] = ""
    path = _csv(tmp_path, [HEADER, *rows])

    job = registry_import(
        actor=_writer(police), department=police, registry="persons", path=path, batch_size=2
    )

    # then batches 1 and 2 are loaded, batch 3 is not (all or nothing), and the job says why
    assert job.status == "failed"
    assert job.last_committed_row == 5
    assert job.problems == [{"row": 6, "column": "姓名", "message": "This field is required."}]
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张50", "张51", "张52", "张53"]


def test_an_interrupted_import_resumes_after_its_last_committed_batch(metadata, tmp_path):
    # given an import stopped (the process died) after its first batch of 2
    police = metadata["police"]
    officer = _writer(police)
    path = _csv(tmp_path, [HEADER, *_person_rows(60, 5)])

    def die(job):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        registry_import(
            actor=officer,
            department=police,
            registry="persons",
            path=path,
            batch_size=2,
            progress=die,
        )
    assert Person.objects.count() == 2

    # when it is started again without resume, it is refused; with resume it continues
    with pytest.raises(ValidationFailed) as refused:
        registry_import(actor=officer, department=police, registry="persons", path=path)
    assert "after row 3" in refused.value.fields["resume"][0]
    job = registry_import(
        actor=officer, department=police, registry="persons", path=path, resume=True
    )

    # then the same job finishes the rest, each person once
    assert ImportJob.objects.filter(is_dry_run=False).count() == 1
    assert (job.status, job.rows_done, job.created_count) == ("completed", 5, 5)
    assert Person.objects.count() == 5


def test_resume_without_an_unfinished_import_is_refused(metadata, tmp_path):
    police = metadata["police"]
    path = _csv(tmp_path, [HEADER, *_person_rows(70, 1)])

    with pytest.raises(ValidationFailed) as refused:
        registry_import(
            actor=_writer(police), department=police, registry="persons", path=path, resume=True
        )

    assert "resume" in refused.value.fields
    assert Person.objects.count() == 0


def test_another_departments_import_never_overwrites_an_authoritative_value(metadata, tmp_path):
    # given a person whose name the public security bureau wrote
    police, market = metadata["police"], metadata["market"]
    person_write(
        actor=_writer(police),
        department=police,
        source="counter",
        id_number=id_number_for(80),
        values={"name": "赵六"},
    )
    path = _csv(
        tmp_path, [["公民身份号码", "姓名", "住址"], [id_number_for(80), "赵陆", "新址1号"]]
    )

    # when market regulation imports another name and an address
    job = registry_import(actor=_writer(market), department=market, registry="persons", path=path)

    # then the name stays and a conflict is listed; the empty address is written provisionally
    person = Person.objects.get()
    assert person.name == "赵六"
    assert person.address == "新址1号"
    assert (job.updated_count, job.conflict_count) == (1, 1)
    conflict = RecordConflict.objects.get()
    assert (conflict.proposed_value, conflict.authoritative_value) == ("赵陆", "赵六")
    assert not RecordAttribute.objects.get(person=person, attribute="address").is_authoritative


def test_importing_the_same_file_twice_changes_nothing_the_second_time(metadata, tmp_path):
    police = metadata["police"]
    officer = _writer(police)
    path = _csv(tmp_path, [HEADER, *_person_rows(90, 3)])
    registry_import(actor=officer, department=police, registry="persons", path=path)

    again = registry_import(actor=officer, department=police, registry="persons", path=path)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert set(Person.objects.values_list("version", flat=True)) == {1}


def test_a_row_repeating_a_record_of_the_same_batch_is_a_problem(metadata, tmp_path):
    police = metadata["police"]
    rows = _person_rows(95, 2)
    rows[1][0] = rows[0][0]
    path = _csv(tmp_path, [HEADER, *rows])

    job = registry_import(
        actor=_writer(police), department=police, registry="persons", path=path, dry_run=True
    )

    assert job.problems == [
        {"row": 3, "column": "公民身份号码", "message": "This record is already in row 2."}
    ]


def test_a_change_to_a_persons_record_with_an_account_is_on_their_audit_trail(metadata, tmp_path):
    police = metadata["police"]
    officer = _writer(police)
    person = person_write(
        actor=officer,
        department=police,
        source="counter",
        id_number=id_number_for(99),
        values={"name": "钱七"},
    ).record
    account = UserFactory()
    Person.objects.filter(pk=person.pk).update(account=account)
    path = _csv(tmp_path, [["公民身份号码", "住址"], [id_number_for(99), "示范市新路9号"]])

    registry_import(actor=officer, department=police, registry="persons", path=path)

    entry = AuditEntry.objects.filter(action="registry.person_changed").latest("id")
    assert entry.subject == account
    assert Person.objects.get().version == 2


def test_legal_entities_are_imported_by_uscc(metadata, tmp_path):
    market = metadata["market"]
    path = _csv(
        tmp_path,
        [["统一社会信用代码", "单位名称", "法人类型"], [uscc_for(7), "示范科技有限公司", "91"]],
    )

    job = registry_import(
        actor=_writer(market), department=market, registry="legal_entities", path=path
    )

    assert job.status == "completed"
    record = LegalEntityRecord.objects.get()
    assert (record.uscc, record.name, record.entity_type) == (uscc_for(7), "示范科技有限公司", "91")
    assert RecordAttribute.objects.get(legal_entity=record, attribute="name").is_authoritative


def test_someone_who_does_not_write_for_the_department_cannot_import(metadata, tmp_path):
    police = metadata["police"]
    path = _csv(tmp_path, [HEADER, *_person_rows(1, 1)])

    with pytest.raises(PermissionDenied):
        registry_import(actor=UserFactory(), department=police, registry="persons", path=path)

    assert not ImportJob.objects.exists()


def test_a_batch_size_out_of_range_is_a_field_error(metadata, tmp_path):
    police = metadata["police"]
    path = _csv(tmp_path, [HEADER])

    with pytest.raises(ValidationFailed) as refused:
        registry_import(
            actor=_writer(police), department=police, registry="persons", path=path, batch_size=0
        )

    assert list(refused.value.fields) == ["batch"]


def test_the_command_loads_with_progress_and_reports_problems_with_exit_status_1(
    metadata, tmp_path
):
    police = metadata["police"]
    good = _csv(tmp_path, [HEADER, *_person_rows(20, 3)])
    out, err = StringIO(), StringIO()

    call_command(
        "registry_import", str(good), "--registry", "persons", "--department", police.code,
        stdout=out, stderr=err,
    )  # fmt: skip

    assert "3 records created" in out.getvalue()
    bad = _csv(tmp_path, [HEADER, ["12345", "某", "1", "1990-01-01", ""]], name="bad.csv")
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("registry_import", str(bad), "--registry", "persons", "--dry-run", stderr=err)
    assert failed.value.returncode == 1
    assert "2\t公民身份号码\t" in err.getvalue()
