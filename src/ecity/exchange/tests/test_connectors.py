"""Data connectors: incremental, all-or-nothing loads into the persons registry from files,
feeds and SQL databases, with the source position of every bad row."""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.exchange.connectors.claims import connector_claim_take
from ecity.exchange.models import Connector, ConnectorRun
from ecity.exchange.services.connectors import (
    ConnectorValues,
    connector_run,
    connector_save,
    connectors_run_due,
)
from ecity.exchange.tests.legacy_servers import json_server
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, id_number_for
from ecity.registry.models import Person, RecordAttribute
from ecity.registry.services.metadata import data_elements_load_shipped

pytestmark = pytest.mark.django_db

MAPPING = {"sfzh": "公民身份号码", "xm": "姓名", "csrq": "出生日期", "zz": "住址"}
HEADER = ["id", "sfzh", "xm", "csrq", "zz"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police(db):
    department = DepartmentFactory(code="GAJ", name_zh="示范市公安局", name_en="Public Security")
    data_elements_load_shipped(actor=None)
    return department


def _rows(first: int, count: int) -> list[list[str]]:
    return [
        [str(n), id_number_for(n), f"张{n}", "1990-05-17", f"示范市长安路{n}号"]
        for n in range(first, first + count)
    ]


def _bad_id(rows: list[list[str]], index: int) -> None:
    number = rows[index][1]
    rows[index][1] = number[:-1] + ("0" if number[-1] != "0" else "1")


def _connector(police, **values) -> Connector:
    settings = {
        "name": "hukou",
        "department": police,
        "source_kind": "csv",
        "registry": "persons",
        "field_mapping": MAPPING,
        "incremental_column": "id",
        "key_column": "id",
        **values,
    }
    return connector_save(actor=None, connector=None, values=ConnectorValues(**settings))


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows([HEADER, *rows])
    return path


def _names() -> list[str]:
    return sorted(Person.objects.values_list("name", flat=True))


# --- files --------------------------------------------------------------------------------


def test_a_csv_file_loads_authoritative_persons_and_the_second_run_only_new_rows(police, tmp_path):
    # given the police's CSV export of 3 persons
    path = _write_csv(tmp_path / "hukou.csv", _rows(1, 3))
    connector = _connector(police, connection=str(path))

    # when the connector runs
    run = connector_run(connector=connector, actor=None)

    # then the persons are in the registry, authoritative, and the watermark is the last id
    assert (run.status, run.rows_read, run.rows_loaded, run.created_count) == (
        "succeeded",
        3,
        3,
        3,
    )
    assert (run.watermark_before, run.watermark_after) == ("", "3")
    assert _names() == ["张1", "张2", "张3"]
    person = Person.objects.get(name="张2")
    assert str(person.birth_on) == "1990-05-17"
    provenance = RecordAttribute.objects.get(person=person, attribute="name")
    assert provenance.is_authoritative and provenance.department == police
    assert provenance.source_reference == f"connector:hukou:{run.public_id}"
    assert AuditEntry.objects.filter(action="exchange.connector_loaded").count() == 1

    # when two rows are appended and it runs again
    _write_csv(path, _rows(1, 5))
    second = connector_run(connector=connector, actor=None)

    # then only the new rows were read
    assert (second.rows_read, second.rows_loaded, second.created_count) == (2, 2, 2)
    assert (second.watermark_before, second.watermark_after) == ("3", "5")
    assert Person.objects.count() == 5


def test_a_gb18030_csv_file_is_read(police, tmp_path):
    path = _write_csv(tmp_path / "gbk.csv", _rows(1, 2), encoding="gb18030")
    connector = _connector(police, connection=str(path))

    run = connector_run(connector=connector, actor=None)

    assert run.status == "succeeded"
    assert Person.objects.get(name="张2").address == "示范市长安路2号"


def test_a_bad_row_rejects_the_whole_batch_names_its_file_row_and_keeps_the_watermark(
    police, tmp_path
):
    # given a loaded first row, then three new rows of which the second has a bad check digit
    path = _write_csv(tmp_path / "hukou.csv", _rows(1, 1))
    connector = _connector(police, connection=str(path))
    connector_run(connector=connector, actor=None)
    rows = _rows(1, 4)
    _bad_id(rows, 2)
    _write_csv(path, rows)

    # when the connector runs
    run = connector_run(connector=connector, actor=None)

    # then nothing of the batch is loaded, the report names file row 4 and the column
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == (
        "rejected",
        3,
        0,
        3,
    )
    assert [(p["position"], p["column"]) for p in run.report["problems"]] == [
        ("hukou.csv row 4", "sfzh")
    ]
    assert "check" in run.report["problems"][0]["message"].lower()
    assert _names() == ["张1"]
    connector.refresh_from_db()
    assert connector.last_watermark == "1"
    assert run.watermark_after == "1"


def test_an_excel_workbook_with_a_bad_date_is_rejected_with_its_row(police, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    rows = _rows(1, 3)
    rows[1][3] = "1990-13-45"
    for row in rows:
        sheet.append(row)
    path = tmp_path / "hukou.xlsx"
    workbook.save(path)
    connector = _connector(police, source_kind="excel", connection=str(path))

    run = connector_run(connector=connector, actor=None)

    assert run.status == "rejected"
    assert [(p["position"], p["column"]) for p in run.report["problems"]] == [
        ("hukou.xlsx row 3", "csrq")
    ]
    assert Person.objects.count() == 0

    rows[1][3] = "1991-01-02"
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    assert connector_run(connector=connector, actor=None).status == "succeeded"
    assert str(Person.objects.get(name="张2").birth_on) == "1991-01-02"


XML = """<?xml version="1.0" encoding="UTF-8"?>
<huji>
{people}
</huji>
"""


def _xml(rows: list[list[str]]) -> str:
    people = "\n".join(
        f'<person seq="{r[0]}"><sfzh>{r[1]}</sfzh><xm>{r[2]}</xm><csrq>{r[3]}</csrq>'
        f"<zz>{r[4]}</zz></person>"
        for r in rows
    )
    return XML.format(people=people)


def test_an_xml_document_loads_and_a_bad_record_is_named_by_its_xml_path(police, tmp_path):
    rows = _rows(1, 3)
    _bad_id(rows, 1)
    path = tmp_path / "huji.xml"
    path.write_text(_xml(rows), encoding="utf-8")
    connector = _connector(
        police,
        source_kind="xml",
        connection=str(path),
        record_path="/huji/person",
        field_mapping=MAPPING,
        incremental_column="@seq",
        key_column="",
    )

    run = connector_run(connector=connector, actor=None)

    assert run.status == "rejected"
    assert [(p["position"], p["column"]) for p in run.report["problems"]] == [
        ("/huji/person[2]", "sfzh")
    ]
    assert Person.objects.count() == 0
    connector.refresh_from_db()
    assert connector.last_watermark == ""

    path.write_text(_xml(_rows(1, 3)), encoding="utf-8")
    run = connector_run(connector=connector, actor=None)
    assert (run.status, run.rows_loaded, run.watermark_after) == ("succeeded", 3, "3")


def test_a_json_feed_served_over_http_is_loaded_incrementally(police):
    def feed(rows):
        return {
            "data": {
                "items": [
                    {"id": int(r[0]), "person": {"sfzh": r[1], "xm": r[2]}, "csrq": r[3]}
                    for r in rows
                ]
            }
        }

    routes: dict[str, tuple[int, object]] = {"/feed": (200, feed(_rows(1, 2)))}
    with json_server(routes) as base:
        connector = _connector(
            police,
            source_kind="json_feed",
            connection=f"{base}/feed",
            record_path="data.items",
            field_mapping={"person.sfzh": "公民身份号码", "person.xm": "姓名", "csrq": "出生日期"},
        )
        first = connector_run(connector=connector, actor=None)
        routes["/feed"] = (200, feed(_rows(1, 4)))
        second = connector_run(connector=connector, actor=None)

    assert (first.status, first.rows_loaded, first.watermark_after) == ("succeeded", 2, "2")
    assert (second.status, second.rows_read, second.watermark_after) == ("succeeded", 2, "4")
    assert _names() == ["张1", "张2", "张3", "张4"]


def test_a_feed_that_is_down_fails_the_run_and_keeps_the_watermark(police):
    with json_server({}) as base:
        connector = _connector(
            police,
            source_kind="json_feed",
            connection=f"{base}/missing",
            record_path="data",
            field_mapping=MAPPING,
        )
        run = connector_run(connector=connector, actor=None)

    assert run.status == "failed"
    assert "HTTP 404" in run.report["error"]
    connector.refresh_from_db()
    assert connector.last_watermark == ""


def test_a_dry_run_reports_the_problems_and_writes_nothing(police, tmp_path):
    rows = _rows(1, 3)
    _bad_id(rows, 0)
    path = _write_csv(tmp_path / "hukou.csv", rows)
    connector = _connector(police, connection=str(path))

    run = connector_run(connector=connector, actor=None, dry_run=True)

    assert (run.status, run.is_dry_run, run.rows_rejected) == ("rejected", True, 1)
    assert run.report["problems"][0]["position"] == "hukou.csv row 2"
    assert Person.objects.count() == 0
    connector.refresh_from_db()
    assert connector.last_watermark == ""


# --- rules around a run --------------------------------------------------------------------


def test_a_connector_another_process_runs_is_refused(police, tmp_path):
    path = _write_csv(tmp_path / "hukou.csv", _rows(1, 1))
    connector = _connector(police, connection=str(path))
    assert connector_claim_take(connector=connector, worker="other-host:1:abc")

    with pytest.raises(Conflict) as caught:
        connector_run(connector=connector, actor=None)

    assert caught.value.code == "exchange_connector_busy"
    assert Person.objects.count() == 0


def test_the_periodic_job_runs_due_connectors_once_and_schedules_the_next_run(police, tmp_path):
    path = _write_csv(tmp_path / "hukou.csv", _rows(1, 2))
    due = _connector(police, connection=str(path), every_minutes=15)
    _connector(police, name="by-hand", connection=str(path), every_minutes=0)
    now = timezone.now()

    outcome = connectors_run_due(now=now)
    again = connectors_run_due(now=now + dt.timedelta(minutes=1))

    assert outcome == {"hukou": "succeeded"}
    assert again == {}
    due.refresh_from_db()
    assert due.next_run_at == now + dt.timedelta(minutes=15)
    assert due.claimed_by == ""
    assert ConnectorRun.objects.filter(connector__name="by-hand").count() == 0


def test_the_command_runs_a_connector_and_exits_1_on_a_rejected_batch(police, tmp_path):
    rows = _rows(1, 2)
    _bad_id(rows, 1)
    path = _write_csv(tmp_path / "hukou.csv", rows)
    _connector(police, connection=str(path))
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("exchange_connector_run", "hukou", stdout=out)

    assert "hukou.csv row 3\tsfzh\t" in out.getvalue()
    assert Person.objects.count() == 0


def test_settings_are_checked_field_by_field(police):
    with pytest.raises(ValidationFailed) as caught:
        connector_save(
            actor=None,
            connector=None,
            values=ConnectorValues(
                name="x",
                department=police,
                source_kind="mariadb",
                registry="persons",
                connection="postgresql://wrong",
                query="DELETE FROM t",
                field_mapping={"sfzh": "公民身份号码", "foo": "no such element"},
                batch_size=0,
            ),
        )

    assert set(caught.value.fields) == {
        "connection",
        "query",
        "field_mapping.foo",
        "batch_size",
    }


def test_staff_of_another_department_cannot_configure_or_run_the_connector(police, tmp_path):
    path = _write_csv(tmp_path / "hukou.csv", _rows(1, 1))
    connector = _connector(police, connection=str(path))
    market = DepartmentFactory(code="SCJ")
    outsider = StaffRoleFactory(department=market, role="department_admin").user

    with pytest.raises(PermissionDenied):
        connector_run(connector=connector, actor=outsider)
    assert Person.objects.count() == 0

    insider = StaffRoleFactory(department=police, role="department_admin").user
    run = connector_run(connector=connector, actor=insider)
    assert run.status == "succeeded"
    assert run.started_by == insider


def test_batches_before_a_bad_one_stay_loaded_and_the_watermark_stops_after_them(police, tmp_path):
    # given 5 new rows loaded 2 per batch, the 4th row bad
    rows = _rows(1, 5)
    _bad_id(rows, 3)
    path = _write_csv(tmp_path / "hukou.csv", rows)
    connector = _connector(police, connection=str(path), batch_size=2)

    run = connector_run(connector=connector, actor=None)

    # then the first batch (ids 1-2) committed with its watermark; the second wrote nothing
    assert (run.status, run.rows_loaded, run.rows_rejected, run.watermark_after) == (
        "rejected",
        2,
        3,
        "2",
    )
    assert run.report["problems"][0]["position"] == "hukou.csv row 5"
    assert _names() == ["张1", "张2"]
    connector.refresh_from_db()
    assert connector.last_watermark == "2"


def test_a_run_whose_connector_another_process_took_over_writes_nothing_and_says_so(
    police, tmp_path, monkeypatch
):
    # given a run that, once its rows are read, loses its claim to another process
    from ecity.exchange.connectors import sources

    path = _write_csv(tmp_path / "hukou.csv", _rows(1, 2))
    connector = _connector(police, connection=str(path))
    read = sources.source_rows

    def read_then_taken_over(connector, *, after):
        rows = read(connector, after=after)
        taken = connector_claim_take(
            connector=Connector.objects.get(pk=connector.pk),
            worker="other-host:2:takeover",
            stale_after=dt.timedelta(0),
        )
        assert taken
        return rows

    monkeypatch.setattr("ecity.exchange.services.connectors.source_rows", read_then_taken_over)

    # when it runs
    with pytest.raises(Conflict) as caught:
        connector_run(connector=connector, actor=None)

    # then it wrote nothing, its run is failed with the reason, the other process holds it
    assert caught.value.code == "exchange_connector_busy"
    run = ConnectorRun.objects.get(connector=connector)
    assert run.status == "failed"
    assert run.report["error"] == "Another process took this connector over; this one stops."
    connector.refresh_from_db()
    assert (connector.claimed_by, connector.last_watermark) == ("other-host:2:takeover", "")
    assert Person.objects.count() == 0


def test_changing_the_source_starts_the_watermark_again_and_a_schedule_change_keeps_it(
    police, tmp_path
):
    path = _write_csv(tmp_path / "hukou.csv", _rows(1, 2))
    connector = _connector(police, connection=str(path))
    connector_run(connector=connector, actor=None)
    base = {
        "name": "hukou",
        "department": police,
        "source_kind": "csv",
        "registry": "persons",
        "field_mapping": MAPPING,
        "incremental_column": "id",
        "key_column": "id",
    }

    rescheduled = connector_save(
        actor=None,
        connector=connector,
        values=ConnectorValues(**base, connection=str(path), every_minutes=60),
    )
    assert (rescheduled.every_minutes, rescheduled.last_watermark) == (60, "2")

    other = _write_csv(tmp_path / "hukou-2027.csv", _rows(1, 3))
    moved = connector_save(
        actor=None, connector=connector, values=ConnectorValues(**base, connection=str(other))
    )
    assert moved.last_watermark == ""
    assert connector_run(connector=moved, actor=None).rows_read == 3
