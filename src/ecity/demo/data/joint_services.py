# ruff: noqa: E501 - the guides are long Chinese legal texts; wrapping them hurts reading
"""Joint applications (一件事一次办) of the demo city, and the one service only they needed.

开办餐馆 bundles four services of three departments: 个体工商户登记 (SCJ-DJ-002), 食品经营许可
(SCJ-XK-001), 公共场所卫生许可 (WJW-XK-001) and the fire safety check before opening
(XFJ-XK-001, added here). The applicant writes the business's name, the operator's name and
phone, the address, the floor area, the delivery choice and the written commitment once; the
operator's identity document and the power of attorney are uploaded once. The three permits do
not ask for the USCC nor the business licence: the registration in the same application issues
them (前一环节的结果共享, 免于提交).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ecity.demo.data.blocks import (
    BUSINESS_LICENCE,
    CITY_CENTRE,
    G2B,
    Faq,
    Guide,
    Item,
    Location,
    Material,
    choice,
    enterprise_form,
    text,
)

FIRE_SAFETY_CHECK = Item(
    code="XFJ-XK-001",
    department="XFJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 5, 6),
            name_zh="公众聚集场所投入使用、营业前消防安全检查",
            name_en="Fire safety check of a public gathering place before opening",
            kind="licensing",
            summary_zh="宾馆、饭店、商场、集贸市场等公众聚集场所在投入使用、营业前，向消防救援机构申请消防安全检查。",
            summary_en="Restaurants, hotels, shops and other public gathering places need a fire safety check before opening.",
            legal_basis=(
                "《中华人民共和国消防法》第十五条：公众聚集场所投入使用、营业前，建设单位或者使用单位应当向场所所在地的"
                "县级以上地方人民政府消防救援机构申请消防安全检查。\n"
                "《公众聚集场所投入使用、营业前消防安全检查规则》（应急管理部令第7号）。"
            ),
            conditions=(
                "1. 依法取得营业执照或者其他主体资格证明；\n"
                "2. 场所消防设施、器材配置符合消防技术标准，疏散通道、安全出口畅通；\n"
                "3. 制定消防安全制度、灭火和应急疏散预案。"
            ),
            statutory_days=10,
            committed_days=5,
            audiences=(G2B,),
            themes=("market-access",),
            life_events=("open-restaurant",),
            materials=(
                Material(
                    "公众聚集场所投入使用、营业前消防安全检查申请表",
                    "Application form for the fire safety check",
                    has_template=True,
                ),
                BUSINESS_LICENCE,
                Material(
                    "法定代表人或者主要负责人身份证明",
                    "Identity document of the legal representative or the person in charge",
                    form="copy",
                ),
                Material(
                    "场所平面布置图、场所消防设施平面图",
                    "Floor plan of the premises and of its fire protection facilities",
                    form="copy",
                ),
                Material(
                    "消防安全制度、灭火和应急疏散预案",
                    "Fire safety rules, fire-fighting and evacuation plan",
                    form="copy",
                ),
            ),
            locations=(
                CITY_CENTRE,
                Location(
                    name="示范市消防救援支队行政审批窗口",
                    address="示范市滨江区安澜路19号 一楼",
                    hours="周一至周五 9:00-12:00，13:30-17:00",
                    phone="0999-88119001",
                ),
            ),
            faqs=(
                Faq(
                    "可以告知承诺办理吗？",
                    "可以。申请人选择告知承诺方式并作出书面承诺的，消防救援机构当场作出许可决定，"
                    "自许可之日起3个工作日内进行核查。",
                ),
                Faq(
                    "餐馆需要办理吗？",
                    "饭店、餐馆等公众聚集场所投入使用、营业前应当申请消防安全检查；"
                    "也可以通过“开办餐馆一件事”与营业执照、食品经营许可一并申请。",
                ),
            ),
            process_description="申请 → 受理 → 现场检查（告知承诺的事后核查） → 许可决定 → 发证",
            result_description="《公众聚集场所投入使用、营业前消防安全检查合格证》",
            form_schema=enterprise_form(
                "公众聚集场所投入使用、营业前消防安全检查申请表",
                "Fire safety check application",
                {
                    "premises_address": text("场所地址", "Address of the premises", max_length=200),
                    "floor_area": {
                        "type": "integer",
                        "title": "建筑面积（平方米）",
                        "title_en": "Floor area (m²)",
                        "minimum": 1,
                    },
                    "floors": text("所在楼层", "Floor(s)", max_length=50),
                    "occupancy": {
                        "type": "integer",
                        "title": "容纳人数",
                        "title_en": "Maximum number of people",
                        "minimum": 1,
                        "maximum": 100000,
                    },
                    "commitment": choice(
                        "是否告知承诺办理",
                        "Apply with a written commitment",
                        [("yes", "是", "Yes"), ("no", "否", "No")],
                    ),
                },
            ),
            contact_phone="0999-88119001",
        ),
    ),
)

# Services the demo city gained for its joint applications (loaded with them, see
# ``ecity.demo.services.joint``).
ITEMS = [FIRE_SAFETY_CHECK]

_FROM_REGISTRATION = (
    "营业执照和统一社会信用代码由本次申请中的个体工商户登记核发后共享，无需填写或上传。"
)


@dataclass(frozen=True)
class JointBundle:
    """A joint application of the demo city: its identity and its first published version."""

    code: str
    life_event: str
    department: str
    published_on: dt.date
    name_zh: str
    name_en: str
    # The content, in the shape of ``catalogue.joint.services.joint_draft_update``.
    spec: dict[str, Any]


OPEN_RESTAURANT = JointBundle(
    code="open-restaurant",
    life_event="open-restaurant",
    department="ZWB",
    published_on=dt.date(2025, 9, 1),
    name_zh="开办餐馆“一件事”",
    name_en="Open a restaurant in one go",
    spec={
        "summary_zh": (
            "一张表单、一套材料、一次提交：个体工商户登记、食品经营许可、公共场所卫生许可和"
            "营业前消防安全检查由市场监管、卫生健康、消防救援部门分别办理，在一个页面查看进度和全部结果。"
        ),
        "summary_en": (
            "One form, one set of files, one submission for the business registration, the food "
            "business licence, the hygiene permit and the fire safety check; follow them all on one page."
        ),
        "members": [
            {"service": "SCJ-DJ-002"},
            {
                "service": "SCJ-XK-001",
                "waived_fields": ["uscc"],
                "waived_materials": ["营业执照"],
                "waiver_note": _FROM_REGISTRATION,
            },
            {
                "service": "WJW-XK-001",
                "waived_fields": ["uscc"],
                "waived_materials": ["营业执照"],
                "waiver_note": _FROM_REGISTRATION,
            },
            {
                "service": "XFJ-XK-001",
                "waived_fields": ["uscc"],
                "waived_materials": ["营业执照"],
                "waiver_note": _FROM_REGISTRATION,
            },
        ],
        "shared_fields": [
            {
                "key": "operator_name",
                "title_zh": "经营者名称（字号）",
                "title_en": "Name of the business",
                "targets": {
                    "SCJ-DJ-002": "trade_name",
                    "SCJ-XK-001": "enterprise_name",
                    "WJW-XK-001": "enterprise_name",
                    "XFJ-XK-001": "enterprise_name",
                },
            },
            {
                "key": "contact_name",
                "title_zh": "经营者姓名",
                "title_en": "Name of the operator",
                "targets": {
                    "SCJ-DJ-002": "applicant_name",
                    "SCJ-XK-001": "contact_name",
                    "WJW-XK-001": "contact_name",
                    "XFJ-XK-001": "contact_name",
                },
            },
            {
                "key": "mobile",
                "title_zh": "手机号码",
                "title_en": "Mobile phone",
                "targets": {
                    "SCJ-DJ-002": "mobile",
                    "SCJ-XK-001": "mobile",
                    "WJW-XK-001": "mobile",
                    "XFJ-XK-001": "mobile",
                },
            },
            {
                "key": "premises_address",
                "title_zh": "经营场所地址",
                "title_en": "Address of the premises",
                "targets": {
                    "SCJ-DJ-002": "business_address",
                    "SCJ-XK-001": "business_address",
                    "WJW-XK-001": "venue_address",
                    "XFJ-XK-001": "premises_address",
                },
            },
            {
                "key": "floor_area",
                "title_zh": "经营场所面积（平方米）",
                "title_en": "Floor area of the premises (m²)",
                "targets": {
                    "SCJ-XK-001": "floor_area",
                    "WJW-XK-001": "floor_area",
                    "XFJ-XK-001": "floor_area",
                },
            },
            {
                "key": "commitment",
                "title_zh": "是否告知承诺办理",
                "title_en": "Apply with a written commitment",
                "targets": {"WJW-XK-001": "commitment", "XFJ-XK-001": "commitment"},
            },
            {
                "key": "delivery",
                "title_zh": "结果领取方式",
                "title_en": "How to receive the results",
                "targets": {"SCJ-DJ-002": "delivery", "SCJ-XK-001": "delivery"},
            },
        ],
        "shared_materials": [
            {
                "name_zh": "经营者身份证件",
                "name_en": "Identity document of the operator",
                "targets": {
                    "SCJ-DJ-002": "申请人有效身份证件",
                    "SCJ-XK-001": "法定代表人（负责人）身份证明",
                    "WJW-XK-001": "法定代表人或者负责人身份证明",
                    "XFJ-XK-001": "法定代表人或者主要负责人身份证明",
                },
            },
            {
                "name_zh": "委托代理人身份证件及授权委托书",
                "name_en": "Agent's identity document and power of attorney",
                "notes": "委托他人代为办理时提供。",
                "targets": {
                    "SCJ-DJ-002": "委托代理人身份证件及授权委托书",
                    "SCJ-XK-001": "委托代理人身份证件及授权委托书",
                },
            },
        ],
    },
)

BUNDLES = [OPEN_RESTAURANT]
