"""Filling the hotline benchmark's PostgreSQL database (used by benchmarks/hotline_scale.py).

Generates a year of 12345 tickets on top of the demo city (its categories, regions, hotline
departments and staff) and writes them with PostgreSQL ``COPY``:

* texts from the demo's generator (``ecity.demo.data.hotline``: each leaf category's titles and
  descriptions with a community and a road of the demo city), varied with an opening and a
  closing phrase as agents write them down, plus the demo's rising topic in the last two weeks;
* volumes by the categories' weights and seasons, weekdays busier than weekends;
* callers: a few hundred frequent callers (职业投诉人 and the like, about 4 % of the tickets,
  up to thousands of tickets each), tens of thousands of repeat callers (about a third) and
  one-off callers; names and phones encrypted exactly as the ORM does, with the keyed blind
  index of the phone, so the caller history finds them;
* tickets older than two weeks closed (one in ten answered at intake; about one in twenty
  reopened after a 不满意 callback), recent ones received, dispatched, being handled, returned
  or answered, a few old overdue stragglers; the handling department as the demo's history
  assigns it (the category's department, the sub-district office for local matters, now and
  then the parent category's department);
* events: received for every ticket, dispatched and closed where they happened; callbacks for
  most closed tickets.

Ticket numbers follow the day's sequence (``hotline:<yyyymmdd>``) and the sequences are
advanced, so intake over HTTP afterwards never repeats a number.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections import defaultdict
from typing import Any, cast

OPENINGS = ("", "", "", "市民来电反映：", "来电人称，", "市民反映，", "网友留言：", "该市民表示，")
CLOSINGS = (
    "",
    "",
    "希望有关部门尽快处理。",
    "请相关部门核实处理。",
    "已经反映过多次，至今没有解决。",
    "请尽快给予答复。",
    "要求回复处理结果。",
)
FREQUENT_CALLERS = 300
FREQUENT_SHARE = 0.04
REPEAT_CALLERS = 60_000
REPEAT_SHARE = 0.33
RECENT_DAYS = 14


def caller_pools() -> tuple[list[str], list[str]]:
    """The phones of the frequent and of the repeat callers (the same in every run, so that a
    topped-up database and the measurements know them)."""
    rng = random.Random(12345)
    frequent = [f"13{rng.randrange(10**9):09d}" for _ in range(FREQUENT_CALLERS)]
    repeat = [f"15{rng.randrange(10**9):09d}" for _ in range(REPEAT_CALLERS)]
    return frequent, repeat


def _copy(cur: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    """COPY ``rows`` (attname → value) into ``model``'s table; missing columns get the field's
    default; encrypted fields are encrypted and JSON dumped as the ORM would."""
    fields = list(model._meta.concrete_fields)
    columns = [f.column for f in fields]
    prepare = []
    for f in fields:
        if "Encrypted" in type(f).__name__:
            prepare.append(f.get_prep_value)
        elif f.get_internal_type() == "JSONField":
            prepare.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
        else:
            prepare.append(None)
    defaults = {f.attname: f.get_default() for f in fields if f.has_default() or f.null}
    table = model._meta.db_table
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for f, write in zip(fields, prepare, strict=True):
                value = row[f.attname] if f.attname in row else defaults.get(f.attname, "")
                values.append(write(value) if write else value)
            copy.write_row(values)


class HotlineFiller:
    """Generates tickets, events and callbacks and COPYs them into PostgreSQL."""

    def __init__(self, *, url: str, seed: int) -> None:
        from django.utils import timezone

        from ecity.demo.data import hotline as data
        from ecity.hotline.models import Category
        from ecity.identity.models import User
        from ecity.org.models import Department, Region

        self.url = url
        self.seed = seed
        self.data = data
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.leaves = [c for children in data.CHILDREN.values() for c in children]
        self.categories = Category.objects.select_related("parent").in_bulk(
            [c.code for c in self.leaves], field_name="code"
        )
        self.departments = {code: pk for pk, code in Department.objects.values_list("pk", "code")}
        self.communities = [
            (r.pk, r.name_zh, r.parent.code, r.parent.parent.name_zh)
            for r in Region.objects.filter(
                level=Region.Level.COMMUNITY, parent__code__in=data.ROADS
            )
            .select_related("parent__parent")
            .order_by("code")
        ]
        if not self.communities:
            raise SystemExit("the demo city has no communities: run load_demo first")
        self.offices = {
            code: pk
            for pk, code in Department.objects.filter(
                region__level=Region.Level.SUBDISTRICT
            ).values_list("pk", "region__code")
        }
        users = dict(User.objects.values_list("username", "pk"))
        self.agents = [users["agent_12345"], users["agent2_12345"]]
        self.dispatcher = users["dispatcher_12345"]
        weights = [leaf.weight for leaf in self.leaves]
        self.leaf_weights = weights
        self.frequent, self.repeat = caller_pools()
        # Zipf-like: the first frequent callers call far more often than the last.
        self.frequent_weights = [1 / (n + 1) ** 0.8 for n in range(FREQUENT_CALLERS)]
        self.phone_cache: dict[str, str] = {}
        self.sequences: dict[str, int] = {}

    # --- one ticket ---------------------------------------------------------------------

    def _phone(self) -> str:
        roll = self.rng.random()
        if roll < FREQUENT_SHARE:
            return self.rng.choices(self.frequent, weights=self.frequent_weights)[0]
        if roll < FREQUENT_SHARE + REPEAT_SHARE:
            return self.rng.choice(self.repeat)
        return f"18{self.rng.randrange(10**9):09d}"

    def _phone_index(self, phone: str) -> str:
        from ecity.hotline.numbers import phone_index

        index = self.phone_cache.get(phone)
        if index is None:
            index = phone_index(phone)
            if len(self.phone_cache) < 200_000:
                self.phone_cache[phone] = index
        return index

    def text(self, leaf: Any, *, rising: bool = False) -> tuple[str, str, tuple]:
        """(title, description, place) of a ticket of ``leaf`` at a random place of the city."""
        rng = self.rng
        community = rng.choice(self.communities)
        _pk, place, subdistrict, district = community
        road = rng.choice(self.data.ROADS[subdistrict])
        title, description = rng.choice(self.data.RISING_TEXTS if rising else leaf.texts)
        title = title.format(place=place, road=road)
        description = (
            rng.choice(OPENINGS) + description.format(place=place, road=road) + rng.choice(CLOSINGS)
        )
        address = f"{district}{road}{rng.randint(1, 288)}号"
        return title[:200], description, (community, road, address)

    def _number(self, received: dt.datetime) -> str:
        from ecity.hotline.numbers import TICKET_NUMBER_PREFIX, ticket_number_scope

        day = received.astimezone(self.tz).date()
        scope = ticket_number_scope(on=day)
        self.sequences[scope] = self.sequences.get(scope, 0) + 1
        return f"{TICKET_NUMBER_PREFIX}-{day:%Y%m%d}-{self.sequences[scope]:06d}"

    def _status(self, age_days: float) -> str:
        roll = self.rng.random()
        if age_days <= 1:
            return "received" if roll < 0.4 else ("dispatched" if roll < 0.7 else "handling")
        if age_days <= RECENT_DAYS:
            for status, share in (
                ("handling", 0.35),
                ("answered", 0.1),
                ("dispatched", 0.04),
                ("returned", 0.02),
                ("received", 0.01),
            ):
                if roll < share:
                    return status
                roll -= share
            return "closed"
        if roll < 0.004:
            return "handling"  # old stragglers, overdue
        return "closed"

    def ticket(
        self, received: dt.datetime, number: str, ids: dict[str, int], out: dict[str, list]
    ) -> None:
        rng = self.rng
        now = self.now
        age = (now - received).total_seconds() / 86400
        rising = age <= RECENT_DAYS and rng.random() < 0.05 * (1 - age / RECENT_DAYS) * 2
        leaf = self.data.CHILDREN["GGAQ"][1] if rising else None
        if leaf is None:
            leaf = rng.choices(self.leaves, weights=self._weights(received))[0]
        title, description, (community, road, address) = self.text(leaf, rising=rising)
        region_id, _place, subdistrict, _district = community
        category = self.categories[leaf.code]
        status = self._status(age)
        channel = rng.choices(["phone", "mobile", "web", "mailbox"], weights=[70, 15, 12, 3])[0]
        urgency = rng.choices(["ordinary", "urgent", "emergency"], weights=[90, 8, 2])[0]
        phone = self._phone()
        anonymous = rng.random() < 0.03
        lon, lat = self.data.CENTRES[subdistrict]
        located = rng.random() < 0.8
        ticket_id = ids["ticket"]
        ids["ticket"] += 1
        row: dict[str, Any] = {
            "id": ticket_id,
            "public_id": uuid.uuid4(),
            "created_at": received,
            "updated_at": received,
            "number": number,
            "query_code": "".join(rng.choices("23456789ABCDEFGHJKMNPQRSTUVWXYZ", k=8)),
            "kind": leaf.kind if rng.random() < 0.9 else "enquiry",
            "channel": channel,
            "urgency": urgency,
            "category_id": category.pk,
            "title": title,
            "description": description,
            "citizen_id": None,
            "anonymous": anonymous,
            "confidential": rng.random() < 0.02,
            "caller_name": ""
            if anonymous
            else rng.choice(self.data.SURNAMES) + rng.choice(("先生", "女士")),
            "caller_phone": phone,
            "caller_phone_index": self._phone_index(phone),
            "address": address,
            "region_id": region_id,
            "latitude": round(lat + rng.uniform(-0.015, 0.015), 6) if located else None,
            "longitude": round(lon + rng.uniform(-0.015, 0.015), 6) if located else None,
            "status": status,
            "received_by_id": rng.choice(self.agents) if channel == "phone" else None,
            "received_at": received,
            "public_consent": rng.random() < 0.3,
            "deadline_state": "normal",
        }
        events = out["events"]
        events.append(self._event(ids, ticket_id, "receive", received, row["received_by_id"]))
        if status == "received":
            out["tickets"].append(row)
            return
        if status == "closed" and channel == "phone" and rng.random() < 0.1:
            at = min(received + dt.timedelta(minutes=rng.randint(3, 12)), now)
            row.update(
                resolved_at_intake=True,
                answer=leaf.answer.format(place=_place, road=road),
                answered_at=at,
                closed_at=at,
                updated_at=at,
            )
            events.append(
                self._event(ids, ticket_id, "resolve_at_intake", at, row["received_by_id"])
            )
            out["tickets"].append(row)
            return
        office = self.offices.get(subdistrict)
        department = office if leaf.local and office else self.departments[leaf.department]
        if rng.random() < 0.08 and category.parent is not None and category.parent.department_id:
            department = category.parent.department_id
        dispatched = min(received + dt.timedelta(minutes=rng.randint(5, 90)), now)
        limit_days = {"ordinary": 7, "urgent": 1.4, "emergency": 0.1}[urgency]
        row.update(
            department_id=department,
            dispatched_at=dispatched,
            sign_due_at=dispatched + dt.timedelta(hours=4 if urgency == "ordinary" else 1),
            due_at=dispatched + dt.timedelta(days=limit_days),
            updated_at=dispatched,
        )
        events.append(
            self._event(ids, ticket_id, "dispatch", dispatched, self.dispatcher, department)
        )
        if status == "returned":
            row.update(department_id=None, return_count=1)
        if status in ("handling", "answered", "closed"):
            row["signed_at"] = min(dispatched + dt.timedelta(hours=rng.uniform(0.2, 3.8)), now)
            row["signed_late"] = rng.random() < 0.03
        if status in ("dispatched", "handling"):
            due = row["due_at"] if status == "handling" else row["sign_due_at"]
            if due < now:
                row["deadline_state"] = "overdue"
            elif due < now + dt.timedelta(days=2):
                row["deadline_state"] = "due_soon"
        if status in ("answered", "closed"):
            span = row["due_at"] - row["signed_at"]
            late = rng.random() < 0.08
            answered = row["signed_at"] + span * (
                rng.uniform(1.05, 1.6) if late else rng.uniform(0.1, 0.95)
            )
            row["answered_at"] = min(answered, now - dt.timedelta(minutes=30))
            row["answer"] = leaf.answer.format(place=_place, road=road)
            row["updated_at"] = row["answered_at"]
        if status == "closed":
            closed = min(row["answered_at"] + dt.timedelta(hours=rng.uniform(1, 20)), now)
            row["closed_at"] = row["updated_at"] = closed
            events.append(self._event(ids, ticket_id, "close", closed, self.dispatcher))
            if rng.random() < 0.85:
                self._callbacks(ids, row, out)
        out["tickets"].append(row)

    def _weights(self, received: dt.datetime) -> list[float]:
        month = received.astimezone(self.tz).month
        return [
            w * (2.2 if month in leaf.peak_months else 1.0)
            for w, leaf in zip(self.leaf_weights, self.leaves, strict=True)
        ]

    def _event(
        self,
        ids: dict[str, int],
        ticket_id: int,
        action: str,
        at: dt.datetime,
        actor: int | None,
        department: int | None = None,
    ) -> dict[str, Any]:
        ids["event"] += 1
        return {
            "id": ids["event"] - 1,
            "public_id": uuid.uuid4(),
            "created_at": at,
            "updated_at": at,
            "ticket_id": ticket_id,
            "action": action,
            "actor_id": actor,
            "department_id": department,
            "note": "",
            "public": True,
        }

    def _callbacks(self, ids: dict[str, int], row: dict[str, Any], out: dict[str, list]) -> None:
        rng = self.rng
        at = row["closed_at"] + dt.timedelta(hours=rng.uniform(2, 48))
        if at > self.now:
            return
        satisfaction = rng.choices(
            ["satisfied", "fairly_satisfied", "dissatisfied"], weights=[76, 19, 5]
        )[0]
        reopen = satisfaction == "dissatisfied"
        cycles = [(0, satisfaction, not reopen, at, reopen)]
        if reopen:
            row["reopen_count"] = 1
            again = at + dt.timedelta(days=rng.uniform(1, 4))
            if again < self.now:
                row["closed_at"] = row["updated_at"] = again
                cycles.append((1, "fairly_satisfied", True, again + dt.timedelta(hours=6), False))
        for cycle, mood, solved, when, led in cycles:
            if when > self.now:
                continue
            out["callbacks"].append(
                {
                    "id": ids["callback"],
                    "public_id": uuid.uuid4(),
                    "created_at": when,
                    "updated_at": when,
                    "ticket_id": row["id"],
                    "cycle": cycle,
                    "method": "phone",
                    "is_solved": solved,
                    "satisfaction": mood,
                    "comment": "问题仍未解决。" if led else "",
                    "agent_id": rng.choice(self.agents),
                    "led_to_reopen": led,
                }
            )
            ids["callback"] += 1

    # --- the fill -----------------------------------------------------------------------

    def fill(self, count: int, *, days: int = 365, chunk: int = 20_000, processes: int = 1) -> None:
        """Add ``count`` tickets received over the last ``days`` days, in chunks of ``chunk``
        tickets generated and copied by ``processes`` processes (numbered here, in order)."""
        import multiprocessing

        import psycopg
        from django.db import connections

        from ecity.core.models import Sequence

        self.sequences = dict(
            Sequence.objects.filter(scope__startswith="hotline:").values_list("scope", "last")
        )
        moments = self._moments(count, days)
        numbers = [self._number(received) for received in moments]
        with psycopg.connect(self.url) as conn:
            base = {}
            for key, model in _tables().items():
                table = model._meta.db_table
                found = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
                base[key] = int(cast(tuple, found)[0]) + 1
        jobs = [
            (
                start,
                moments[start : start + chunk],
                numbers[start : start + chunk],
                # Id ranges of their own: at most 3 events and 2 callbacks a ticket.
                {
                    "ticket": base["ticket"] + start,
                    "event": base["event"] + 3 * start,
                    "callback": base["callback"] + 2 * start,
                },
            )
            for start in range(0, count, chunk)
        ]
        global _FILLER
        _FILLER = self
        connections.close_all()  # no database socket shared with the forked processes
        done = 0
        with multiprocessing.get_context("fork").Pool(max(processes, 1)) as pool:
            for added in pool.imap_unordered(_fill_chunk, jobs):
                done += added
                print(f"  … {done:,} / {count:,} tickets", flush=True)
        with psycopg.connect(self.url) as conn:
            for model in _tables().values():
                table = model._meta.db_table
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        for scope, last in self.sequences.items():
            Sequence.objects.update_or_create(scope=scope, defaults={"last": last})

    def _moments(self, count: int, days: int) -> list[dt.datetime]:
        """``count`` intake times over the last ``days`` days: weekdays busier, 7–22 h."""
        rng = self.rng
        day_list = [self.today - dt.timedelta(days=offset) for offset in range(days)]
        weights = [0.7 if d.weekday() >= 5 else 1.0 for d in day_list]
        moments = []
        for day in rng.choices(day_list, weights=weights, k=count):
            at = dt.datetime.combine(
                day, dt.time(rng.randrange(7, 22), rng.randrange(60), rng.randrange(60))
            ).replace(tzinfo=self.tz)
            if at > self.now:
                at = self.now - dt.timedelta(minutes=rng.randrange(1, 600))
            moments.append(at)
        moments.sort()
        return moments


_FILLER: HotlineFiller | None = None


def _tables() -> dict[str, Any]:
    from ecity.hotline.models import Callback, Ticket, TicketEvent

    return {"ticket": Ticket, "event": TicketEvent, "callback": Callback}


def _fill_chunk(job: tuple[int, list[dt.datetime], list[str], dict[str, int]]) -> int:
    """Generate and COPY one chunk of tickets (in a forked process); return how many."""
    import psycopg

    start, moments, numbers, ids = job
    filler = cast(HotlineFiller, _FILLER)
    filler.rng = random.Random(f"{filler.seed}:{start}")
    out: dict[str, list] = defaultdict(list)
    for received, number in zip(moments, numbers, strict=True):
        filler.ticket(received, number, ids, out)
    tables = _tables()
    with psycopg.connect(filler.url) as conn, conn.cursor() as cur:
        _copy(cur, tables["ticket"], out["tickets"])
        _copy(cur, tables["event"], out["events"])
        _copy(cur, tables["callback"], out["callbacks"])
    return len(moments)


def vacuum_analyze(url: str) -> float:
    import time

    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("hotline_ticket", "hotline_ticketevent", "hotline_callback"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


def database_facts(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url) as conn:

        def one(sql: str) -> Any:
            return cast(tuple, conn.execute(sql).fetchone())[0]

        return {
            "tickets": one("SELECT count(*) FROM hotline_ticket"),
            "open": one(
                "SELECT count(*) FROM hotline_ticket WHERE status IN "
                "('received','dispatched','handling','returned','answered')"
            ),
            "closed": one("SELECT count(*) FROM hotline_ticket WHERE status = 'closed'"),
            "events": one("SELECT count(*) FROM hotline_ticketevent"),
            "callbacks": one("SELECT count(*) FROM hotline_callback"),
            "callers": one("SELECT count(DISTINCT caller_phone_index) FROM hotline_ticket"),
            "top_caller": one(
                "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM hotline_ticket "
                "GROUP BY caller_phone_index) s"
            ),
            "size": one("SELECT pg_size_pretty(pg_database_size(current_database()))"),
            "postgres": one("SHOW server_version"),
            "shared_buffers": one("SHOW shared_buffers"),
        }
