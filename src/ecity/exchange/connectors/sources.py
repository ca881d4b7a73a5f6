"""Reading a connector's source as rows of text, each with its source position.

``source_rows(connector, after=watermark)`` returns the rows to load, oldest watermark first:

- **postgresql / mariadb**: the connector's ``query`` (one ``SELECT``/``WITH`` statement) or
  ``table``, read in a read-only transaction; with an incremental column the database filters
  ``column > watermark`` and orders by it. Position: ``table[key=value]`` (``key_column``) or
  ``table row N``.
- **csv / excel**: the uploaded file or the file path (CSV in UTF-8 or GB 18030, read by the
  registry's table reader). Position: ``file row N`` (the header is row 1).
- **xml**: the file, upload or URL; ``record_path`` is an XPath selecting the records; a
  column names a child element (``name``, ``addr/line``) or an attribute (``@id``).
  Position: the record's XML path (``/households/person[3]``).
- **json_feed**: the URL, file or upload; ``record_path`` is the dotted path of the list of
  records (empty: the document is the list); a column is a dotted path in a record.
  Position: ``$.data.items[2]``.

Values become text (dates ISO, ``None`` empty). At most ``MAX_ROWS`` rows are read per run
(the incremental watermark picks up the rest next time). Errors: ``ConnectorSourceFailed``
with a message saying what could not be read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import httpx
from django.utils.translation import gettext as _
from lxml import etree

from ecity.exchange.errors import ConnectorSourceFailed
from ecity.exchange.models import Connector, SourceKind
from ecity.registry.tables import TableError, table_file_inspect, table_file_rows

#: Most rows read by one run.
MAX_ROWS = 50_000
#: Largest document fetched from a feed or read from an XML/JSON file.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
FEED_TIMEOUT = 30.0
SQL_CONNECT_TIMEOUT = 10
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63})?$")
SELECT = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SourceRow:
    """One source row: where it is, its values by source column, its watermark value."""

    position: str
    values: dict[str, str]
    watermark: str = ""


def text_of(value: object) -> str:
    """A source value as the text the registry's rules parse."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def watermark_key(text: str) -> tuple[int, Decimal | str]:
    """Order watermarks: numbers numerically, everything else (ISO times) as text."""
    try:
        return (0, Decimal(text))
    except (InvalidOperation, ValueError):
        return (1, text)


def _columns(connector: Connector) -> list[str]:
    columns = list(connector.field_mapping)
    for extra in (connector.incremental_column, connector.key_column):
        if extra and extra not in columns:
            columns.append(extra)
    return columns


def source_rows(connector: Connector, *, after: str) -> list[SourceRow]:
    """The rows of ``connector``'s source after watermark ``after`` ("" all), oldest first."""
    readers = {
        SourceKind.POSTGRESQL: _postgresql_rows,
        SourceKind.MARIADB: _mariadb_rows,
        SourceKind.CSV: _table_rows,
        SourceKind.EXCEL: _table_rows,
        SourceKind.XML: _xml_rows,
        SourceKind.JSON_FEED: _json_rows,
    }
    rows = readers[SourceKind(connector.source_kind)](connector, after)
    if connector.incremental_column and connector.source_kind not in (
        SourceKind.POSTGRESQL,
        SourceKind.MARIADB,
    ):
        floor = watermark_key(after) if after else None
        rows = [r for r in rows if floor is None or watermark_key(r.watermark) > floor]
        rows.sort(key=lambda r: watermark_key(r.watermark))
    return rows[:MAX_ROWS]


def _row(connector: Connector, position: str, values: dict[str, str]) -> SourceRow:
    return SourceRow(
        position=position,
        values=values,
        watermark=values.get(connector.incremental_column, "")
        if connector.incremental_column
        else "",
    )


# --- SQL databases -------------------------------------------------------------------------


def _sql(connector: Connector, quote: str, after: str) -> tuple[str, list[object], str]:
    """The statement, its parameters and the name of what it reads (for positions)."""
    if connector.table:
        if not IDENTIFIER.match(connector.table):
            raise ConnectorSourceFailed(_("The table name is not a plain identifier."))
        name = connector.table
        source = ".".join(f"{quote}{part}{quote}" for part in name.split("."))
    else:
        if not SELECT.match(connector.query) or ";" in connector.query.strip().rstrip(";"):
            raise ConnectorSourceFailed(_("The query must be one SELECT statement."))
        name = "query"
        # Parameters are always bound, so a literal % of the query (LIKE '李%') is doubled.
        text = connector.query.strip().rstrip(";").replace("%", "%%")
        source = f"({text}) AS ecity_source"
    statement = f"SELECT * FROM {source}"  # noqa: S608 - identifiers checked, values bound
    parameters: list[object] = []
    column = connector.incremental_column
    if column:
        if not IDENTIFIER.match(column) or "." in column:
            raise ConnectorSourceFailed(_("The incremental column is not a plain identifier."))
        quoted = f"{quote}{column}{quote}"
        if after:
            statement += f" WHERE {quoted} > %s"
            parameters.append(int(after) if after.lstrip("-").isdigit() else after)
        statement += f" ORDER BY {quoted}"
    statement += f" LIMIT {MAX_ROWS}"
    return statement, parameters, name


def _sql_rows(
    connector: Connector, name: str, names: list[str], records: Iterable[tuple[Any, ...]]
) -> list[SourceRow]:
    rows = []
    wanted = _columns(connector)
    missing = [c for c in wanted if c not in names]
    if missing:
        raise ConnectorSourceFailed(
            _("The source has no column %(names)s.") % {"names": ", ".join(missing)}
        )
    for number, record in enumerate(records, start=1):
        values = {column: text_of(value) for column, value in zip(names, record, strict=True)}
        values = {c: values[c] for c in wanted}
        if connector.key_column:
            position = f"{name}[{connector.key_column}={values[connector.key_column]}]"
        else:
            position = f"{name} row {number}"
        rows.append(_row(connector, position, values))
    return rows


def _postgresql_rows(connector: Connector, after: str) -> list[SourceRow]:
    import psycopg

    statement, parameters, name = _sql(connector, '"', after)
    try:
        with psycopg.connect(
            connector.connection, connect_timeout=SQL_CONNECT_TIMEOUT, autocommit=False
        ) as connection:
            connection.read_only = True
            with connection.cursor() as cursor:
                cursor.execute(statement, parameters)
                names = [d.name for d in cursor.description or []]
                return _sql_rows(connector, name, names, cursor.fetchall())
    except psycopg.Error as exc:
        raise ConnectorSourceFailed(
            _("The PostgreSQL source cannot be read: %(error)s") % {"error": str(exc).strip()[:300]}
        ) from exc


def _mariadb_dsn(dsn: str) -> dict[str, Any]:
    parts = urlparse(dsn)
    if parts.scheme not in ("mysql", "mariadb") or not parts.hostname:
        raise ConnectorSourceFailed(_("A MariaDB DSN looks like mysql://user:password@host/db."))
    return {
        "host": parts.hostname,
        "port": parts.port or 3306,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": parts.path.lstrip("/") or None,
        "charset": "utf8mb4",
        "connect_timeout": SQL_CONNECT_TIMEOUT,
    }


def _mariadb_rows(connector: Connector, after: str) -> list[SourceRow]:
    import pymysql  # type: ignore[import-untyped]

    statement, parameters, name = _sql(connector, "`", after)
    try:
        connection = pymysql.connect(**_mariadb_dsn(connector.connection))
    except pymysql.MySQLError as exc:
        raise ConnectorSourceFailed(
            _("The MariaDB source cannot be reached: %(error)s") % {"error": str(exc)[:300]}
        ) from exc
    try:
        with connection.cursor() as cursor:
            cursor.execute("START TRANSACTION READ ONLY")
            cursor.execute(statement, parameters)
            names = [d[0] for d in cursor.description or []]
            rows = _sql_rows(connector, name, names, cursor.fetchall())
            cursor.execute("ROLLBACK")
            return rows
    except pymysql.MySQLError as exc:
        raise ConnectorSourceFailed(
            _("The MariaDB source cannot be read: %(error)s") % {"error": str(exc)[:300]}
        ) from exc
    finally:
        connection.close()


# --- files and feeds -----------------------------------------------------------------------


def _local_path(connector: Connector) -> Path:
    if connector.upload:
        return Path(connector.upload.path)
    path = Path(connector.connection)
    if not connector.connection or not path.is_file():
        raise ConnectorSourceFailed(
            _("The file %(path)s does not exist.") % {"path": connector.connection or "—"}
        )
    return path


def _document(connector: Connector) -> tuple[bytes, str]:
    """The bytes of an XML or JSON source and its name (file name or URL)."""
    location = connector.connection
    if not connector.upload and location.startswith(("http://", "https://")):
        try:
            response = httpx.get(location, timeout=FEED_TIMEOUT, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise ConnectorSourceFailed(
                _("The feed %(url)s cannot be reached.") % {"url": location}
            ) from exc
        if response.status_code != 200:
            raise ConnectorSourceFailed(
                _("The feed %(url)s answered HTTP %(status)d.")
                % {"url": location, "status": response.status_code}
            )
        if len(response.content) > MAX_DOCUMENT_BYTES:
            raise ConnectorSourceFailed(_("The feed is larger than allowed."))
        return response.content, location
    path = _local_path(connector)
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise ConnectorSourceFailed(_("The file is larger than allowed."))
    return path.read_bytes(), path.name


def _table_rows(connector: Connector, after: str) -> list[SourceRow]:
    path = _local_path(connector)
    try:
        info = table_file_inspect(path)
        header: list[str] = []
        rows = []
        for number, cells in table_file_rows(info):
            if number == 1:
                header = cells
                missing = [c for c in _columns(connector) if c not in header]
                if missing:
                    raise ConnectorSourceFailed(
                        _("The file has no column %(names)s.") % {"names": ", ".join(missing)}
                    )
                continue
            if not any(cells):
                continue
            values = {
                column: (cells[i] if i < len(cells) else "") for i, column in enumerate(header)
            }
            values = {c: values[c] for c in _columns(connector)}
            rows.append(_row(connector, f"{path.name} row {number}", values))
    except TableError as exc:
        raise ConnectorSourceFailed(str(exc)) from exc
    return rows


def _xml_rows(connector: Connector, after: str) -> list[SourceRow]:
    content, name = _document(connector)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
        records = root.xpath(connector.record_path or "/*/*")
    except (etree.XMLSyntaxError, etree.XPathError) as exc:
        raise ConnectorSourceFailed(
            _("%(name)s cannot be read as XML: %(error)s") % {"name": name, "error": exc}
        ) from exc
    tree = root.getroottree()
    rows = []
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, etree._Element):
            continue
        values = {}
        for column in _columns(connector):
            if column.startswith("@"):
                values[column] = (record.get(column[1:]) or "").strip()
            else:
                values[column] = (record.findtext(column) or "").strip()
        rows.append(_row(connector, tree.getpath(record), values))
    return rows


def _dig(data: object, path: str) -> object:
    for part in path.split(".") if path else []:
        if isinstance(data, Mapping):
            data = data.get(part)
        else:
            return None
    return data


def _json_rows(connector: Connector, after: str) -> list[SourceRow]:
    content, name = _document(connector)
    try:
        document = json.loads(content)
    except ValueError as exc:
        raise ConnectorSourceFailed(
            _("%(name)s cannot be read as JSON: %(error)s") % {"name": name, "error": exc}
        ) from exc
    records = _dig(document, connector.record_path)
    if not isinstance(records, list):
        raise ConnectorSourceFailed(
            _("%(path)s in %(name)s is not a list of records.")
            % {"path": connector.record_path or "$", "name": name}
        )
    prefix = f"$.{connector.record_path}" if connector.record_path else "$"
    rows = []
    for index, record in enumerate(records):
        values = {column: text_of(_dig(record, column)) for column in _columns(connector)}
        rows.append(_row(connector, f"{prefix}[{index}]", values))
    return rows
