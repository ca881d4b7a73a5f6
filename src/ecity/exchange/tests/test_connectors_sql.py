"""Data connectors reading real SQL databases: MariaDB (127.0.0.1:3306) and PostgreSQL
(127.0.0.1:5432), each in a database created and dropped by the test.

Skipped when the server is unreachable on a developer machine; with ``CI=true`` a missing
server fails (``ecity.testing.services``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from django.utils import translation

from ecity.exchange.models import Connector
from ecity.exchange.services.connectors import ConnectorValues, connector_run, connector_save
from ecity.identity.tests.factories import DepartmentFactory, id_number_for
from ecity.registry.models import Person
from ecity.registry.services.metadata import data_elements_load_shipped
from ecity.testing.services import port_open, service_required

pytestmark = pytest.mark.django_db

MAPPING = {"sfzh": "公民身份号码", "xm": "姓名", "csrq": "出生日期", "zz": "住址"}
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police(db):
    department = DepartmentFactory(code="GAJ", name_zh="示范市公安局", name_en="Public Security")
    data_elements_load_shipped(actor=None)
    return department


def _person(n: int, *, bad: bool = False) -> tuple:
    number = id_number_for(n)
    if bad:
        number = number[:-1] + ("0" if number[-1] != "0" else "1")
    return (n, number, f"李{n}", "1990-05-17", f"示范市江汉路{n}号")


def _connector(police, **values) -> Connector:
    return connector_save(
        actor=None,
        connector=None,
        values=ConnectorValues(
            **{
                "name": "hukou-sql",
                "department": police,
                "registry": "persons",
                "field_mapping": MAPPING,
                "key_column": "id",
                **values,
            }
        ),
    )


# --- MariaDB ----------------------------------------------------------------------------


@pytest.fixture
def mariadb() -> Iterator[tuple[str, object]]:
    """A fresh MariaDB database ``ecity_h4_src_…``: (DSN, open connection)."""
    service_required("MariaDB at 127.0.0.1:3306", lambda: port_open("127.0.0.1", 3306))
    import pymysql

    name = f"ecity_h4_src_{uuid.uuid4().hex[:10]}"
    admin = pymysql.connect(host="127.0.0.1", user="root", autocommit=True, charset="utf8mb4")
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        cursor.execute(
            f"CREATE TABLE `{name}`.hukou (id INT PRIMARY KEY, sfzh VARCHAR(18), "
            "xm VARCHAR(50), csrq DATE, zz VARCHAR(200))"
        )
    try:
        yield f"mysql://root@127.0.0.1:3306/{name}", admin
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE `{name}`")
        admin.close()


def _mariadb_insert(mariadb, rows: list[tuple]) -> None:
    dsn, admin = mariadb
    name = dsn.rsplit("/", 1)[1]
    with admin.cursor() as cursor:
        cursor.executemany(f"INSERT INTO `{name}`.hukou VALUES (%s, %s, %s, %s, %s)", rows)  # noqa: S608 - test-made name


def test_a_mariadb_table_loads_incrementally_by_its_id(police, mariadb):
    # given a legacy household table with 3 rows
    _mariadb_insert(mariadb, [_person(n) for n in (1, 2, 3)])
    connector = _connector(
        police, source_kind="mariadb", connection=mariadb[0], table="hukou", incremental_column="id"
    )

    # when the connector runs, then again after 2 new rows
    first = connector_run(connector=connector, actor=None)
    _mariadb_insert(mariadb, [_person(n) for n in (4, 5)])
    second = connector_run(connector=connector, actor=None)

    # then the first run loads 3, the second only the 2 new ones
    assert (first.status, first.rows_loaded, first.watermark_after) == ("succeeded", 3, "3")
    assert (second.rows_read, second.rows_loaded, second.watermark_before) == (2, 2, "3")
    assert second.watermark_after == "5"
    assert Person.objects.count() == 5
    assert str(Person.objects.get(name="李4").birth_on) == "1990-05-17"


def test_a_bad_mariadb_row_rejects_the_batch_with_its_row_key(police, mariadb):
    _mariadb_insert(mariadb, [_person(1), _person(2, bad=True), _person(3)])
    connector = _connector(
        police, source_kind="mariadb", connection=mariadb[0], table="hukou", incremental_column="id"
    )

    run = connector_run(connector=connector, actor=None)

    assert run.status == "rejected"
    assert [(p["position"], p["column"]) for p in run.report["problems"]] == [
        ("hukou[id=2]", "sfzh")
    ]
    assert Person.objects.count() == 0
    connector.refresh_from_db()
    assert connector.last_watermark == ""


def test_a_mariadb_source_that_refuses_the_login_fails_the_run(police, mariadb):
    connector = _connector(
        police,
        source_kind="mariadb",
        connection=mariadb[0].replace("root@", "nobody:wrong@"),
        table="hukou",
    )

    run = connector_run(connector=connector, actor=None)

    assert run.status == "failed"
    assert "MariaDB" in run.report["error"]


# --- PostgreSQL as a source ------------------------------------------------------------------


@pytest.fixture
def pg_source() -> Iterator[str]:
    """A fresh PostgreSQL database ``test_ecity_h4_src_…`` with a table; its DSN."""
    service_required("PostgreSQL at 127.0.0.1:5432", lambda: port_open("127.0.0.1", 5432))
    import psycopg

    name = f"test_ecity_h4_src_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE renkou (id integer PRIMARY KEY, sfzh text, xm text, csrq date, "
            "zz text, changed_at timestamptz NOT NULL)"
        )
    try:
        yield dsn
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _pg_insert(dsn: str, rows: list[tuple], at: dt.datetime) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO renkou VALUES (%s, %s, %s, %s, %s, %s)", [(*r, at) for r in rows]
        )


def test_a_postgresql_query_loads_incrementally_by_a_change_time(police, pg_source):
    # given rows changed at 09:00, read through a query
    morning = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    _pg_insert(pg_source, [_person(n) for n in (1, 2)], morning)
    connector = _connector(
        police,
        source_kind="postgresql",
        connection=pg_source,
        query="SELECT id, sfzh, xm, csrq, zz, changed_at FROM renkou WHERE xm LIKE '李%'",
        incremental_column="changed_at",
    )

    first = connector_run(connector=connector, actor=None)
    # rows changed at 10:00 and one bad row changed at 11:00
    _pg_insert(pg_source, [_person(3)], morning + dt.timedelta(hours=1))
    second = connector_run(connector=connector, actor=None)
    _pg_insert(pg_source, [_person(4, bad=True)], morning + dt.timedelta(hours=2))
    third = connector_run(connector=connector, actor=None)

    assert (first.status, first.rows_loaded) == ("succeeded", 2)
    assert first.watermark_after == "2026-03-02T09:00:00+00:00"
    assert (second.status, second.rows_read, second.rows_loaded) == ("succeeded", 1, 1)
    assert second.watermark_after == "2026-03-02T10:00:00+00:00"
    assert third.status == "rejected"
    assert [(p["position"], p["column"]) for p in third.report["problems"]] == [
        ("query[id=4]", "sfzh")
    ]
    assert third.watermark_after == "2026-03-02T10:00:00+00:00"
    assert sorted(Person.objects.values_list("name", flat=True)) == ["李1", "李2", "李3"]
