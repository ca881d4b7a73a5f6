"""A small 开餐馆 joint application for tests: three services of three departments.

``restaurant_services()`` publishes:

* ``SCJ-DJ-T`` 个体工商户登记 (SCJ): applicant_name, trade_name, business_address, mobile,
  delivery; materials 申请人身份证件, 经营场所使用证明;
* ``WJW-XK-T`` 公共场所卫生许可 (WJW): enterprise_name, uscc, contact_name, mobile,
  venue_address, floor_area; materials 营业执照, 负责人身份证明 (PDF only), 卫生管理制度;
* ``XFJ-XK-T`` 消防安全检查 (XFJ): enterprise_name, uscc, contact_name, mobile,
  premises_address, occupancy; materials 营业执照, 负责人身份证明, 灭火和应急疏散预案.

``RESTAURANT_SPEC`` asks 经营者名称, 联系人, 手机号码 and 经营场所地址 once, uploads the
operator's identity document once for all three, and waives the USCC and the business licence
of the two permits (the registration issues them).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ecity.catalogue.joint import services as joint_services
from ecity.catalogue.models import JointService, LifeEvent
from ecity.catalogue.tests.factories import (
    LifeEventFactory,
    MaterialFactory,
    VersionFactory,
    department_admin,
    publish_version,
)
from ecity.identity.tests.factories import DepartmentFactory

MOBILE = {"type": "string", "title": "手机号码", "title_en": "Mobile", "format": "mobile"}
USCC = {"type": "string", "title": "统一社会信用代码", "format": "uscc"}


def _text(title: str, max_length: int) -> dict[str, Any]:
    return {"type": "string", "title": title, "maxLength": max_length}


def _schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


REGISTRATION_SCHEMA = _schema(
    {
        "applicant_name": _text("申请人姓名", 50),
        "trade_name": _text("字号名称", 60),
        "business_address": _text("经营场所", 200),
        "mobile": MOBILE,
        "delivery": {
            "type": "string",
            "title": "结果领取方式",
            "enum": ["counter", "post"],
            "enumNames": ["窗口领取", "免费邮寄"],
        },
    },
    ["applicant_name", "business_address", "mobile"],
)
HYGIENE_SCHEMA = _schema(
    {
        "enterprise_name": _text("单位名称", 200),
        "uscc": USCC,
        "contact_name": _text("联系人", 50),
        "mobile": MOBILE,
        "venue_address": _text("地址", 100),
        "floor_area": {"type": "integer", "title": "营业面积（平方米）", "minimum": 1},
    },
    ["enterprise_name", "uscc", "contact_name", "mobile", "venue_address", "floor_area"],
)
FIRE_SCHEMA = _schema(
    {
        "enterprise_name": _text("单位名称", 200),
        "uscc": USCC,
        "contact_name": _text("联系人", 50),
        "mobile": MOBILE,
        "premises_address": _text("场所地址", 200),
        "occupancy": {"type": "integer", "title": "容纳人数", "minimum": 1},
    },
    ["enterprise_name", "uscc", "contact_name", "mobile", "premises_address", "occupancy"],
)

RESTAURANT_SPEC: dict[str, Any] = {
    "summary_zh": "一次申请：个体工商户登记、公共场所卫生许可、消防安全检查。",
    "members": [
        {"service": "SCJ-DJ-T"},
        {
            "service": "WJW-XK-T",
            "waived_fields": ["uscc"],
            "waived_materials": ["营业执照"],
            "waiver_note": "营业执照由个体工商户登记核发后共享。",
        },
        {
            "service": "XFJ-XK-T",
            "waived_fields": ["uscc"],
            "waived_materials": ["营业执照"],
            "waiver_note": "营业执照由个体工商户登记核发后共享。",
        },
    ],
    "shared_fields": [
        {
            "key": "operator_name",
            "title_zh": "经营者名称",
            "title_en": "Name of the business",
            "targets": {
                "SCJ-DJ-T": "trade_name",
                "WJW-XK-T": "enterprise_name",
                "XFJ-XK-T": "enterprise_name",
            },
        },
        {
            "key": "contact_name",
            "title_zh": "联系人",
            "targets": {
                "SCJ-DJ-T": "applicant_name",
                "WJW-XK-T": "contact_name",
                "XFJ-XK-T": "contact_name",
            },
        },
        {
            "key": "mobile",
            "title_zh": "手机号码",
            "targets": {"SCJ-DJ-T": "mobile", "WJW-XK-T": "mobile", "XFJ-XK-T": "mobile"},
        },
        {
            "key": "premises_address",
            "title_zh": "经营场所地址",
            "title_en": "Address of the premises",
            "targets": {
                "SCJ-DJ-T": "business_address",
                "WJW-XK-T": "venue_address",
                "XFJ-XK-T": "premises_address",
            },
        },
    ],
    "shared_materials": [
        {
            "name_zh": "经营者身份证件",
            "name_en": "Identity document of the operator",
            "targets": {
                "SCJ-DJ-T": "申请人身份证件",
                "WJW-XK-T": "负责人身份证明",
                "XFJ-XK-T": "负责人身份证明",
            },
        }
    ],
}


def _service(code: str, department: Any, name: str, schema: dict, materials: list) -> Any:
    version = VersionFactory(
        item__code=code,
        item__department=department,
        name_zh=name,
        name_en="",
        kind="licensing",
        for_g2c=True,
        for_g2b=True,
        form_schema=schema,
    )
    for index, (material_name, accepted) in enumerate(materials):
        MaterialFactory(
            version=version,
            name_zh=material_name,
            name_en="",
            is_mandatory=True,
            max_size_mb=1,
            accepted_types=accepted,
            sort_order=index,
        )
    return publish_version(version)


def restaurant_services() -> SimpleNamespace:
    """Publish the three member services (see the module docstring) and a life event."""
    market = DepartmentFactory(code="SCJ", name_zh="市市场监督管理局", name_en="Market Regulation")
    health = DepartmentFactory(code="WJW", name_zh="市卫生健康委员会", name_en="Health")
    fire = DepartmentFactory(code="XFJ", name_zh="市消防救援支队", name_en="Fire and Rescue")
    centre = DepartmentFactory(code="ZWB", name_zh="市政务服务办", name_en="Service Centre")
    images = ["application/pdf", "image/jpeg", "image/png"]
    return SimpleNamespace(
        market=market,
        health=health,
        fire=fire,
        centre=centre,
        life_event=LifeEventFactory(code="open-restaurant", name_zh="开餐馆", audience="g2b"),
        registration=_service(
            "SCJ-DJ-T",
            market,
            "个体工商户登记（测试）",
            REGISTRATION_SCHEMA,
            [("申请人身份证件", images), ("经营场所使用证明", images)],
        ),
        hygiene=_service(
            "WJW-XK-T",
            health,
            "公共场所卫生许可（测试）",
            HYGIENE_SCHEMA,
            [
                ("营业执照", images),
                ("负责人身份证明", ["application/pdf"]),
                ("卫生管理制度", images),
            ],
        ),
        fire_check=_service(
            "XFJ-XK-T",
            fire,
            "消防安全检查（测试）",
            FIRE_SCHEMA,
            [("营业执照", images), ("负责人身份证明", images), ("灭火和应急疏散预案", images)],
        ),
        lead_admin=department_admin(centre),
    )


def restaurant_joint(
    services: SimpleNamespace, *, publish: bool = True, **overrides: Any
) -> JointService:
    """The 开餐馆 joint application of ``services``, led by the service centre (published)."""
    spec = {**RESTAURANT_SPEC, **overrides}
    life_event = services.life_event
    assert isinstance(life_event, LifeEvent)
    joint = joint_services.joint_service_create(
        actor=services.lead_admin,
        code="open-restaurant-test",
        life_event=life_event,
        department=services.centre,
        name_zh="开餐馆一件事（测试）",
        name_en="Open a restaurant (test)",
        **spec,
    )
    if publish:
        draft = joint.versions.get()
        joint_services.joint_version_publish(actor=services.lead_admin, version=draft)
        joint.refresh_from_db()
    return joint
