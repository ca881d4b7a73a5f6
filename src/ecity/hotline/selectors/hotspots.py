"""Trends and hotspots of the hotline (热点分析) for the hotline centre and its leaders.

Who may read them (``can_view_statistics``): the hotline centre's dispatchers, supervisors and
department administrators of the hotline centre (its leaders), supervisors of the supervision
office (``ECITY_SUPERVISION_DEPARTMENT_CODE``) and platform administrators.

Every count is a grouped query in the database; Python loops only over the groups (categories,
regions, words), never over the tickets, except ``rising_topics``, which must segment the texts
(at most ``TOPIC_TEXT_LIMIT`` tickets a window, an evenly spread sample). Merged tickets
count: each is a call about the matter.

- ``tickets_over_time``: tickets received per day or per week (Monday) of a period, zeros filled.
- ``tickets_by_category`` / ``tickets_by_region``: counts of a period; regions roll up to the
  map level (sub-districts, or districts where the city has no sub-districts).
- ``rising_topics``: words (``core.chinese.segment``, stop words and one-character words
  removed) whose share of tickets (tickets mentioning the word / tickets) in the last ``days``
  rose most against the ``baseline_days`` before them.
- ``repeated_places`` (``selectors.hotspot_places``): the same address, or tickets within
  ``NEAR_METRES`` of one another, at least ``REPEAT_MIN`` times in ``REPEAT_DAYS`` days.
- ``recurring_problems`` (每月一题 candidates): category × area with tickets in each of the last
  three calendar months and a reopen rate or dissatisfaction rate of at least ``RATE_MIN``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Q,
    QuerySet,
    When,
)
from django.db.models.expressions import Combinable, Expression
from django.db.models.functions import ASin, Cast, Cos, Mod, Power, Radians, Sin, Sqrt, Trunc
from django.utils import timezone

from ecity.core.accounts import Account
from ecity.core.chinese import segment
from ecity.hotline.models import Callback, Category, Ticket, TicketKind
from ecity.org.models import Department, Region, StaffRole
from ecity.org.selectors import is_platform_admin, user_has_role

Role = StaffRole.Role

#: Tickets read per window for rising topics (an evenly spread sample beyond that).
TOPIC_TEXT_LIMIT = 2000
TOPIC_MIN_COUNT = 3
REPEAT_DAYS = 30
REPEAT_MIN = 3
NEAR_METRES = 50
EARTH_RADIUS_M = 6371008.8
RECURRING_MONTHS = 3
RATE_MIN = 0.2

# Words that say nothing about a topic: function words and the hotline's own phrasing.
_STOP_WORDS_TEXT = """
    一个 一些 一直 一下 不是 不能 不会 为什么 什么 今天 以上 以及 但是 你们 们 再次 几天 到底
    即使 可以 可能 各位 同时 后来 因为 多次 如果 如何 存在 对于 已经 并且 应该 怎么 或者 所以
    所有 把 时候 是否 有关 没有 然后 现在 目前 由于 的话 相关 看看 真的 知道 经常 自己 至今
    虽然 还是 还有 这个 这些 这样 这里 那个 那些 那里 非常 需要 马上 尽快 及时 希望 请求
    要求 反映 反应 来电 市民 群众 本人 我们 他们 问题 情况 处理 解决 部门 有关部门 相关部门
    进行 表示 咨询 投诉 举报 建议 求助 诉求 工单 请问 谢谢 感谢 帮忙 帮助 一下子 每天 晚上
    白天 最近 之前 之后 以后 以来 期间 左右 大概 已经 仍然 依然 始终 导致 造成 影响 严重
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end`` (both included), in the configured time zone."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The first instant of ``start`` and the first instant after ``end``."""
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return first, after

    @classmethod
    def last_days(cls, days: int, end: dt.date | None = None) -> Period:
        end = end or timezone.localdate()
        return cls(start=end - dt.timedelta(days=days - 1), end=end)


def can_view_statistics(*, actor: Account) -> bool:
    """Whether ``actor`` may read the hotline's trends, hotspots and department measures."""
    if is_platform_admin(user=actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    if user_has_role(user=actor, role=Role.HOTLINE_DISPATCHER):
        return True
    for code in (settings.ECITY_HOTLINE_CENTRE_CODE, settings.ECITY_SUPERVISION_DEPARTMENT_CODE):
        office = Department.objects.filter(code=str(code)).first() if code else None
        if office is None:
            continue
        if user_has_role(user=actor, role=Role.SUPERVISOR, department=office):
            return True
        if str(code) == str(settings.ECITY_HOTLINE_CENTRE_CODE) and user_has_role(
            user=actor, role=Role.DEPARTMENT_ADMIN, department=office
        ):
            return True
    return False


def tickets_in(period: Period) -> QuerySet[Ticket]:
    """The tickets received within ``period``."""
    first, after = period.bounds()
    return Ticket.objects.filter(received_at__gte=first, received_at__lt=after)


# --- counts over time, by category and by region -------------------------------------------


@dataclass(frozen=True)
class Bucket:
    """One point of a time series: the day (or the Monday of the week) and its count."""

    on: dt.date
    count: int


def tickets_over_time(*, period: Period, granularity: str = "day") -> list[Bucket]:
    """Count the tickets received per ``day`` or ``week`` of ``period``, with empty buckets."""
    kind = "week" if granularity == "week" else "day"
    rows = (
        tickets_in(period)
        .annotate(bucket=Trunc("received_at", kind, output_field=DateField()))
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["bucket"]: row["n"] for row in rows}
    step = dt.timedelta(days=7 if kind == "week" else 1)
    on = (
        period.start - dt.timedelta(days=period.start.weekday()) if kind == "week" else period.start
    )
    buckets = []
    while on <= period.end:
        buckets.append(Bucket(on=on, count=counts.get(on, 0)))
        on += step
    return buckets


@dataclass(frozen=True)
class Group:
    """A count of tickets under one label (a category, a region); ``key`` identifies it."""

    key: str
    label: str
    count: int


def tickets_by_category(*, period: Period, limit: int = 15) -> list[Group]:
    """Count the tickets of ``period`` per category, most first (no category last)."""
    rows = tickets_in(period).values("category_id").annotate(n=Count("id")).order_by("-n")
    categories = Category.objects.in_bulk([r["category_id"] for r in rows if r["category_id"]])
    groups = [
        Group(
            key=categories[r["category_id"]].code if r["category_id"] else "",
            label=categories[r["category_id"]].name if r["category_id"] else "",
            count=r["n"],
        )
        for r in rows
    ]
    groups.sort(key=lambda g: (not g.key, -g.count, g.key))
    return groups[:limit]


def tickets_by_kind(*, period: Period) -> list[Group]:
    """Count the tickets of ``period`` per kind (咨询, 求助, 投诉 …), in the kinds' order."""
    counts = dict(tickets_in(period).values_list("kind").annotate(n=Count("id")).order_by())
    return [
        Group(key=value, label=str(label), count=counts.get(value, 0))
        for value, label in TicketKind.choices
    ]


def map_regions() -> list[Region]:
    """The regions a map shows: the sub-districts, or the districts if there are none."""
    subdistricts = list(Region.objects.filter(level=Region.Level.SUBDISTRICT).order_by("code"))
    if subdistricts:
        return subdistricts
    return list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))


def _area_of(regions: dict[int, Region], region_id: int, level: str) -> Region | None:
    """The ancestor of ``region_id`` (or itself) at ``level``; None above it."""
    region = regions.get(region_id)
    while region is not None and region.level != level:
        region = regions.get(region.parent_id) if region.parent_id else None
    return region


def tickets_by_region(*, period: Period) -> list[Group]:
    """Count the tickets of ``period`` per map region (every map region, zeros included).

    Tickets of a community count in its sub-district; tickets placed only at a higher level, or
    nowhere, count under an empty key ("not placed").
    """
    shown = map_regions()
    level = shown[0].level if shown else Region.Level.SUBDISTRICT
    regions = Region.objects.in_bulk()
    totals: Counter[int] = Counter()
    unplaced = 0
    rows = tickets_in(period).values("region_id").annotate(n=Count("id")).order_by()
    for row in rows:
        area = _area_of(regions, row["region_id"], level) if row["region_id"] else None
        if area is None:
            unplaced += row["n"]
        else:
            totals[area.pk] += row["n"]
    groups = [Group(key=r.code, label=r.name, count=totals[r.pk]) for r in shown]
    if unplaced:
        groups.append(Group(key="", label="", count=unplaced))
    return groups


# --- rising topics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicRise:
    """A word whose share of tickets rose: counts and shares of both windows."""

    word: str
    count: int
    share: float
    baseline_count: int
    baseline_share: float

    @property
    def rise(self) -> float:
        return self.share - self.baseline_share


def _word_tickets(tickets: QuerySet[Ticket]) -> tuple[Counter[str], int]:
    """How many of ``tickets`` mention each word, and how many tickets were read.

    Beyond ``TOPIC_TEXT_LIMIT`` tickets an evenly spread sample is read (every n-th ticket by
    key), so that shares stay estimates of the whole window, not of its last hours.
    """
    total = tickets.count()
    step = -(-total // TOPIC_TEXT_LIMIT)
    if step > 1:
        tickets = tickets.annotate(sample=Mod("id", step)).filter(sample=0)
    counts: Counter[str] = Counter()
    read = 0
    texts = tickets.order_by("-received_at").values_list("title", "description")
    for title, description in texts[:TOPIC_TEXT_LIMIT].iterator(chunk_size=2000):
        read += 1
        counts.update(
            {
                word
                for word in segment(f"{title}\n{description}")
                if len(word) > 1 and not word.isdigit() and word not in STOP_WORDS
            }
        )
    return counts, read


def rising_topics(
    *, end: dt.date | None = None, days: int = 7, baseline_days: int = 28, limit: int = 10
) -> list[TopicRise]:
    """Return the words whose share of tickets rose most in the last ``days`` up to ``end``.

    The baseline is the ``baseline_days`` before that window. A word needs at least
    ``TOPIC_MIN_COUNT`` recent tickets; ties are broken by the recent count.
    """
    recent = Period.last_days(days, end)
    baseline = Period.last_days(baseline_days, recent.start - dt.timedelta(days=1))
    now_counts, now_total = _word_tickets(tickets_in(recent))
    base_counts, base_total = _word_tickets(tickets_in(baseline))
    if not now_total:
        return []
    rises = []
    for word, count in now_counts.items():
        if count < TOPIC_MIN_COUNT:
            continue
        base = base_counts.get(word, 0)
        topic = TopicRise(
            word=word,
            count=count,
            share=count / now_total,
            baseline_count=base,
            baseline_share=base / base_total if base_total else 0.0,
        )
        if topic.rise > 0:
            rises.append(topic)
    rises.sort(key=lambda t: (-t.rise, -t.count, t.word))
    return rises[:limit]


# --- distances ---------------------------------------------------------------------------------


def _float(name: str | Expression) -> Cast:
    return Cast(F(name) if isinstance(name, str) else name, output_field=FloatField())


def distance_metres(lat: Combinable, lon: Combinable) -> Expression:
    """The haversine distance (metres) from a ticket's coordinates to ``lat``/``lon``."""
    lat1, lon1 = Radians(_float("latitude")), Radians(_float("longitude"))
    lat2 = Radians(Cast(lat, output_field=FloatField()))
    lon2 = Radians(Cast(lon, output_field=FloatField()))
    half = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(
        Sin((lon2 - lon1) / 2), 2
    )
    return 2 * EARTH_RADIUS_M * ASin(Sqrt(half))


# --- recurring problems (每月一题 candidates) ------------------------------------------------


@dataclass(frozen=True)
class Recurring:
    """A category × area with tickets every month and a high reopen or dissatisfaction rate."""

    category: str
    area: str
    tickets: int
    reopened: int
    callbacks: int
    dissatisfied: int

    @property
    def reopen_rate(self) -> float:
        return self.reopened / self.tickets if self.tickets else 0.0

    @property
    def dissatisfaction_rate(self) -> float:
        return self.dissatisfied / self.callbacks if self.callbacks else 0.0


def _month_start(on: dt.date, back: int) -> dt.date:
    month = on.year * 12 + on.month - 1 - back
    return dt.date(month // 12, month % 12 + 1, 1)


def area_expression(prefix: str = "") -> Case:
    """The ticket's sub-district (a community's parent), else its own region; ``prefix``
    reaches the ticket from a related model (``"ticket__"``)."""
    return Case(
        When(
            **{f"{prefix}region__level": Region.Level.COMMUNITY},
            then=F(f"{prefix}region__parent_id"),
        ),
        default=F(f"{prefix}region_id"),
    )


def recurring_problems(*, end: dt.date | None = None, limit: int = 20) -> list[Recurring]:
    """Return category × area pairs with tickets in each of the last three calendar months
    (the month of ``end`` and the two before) and a reopen rate (tickets reopened at least once
    / tickets) or dissatisfaction rate (不满意 callbacks / callbacks) of at least ``RATE_MIN``.
    Highest rate first."""
    end = end or timezone.localdate()
    period = Period(start=_month_start(end, RECURRING_MONTHS - 1), end=end)
    dissatisfied = Q(callbacks__satisfaction=Callback.Satisfaction.DISSATISFIED)
    grouped = (
        tickets_in(period)
        .filter(category__isnull=False, region__isnull=False)
        .annotate(area=area_expression())
        .values("category_id", "area")
        .annotate(
            months=Count(Trunc("received_at", "month", output_field=DateField()), distinct=True),
            tickets=Count("id", distinct=True),
            reopened=Count("id", filter=Q(reopen_count__gt=0), distinct=True),
            calls=Count("callbacks", distinct=True),
            dissatisfied=Count("callbacks", filter=dissatisfied, distinct=True),
        )
        .filter(months__gte=RECURRING_MONTHS)
        .order_by()
    )
    rows = list(grouped)
    categories = Category.objects.in_bulk([r["category_id"] for r in rows])
    regions = Region.objects.in_bulk([r["area"] for r in rows])
    found = [
        Recurring(
            category=categories[r["category_id"]].name,
            area=regions[r["area"]].name if r["area"] in regions else "",
            tickets=r["tickets"],
            reopened=r["reopened"],
            callbacks=r["calls"],
            dissatisfied=r["dissatisfied"],
        )
        for r in rows
    ]
    found = [r for r in found if max(r.reopen_rate, r.dissatisfaction_rate) >= RATE_MIN]
    found.sort(key=lambda r: (-max(r.reopen_rate, r.dissatisfaction_rate), -r.tickets))
    return found[:limit]


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide (shown as a dash)."""
    return part / whole if whole else None
