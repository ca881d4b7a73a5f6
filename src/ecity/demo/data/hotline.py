"""The demo city's 12345 hotline: the centre and its staff, categories, limits, knowledge
articles and the texts the generated tickets are made of.

DEMO ONLY; every account uses the demo password ``Demo@12345`` (see ``accounts.py``).

| username           | role                                                            |
|--------------------|-----------------------------------------------------------------|
| agent_12345        | 林晓, hotline agent (话务员), 12345热线中心                     |
| agent2_12345       | 王磊, hotline agent (话务员), 12345热线中心                     |
| dispatcher_12345   | 彭红, hotline dispatcher (派单员), 12345热线中心                |
| handler_cgj        | 赵刚, ticket handler (承办人), 市城市管理执法局                 |
| handler_stj        | 孙悦, ticket handler, 市生态环境局                              |
| handler_zjw        | 马超, ticket handler, 市住建委                                  |
| handler_rsj        | 郭敏, ticket handler, 市人社局 (and 市社保中心)                 |
| handler_jtj        | 胡斌, ticket handler, 市交通运输局                              |
| handler_scj        | 唐婷, ticket handler, 市市场监管局 (and 食品经营监管处)         |
| handler_donghua    | 曹丽, ticket handler, 东华街道办事处                            |
| handler_jiangbin   | 邓军, ticket handler, 江滨街道办事处                            |

The other departments of the categories (公安局, 消防救援支队, 教育局, 卫健委, 医保局) get their
tickets without a demo handler account: their worklists are seen by their administrators.
"""

from __future__ import annotations

from typing import NamedTuple

from ecity.demo.data.accounts import Account
from ecity.demo.data.hotline_categories import (
    CHILDREN,
    RISING_CATEGORY,
    RISING_TEXTS,
    TOP,
    Cat,
)
from ecity.demo.data.hotline_knowledge import ARTICLES

__all__ = [
    "ARTICLES",
    "CENTRES",
    "CENTRE_CODE",
    "CHILDREN",
    "DEPARTMENTS",
    "LIMITS",
    "RISING_CATEGORY",
    "RISING_TEXTS",
    "ROADS",
    "STAFF",
    "SURNAMES",
    "TOP",
    "Cat",
    "HotlineDept",
]

CENTRE_CODE = "12345"


class HotlineDept(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    short_name: str
    address: str
    phone: str
    region: str  # region code: the city, or the sub-district an office serves


DEPARTMENTS: list[HotlineDept] = [
    HotlineDept(
        CENTRE_CODE,
        "示范市12345政务服务便民热线中心",
        "Shifan 12345 Government Service Hotline Centre",
        "12345热线中心",
        "示范市东城区人民大道100号",
        "0999-12345",
        "990100",
    ),
    HotlineDept(
        "CGJ",
        "示范市城市管理执法局",
        "Shifan Urban Management and Law Enforcement Bureau",
        "市城管执法局",
        "示范市东城区解放路66号",
        "0999-12319",
        "990100",
    ),
    HotlineDept(
        "JD-DH",
        "示范市东城区东华街道办事处",
        "Donghua Sub-district Office",
        "东华街道办",
        "示范市东城区人民路20号",
        "0999-88030001",
        "990102001",
    ),
    HotlineDept(
        "JD-JB",
        "示范市滨江区江滨街道办事处",
        "Jiangbin Sub-district Office",
        "江滨街道办",
        "示范市滨江区江滨大道88号",
        "0999-88030002",
        "990105001",
    ),
]


def _staff(username: str, name: str, phone: str, *roles: tuple[str, str]) -> Account:
    return Account(username, name, f"{username}@shifan.example", phone, staff_roles=roles)


STAFF: list[Account] = [
    _staff("agent_12345", "林晓", "13900990101", ("hotline_agent", CENTRE_CODE)),
    _staff("agent2_12345", "王磊", "13900990102", ("hotline_agent", CENTRE_CODE)),
    _staff("dispatcher_12345", "彭红", "13900990103", ("hotline_dispatcher", CENTRE_CODE)),
    _staff("handler_cgj", "赵刚", "13900990111", ("ticket_handler", "CGJ")),
    _staff("handler_stj", "孙悦", "13900990112", ("ticket_handler", "STJ")),
    _staff("handler_zjw", "马超", "13900990113", ("ticket_handler", "ZJW")),
    _staff(
        "handler_rsj",
        "郭敏",
        "13900990114",
        ("ticket_handler", "RSJ"),
        ("ticket_handler", "RSJ-SB"),
    ),
    _staff("handler_jtj", "胡斌", "13900990115", ("ticket_handler", "JTJ")),
    _staff(
        "handler_scj",
        "唐婷",
        "13900990116",
        ("ticket_handler", "SCJ"),
        ("ticket_handler", "SCJ-SP"),
    ),
    _staff("handler_donghua", "曹丽", "13900990117", ("ticket_handler", "JD-DH")),
    _staff("handler_jiangbin", "邓军", "13900990118", ("ticket_handler", "JD-JB")),
]

# Ticket limits (TicketLimit, any kind): urgency → (sign within, unit, answer within, unit).
LIMITS: dict[str, tuple[str, str, str, str]] = {
    "emergency": ("0.5", "working_hours", "2", "working_hours"),  # 特急
    "urgent": ("1", "working_hours", "1", "working_days"),  # 紧急
    "ordinary": ("4", "working_hours", "5", "working_days"),  # 一般
}


# Streets of each sub-district (for addresses); communities come from the demo regions.
ROADS: dict[str, tuple[str, ...]] = {
    "990102001": ("人民路", "文庙街", "东华路"),
    "990102002": ("解放路", "和平大道", "安平街"),
    "990105001": ("江滨大道", "渔港路", "滨江一路"),
    "990105002": ("望湖路", "柳岸街", "湖景大道"),
    "990171001": ("科创大道", "云谷路", "创业路"),
}
# Rough centre (lon, lat) of each sub-district, inside the demo city's boundaries (places.py).
CENTRES: dict[str, tuple[float, float]] = {
    "990102001": (120.06, 30.30),
    "990102002": (120.10, 30.27),
    "990105001": (120.21, 30.24),
    "990105002": (120.26, 30.26),
    "990171001": (120.22, 30.38),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
