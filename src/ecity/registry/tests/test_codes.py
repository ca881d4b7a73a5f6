"""Loading code lists from CSV and Excel: validated as a whole, all or nothing, audited."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory
from ecity.org.models import StaffRole
from ecity.registry.models import CodeList, CodeValue
from ecity.registry.services.codes import code_list_load, code_lists_load_shipped

pytestmark = pytest.mark.django_db

HEADER = "code,name,name_en,parent,valid_from,valid_to\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _load(text: str, **kwargs):
    defaults = {"actor": None, "identifier": "colour", "name": "颜色", "file_name": "c.csv"}
    return code_list_load(content=text.encode(), **{**defaults, **kwargs})


def _problems(report):
    return [(p.row, p.column, p.message) for p in report.problems]


def test_csv_file_creates_list_with_hierarchy_and_audits_the_load():
    report = _load(HEADER + "A,暖色,Warm,,,\nA1,红色,Red,A,2020-01-01,\nA2,橙色,,A,,\n")

    assert (report.created, report.updated, report.problems) == (3, 0, [])
    colour = CodeList.objects.get(identifier="colour")
    red = colour.values.get(code="A1")
    assert (red.name, red.name_en, red.parent.code) == ("红色", "Red", "A")
    assert red.valid_from == dt.date(2020, 1, 1)
    entry = AuditEntry.objects.get(action="registry.code_list_loaded")
    assert entry.data["created"] == 3


def test_second_load_updates_changed_codes_and_keeps_codes_missing_from_the_file():
    _load(HEADER + "1,一,,,,\n2,二,,,,\n")

    report = _load(HEADER + "1,壹,One,,,\n")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    values = dict(CodeValue.objects.values_list("code", "name"))
    assert values == {"1": "壹", "2": "二"}


def test_any_problem_reports_row_and_column_and_writes_nothing():
    _load(HEADER + "1,一,,,,\n")
    bad = HEADER + "1,壹,,,,\n2,,,,,\n3,三,,9,,\n3,叁,,,2024-13-01,\n4,四,,,2024-05-01,2024-04-30\n"

    report = _load(bad)

    assert _problems(report) == [
        (3, "name", "This cell is required."),
        (5, "code", "The code 3 is already in row 4."),
        (5, "valid_from", "Enter a date as YYYY-MM-DD."),
        (6, "valid_to", "The end of validity is before its start."),
        (4, "parent", "The parent 9 is not a code of this list."),
    ]
    assert CodeValue.objects.get().name == "一"  # row 2's change was not written either


def test_a_code_cannot_become_its_own_ancestor():
    report = _load(HEADER + "A,甲,,B,,\nB,乙,,A,,\n")

    assert [p.column for p in report.problems] == ["parent", "parent"]
    assert not CodeList.objects.exists()


def test_unknown_or_missing_columns_are_refused():
    assert _problems(_load("code,nmae\n1,一\n")) == [(1, "nmae", "Unknown column nmae.")]
    assert _problems(_load("code\n1\n")) == [(1, "name", "The column name is missing.")]


def test_dry_run_reports_what_would_change_without_writing():
    report = _load(HEADER + "1,一,,,,\n", dry_run=True)

    assert (report.created, report.is_loaded) == (1, False)
    assert not CodeList.objects.exists()


def test_new_list_needs_a_name():
    with pytest.raises(ValidationFailed) as raised:
        _load(HEADER + "1,一,,,,\n", name="")

    assert "name" in raised.value.fields


def test_excel_file_keeps_leading_zeros_of_text_codes_and_reads_dates():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "valid_to"])
    sheet.append(["01", "汉族", dt.datetime(2030, 12, 31)])
    sheet.append([2, "蒙古族", None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = code_list_load(
        actor=None, identifier="eg", name="民族", file_name="eg.xlsx", content=buffer.getvalue()
    )

    assert report.problems == []
    assert dict(CodeValue.objects.values_list("code", "valid_to")) == {
        "01": dt.date(2030, 12, 31),
        "2": None,
    }


def test_gb18030_csv_is_read():
    content = (HEADER + "1,男性,,,,\n").encode("gb18030")
    code_list_load(actor=None, identifier="gbk", name="性别", file_name="s.csv", content=content)

    assert CodeValue.objects.get(code_list__identifier="gbk").name == "男性"


def test_only_platform_administrators_load_code_lists():
    clerk = StaffRoleFactory(role=StaffRole.Role.DEPARTMENT_ADMIN).user
    admin = StaffUserFactory(is_superuser=True)

    with pytest.raises(PermissionDenied):
        _load(HEADER + "1,一,,,,\n", actor=clerk)
    assert _load(HEADER + "1,一,,,,\n", actor=admin).created == 1


def test_shipped_national_code_lists_have_the_standard_counts():
    code_lists_load_shipped(actor=None)

    counts = {c.identifier: c.values.count() for c in CodeList.objects.all()}
    assert counts == {
        "sex": 4,
        "ethnic_group": 58,
        "industry": 20 + 97,
        "legal_entity_type": 48,
        "region": 34,
        "registration_status": 4,
    }
    industry = CodeList.objects.get(identifier="industry")
    assert industry.values.filter(parent__isnull=True).count() == 20
    assert industry.values.get(code="65").parent.code == "I"
    assert industry.values.get(code="65").name == "软件和信息技术服务业"
    ethnic = CodeList.objects.get(identifier="ethnic_group")
    assert ethnic.values.filter(code__regex=r"^[0-5][0-9]$").exclude(code="00").count() == 56
    assert ethnic.values.get(code="98").name == "外国血统中国籍人士"
    legal = CodeList.objects.get(identifier="legal_entity_type")
    assert legal.values.get(code="91").name == "企业"
    assert legal.values.get(code="91").parent.name == "工商"


def test_loading_the_shipped_lists_again_changes_nothing():
    code_lists_load_shipped(actor=None)
    audited = AuditEntry.objects.filter(action="registry.code_list_loaded").count()

    reports = code_lists_load_shipped(actor=None)

    assert [(r.created, r.updated) for r in reports] == [(0, 0)] * 6
    assert AuditEntry.objects.filter(action="registry.code_list_loaded").count() == audited


def test_command_prints_problems_and_fails(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "1,,,,,\n", encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("registry_codes_load", str(path), "--list", "x", "--name", "某")

    assert "1 problem(s)" in str(raised.value)
    assert "2\tname\tThis cell is required." in capsys.readouterr().err
    assert not CodeList.objects.exists()


def test_command_loads_a_file_and_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "sex.csv"
    path.write_text(HEADER + "1,男性,Male,,,\n2,女性,Female,,,\n", encoding="utf-8")

    call_command("registry_codes_load", str(path), "--list", "s", "--name", "性别", "--dry-run")
    assert not CodeList.objects.exists()
    call_command("registry_codes_load", str(path), "--list", "s", "--name", "性别")

    out = capsys.readouterr().out
    assert "s: 2 codes would be created" in out
    assert "s: 2 codes were created" in out
    assert CodeValue.objects.count() == 2
