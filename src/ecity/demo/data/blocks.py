"""Plain data types the demo city is written in, and the pieces several service guides share.

The demo modules hold data only; ``ecity.demo.services`` turns it into database rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

G2C = "g2c"
G2B = "g2b"
G2G = "g2g"

NO_FEE = "不收费。"


@dataclass(frozen=True)
class Material:
    """A required material of a guide (``form`` is a ``RequiredMaterial.Form`` value)."""

    name_zh: str
    name_en: str
    form: str = "original"
    copies: int = 1
    is_mandatory: bool = True
    # 免提交: the department obtains it itself (the notes say how); never asked for on upload.
    is_exempt: bool = False
    source: str = ""
    notes: str = ""
    # When true the loader generates a blank PDF template for applicants to download.
    has_template: bool = False
    # 免提交 from the e-licence wallet: a key of ``certificate_types.WALLET_TYPES``; an
    # applicant holding a valid certificate of that type needs no file (the case references it).
    certificate_type: str = ""


@dataclass(frozen=True)
class Faq:
    question: str
    answer: str


@dataclass(frozen=True)
class Location:
    name: str
    address: str
    hours: str
    phone: str = ""


@dataclass(frozen=True)
class Guide:
    """The content of one published version of a service item."""

    number: int
    published_on: dt.date
    name_zh: str
    name_en: str
    kind: str
    summary_zh: str
    summary_en: str
    legal_basis: str
    conditions: str
    statutory_days: int
    committed_days: int
    audiences: tuple[str, ...]
    themes: tuple[str, ...]
    life_events: tuple[str, ...]
    materials: tuple[Material, ...]
    locations: tuple[Location, ...]
    faqs: tuple[Faq, ...]
    process_description: str
    result_description: str
    form_schema: dict[str, Any]
    is_free: bool = True
    fee_description: str = NO_FEE
    fee_basis: str = ""
    is_online: bool = True
    is_counter: bool = True
    is_mobile: bool = False
    contact_phone: str = ""
    complaint_phone: str = "12345"
    change_note: str = ""


@dataclass(frozen=True)
class Item:
    """A service item: its stable code, implementing department and published versions."""

    code: str
    department: str
    versions: tuple[Guide, ...] = field(default_factory=tuple)


# Service halls of the demo city (addresses and hours are fictional).
CITY_CENTRE = Location(
    name="示范市政务服务中心",
    address="示范市东城区人民大道100号 一楼综合受理区",
    hours="周一至周五 9:00-17:00（法定节假日除外）；周六 9:00-12:00 延时服务",
    phone="0999-88012345",
)
EAST_CENTRE = Location(
    name="东城区政务服务中心",
    address="示范市东城区和平路18号",
    hours="周一至周五 9:00-12:00，13:30-17:00",
    phone="0999-88102345",
)
BINJIANG_CENTRE = Location(
    name="滨江区政务服务中心",
    address="示范市滨江区江滨大道66号",
    hours="周一至周五 9:00-12:00，13:30-17:00",
    phone="0999-88502345",
)
HIGHTECH_CENTRE = Location(
    name="高新区企业服务中心",
    address="示范市高新区创新路1号 企业服务大厦二楼",
    hours="周一至周五 8:30-17:30（中午不休）",
    phone="0999-87102345",
)
CITY_HALLS = (CITY_CENTRE, EAST_CENTRE, BINJIANG_CENTRE)
BUSINESS_HALLS = (CITY_CENTRE, HIGHTECH_CENTRE)


# Form fields used by many application forms (format names are those of
# ecity.catalogue.form_schema: id_number, uscc, mobile, email, date).
def text(title: str, title_en: str, *, max_length: int = 100, **extra: Any) -> dict[str, Any]:
    """A free-text field."""
    return {
        "type": "string",
        "title": title,
        "title_en": title_en,
        "maxLength": max_length,
        **extra,
    }


def choice(title: str, title_en: str, options: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A choice field; ``options`` are (value, Chinese label, English label)."""
    return {
        "type": "string",
        "title": title,
        "title_en": title_en,
        "enum": [value for value, _, _ in options],
        "enumNames": [zh for _, zh, _ in options],
        "enumNames_en": [en for _, _, en in options],
    }


APPLICANT_NAME = text("申请人姓名", "Applicant name", max_length=50)
ID_NUMBER = {
    "type": "string",
    "title": "公民身份号码",
    "title_en": "Resident ID number",
    "format": "id_number",
}
MOBILE = {"type": "string", "title": "手机号码", "title_en": "Mobile phone", "format": "mobile"}
EMAIL = {"type": "string", "title": "电子邮箱", "title_en": "E-mail", "format": "email"}
ENTERPRISE_NAME = text("单位名称", "Name of the organisation", max_length=200)
USCC = {
    "type": "string",
    "title": "统一社会信用代码",
    "title_en": "Unified social credit code",
    "format": "uscc",
}
CONTACT_NAME = text("联系人", "Contact person", max_length=50)
ADDRESS = text("地址", "Address", max_length=200)
DELIVERY = choice(
    "结果领取方式",
    "How to receive the result",
    [
        ("counter", "窗口领取", "Collect at the counter"),
        ("post", "免费邮寄", "Free postal delivery"),
    ],
)


def date(title: str, title_en: str) -> dict[str, Any]:
    """A date field."""
    return {"type": "string", "title": title, "title_en": title_en, "format": "date"}


def form(title: str, title_en: str, fields: dict[str, dict[str, Any]], required: list[str]) -> dict:
    """An application form schema (a JSON Schema subset, see ecity.catalogue.form_schema)."""
    return {
        "type": "object",
        "title": title,
        "title_en": title_en,
        "properties": fields,
        "required": required,
    }


def person_form(title: str, title_en: str, extra: dict[str, dict[str, Any]]) -> dict:
    """A citizen's application form: name, ID number, mobile, then ``extra`` fields."""
    fields = {"applicant_name": APPLICANT_NAME, "id_number": ID_NUMBER, "mobile": MOBILE, **extra}
    return form(title, title_en, fields, ["applicant_name", "id_number", "mobile"])


def enterprise_form(title: str, title_en: str, extra: dict[str, dict[str, Any]]) -> dict:
    """An enterprise's application form: name, USCC, contact, mobile, then ``extra`` fields."""
    fields = {
        "enterprise_name": ENTERPRISE_NAME,
        "uscc": USCC,
        "contact_name": CONTACT_NAME,
        "mobile": MOBILE,
        **extra,
    }
    return form(title, title_en, fields, ["enterprise_name", "uscc", "contact_name", "mobile"])


ID_CARD = Material("申请人有效身份证件", "Applicant's valid identity document", form="original")
AGENT_PAPERS = Material(
    "委托代理人身份证件及授权委托书",
    "Agent's identity document and power of attorney",
    form="original_and_copy",
    is_mandatory=False,
    notes="委托他人代为办理时提供。",
)
BUSINESS_LICENCE = Material(
    "营业执照",
    "Business licence",
    form="copy",
    notes="已实现电子证照共享的，免于提交。",
    is_exempt=True,
    certificate_type="business_licence",
)
