# ruff: noqa: E501 - the guides are long Chinese legal texts; wrapping them hurts reading
"""Demo service guides: market access (市场监管) and starting a business (政务服务办)."""

from __future__ import annotations

import datetime as dt

from ecity.demo.data.blocks import (
    ADDRESS,
    AGENT_PAPERS,
    BUSINESS_HALLS,
    BUSINESS_LICENCE,
    CITY_CENTRE,
    DELIVERY,
    G2B,
    G2C,
    HIGHTECH_CENTRE,
    ID_CARD,
    Faq,
    Guide,
    Item,
    Material,
    choice,
    enterprise_form,
    person_form,
    text,
)

_FOOD_MATERIALS = (
    Material(
        "食品经营许可申请书", "Application form for a food business licence", has_template=True
    ),
    BUSINESS_LICENCE,
    Material(
        "法定代表人（负责人）身份证明", "Identity document of the legal representative", form="copy"
    ),
    Material(
        "与食品经营相适应的主要设备设施、经营布局、操作流程等文件",
        "Layout of the premises, main equipment and operating procedures",
        form="copy",
    ),
    Material(
        "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度",
        "Food safety rules: self-inspection, staff health, purchase checks, incidents",
        form="copy",
    ),
    AGENT_PAPERS,
)
_FOOD_FAQS = (
    Faq(
        "仅销售预包装食品需要办理食品经营许可吗？",
        "不需要办理许可，但应当向所在地县级以上市场监督管理部门办理备案。",
    ),
    Faq("食品经营许可证的有效期是多久？", "食品经营许可证有效期为5年。"),
    Faq(
        "可以网上申请吗？",
        "可以。通过本平台在线填写申请表并上传材料，审查通过后可选择邮寄送达许可证。",
    ),
)
_FOOD_FORM = enterprise_form(
    "食品经营许可申请表",
    "Food business licence application",
    {
        "business_address": text("经营场所", "Business premises", max_length=200),
        "business_type": choice(
            "主体业态",
            "Type of business",
            [
                ("catering", "餐饮服务经营者", "Catering service"),
                ("retail", "食品销售经营者", "Food retail"),
                ("canteen", "单位食堂", "Staff canteen"),
            ],
        ),
        "business_items": text("经营项目", "Business items", max_length=300),
        "floor_area": {
            "type": "integer",
            "title": "经营场所面积（平方米）",
            "title_en": "Floor area (m²)",
            "minimum": 1,
            "maximum": 100000,
        },
        "delivery": DELIVERY,
    },
)
_FOOD_COMMON = {
    "name_zh": "食品经营许可",
    "name_en": "Food business licence",
    "kind": "licensing",
    "audiences": (G2B,),
    "themes": ("market-access",),
    "life_events": ("open-restaurant", "start-business"),
    "materials": _FOOD_MATERIALS,
    "locations": BUSINESS_HALLS,
    "faqs": _FOOD_FAQS,
    "result_description": "《食品经营许可证》（含电子证照）",
    "form_schema": _FOOD_FORM,
    "contact_phone": "0999-88013020",
    "is_mobile": True,
}

FOOD_BUSINESS_LICENCE = Item(
    code="SCJ-XK-001",
    department="SCJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2023, 3, 1),
            summary_zh="在示范市从事食品销售和餐饮服务的经营者申请食品经营许可。",
            summary_en="Licence for food retail and catering businesses in Shifan.",
            legal_basis=(
                "《中华人民共和国食品安全法》第三十五条第一款：国家对食品生产经营实行许可制度。"
                "从事食品生产、食品销售、餐饮服务，应当依法取得许可。\n"
                "《食品经营许可管理办法》（国家食品药品监督管理总局令第17号）。"
            ),
            conditions=(
                "1. 具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所；\n"
                "2. 具有与经营的食品品种、数量相适应的经营设备或者设施；\n"
                "3. 有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；\n"
                "4. 具有合理的设备布局和工艺流程。"
            ),
            statutory_days=20,
            committed_days=10,
            process_description="申请 → 受理 → 审查（含现场核查） → 决定 → 制证送达",
            **_FOOD_COMMON,
        ),
        Guide(
            number=2,
            published_on=dt.date(2024, 1, 2),
            summary_zh=(
                "在示范市从事食品销售和餐饮服务的经营者申请食品经营许可。"
                "依据新办法，法定时限缩短为10个工作日，承诺3个工作日办结。"
            ),
            summary_en=(
                "Licence for food retail and catering businesses in Shifan; now decided "
                "within 3 working days."
            ),
            legal_basis=(
                "《中华人民共和国食品安全法》第三十五条第一款：国家对食品生产经营实行许可制度。"
                "从事食品生产、食品销售、餐饮服务，应当依法取得许可。但是，销售食用农产品和"
                "仅销售预包装食品的，不需要取得许可。\n"
                "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）。"
            ),
            conditions=(
                "1. 具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，"
                "保持该场所环境整洁，并与有毒、有害场所以及其他污染源保持规定的距离；\n"
                "2. 具有与经营的食品品种、数量相适应的经营设备或者设施；\n"
                "3. 有专职或者兼职的食品安全总监、食品安全员等食品安全管理人员和保证食品安全的规章制度；\n"
                "4. 具有合理的设备布局和工艺流程，防止待加工食品与直接入口食品、原料与成品交叉污染。"
            ),
            statutory_days=10,
            committed_days=3,
            process_description=(
                "网上申请或窗口申请 → 受理 → 审查（需现场核查的，自受理起5个工作日内完成） "
                "→ 作出许可决定 → 制发电子证照，纸质证照可选择邮寄"
            ),
            change_note="依据《食品经营许可和备案管理办法》更新设定依据，法定时限由20个工作日调整为10个工作日。",
            **_FOOD_COMMON,
        ),
    ),
)

INDIVIDUAL_BUSINESS = Item(
    code="SCJ-DJ-002",
    department="SCJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 3, 3),
            name_zh="个体工商户登记（设立）",
            name_en="Registration of an individual business",
            kind="licensing",
            summary_zh="有经营能力的公民从事工商业经营，申请登记为个体工商户并领取营业执照。",
            summary_en="Register as a self-employed individual business and receive a licence.",
            legal_basis=(
                "《中华人民共和国市场主体登记管理条例》第三条、第十九条；\n"
                "《促进个体工商户发展条例》第八条。"
            ),
            conditions="有经营能力的自然人；有固定的经营场所；经营范围不属于法律法规禁止的项目。",
            statutory_days=3,
            committed_days=1,
            audiences=(G2C, G2B),
            themes=("market-access", "employment"),
            life_events=("open-restaurant", "employment"),
            materials=(
                Material(
                    "个体工商户登记（备案）申请书",
                    "Registration application form",
                    has_template=True,
                ),
                ID_CARD,
                Material(
                    "经营场所使用相关文件",
                    "Proof of the right to use the premises",
                    form="copy",
                    notes="自有房产提交产权证明，租赁的提交租赁合同。",
                ),
                AGENT_PAPERS,
            ),
            locations=(CITY_CENTRE, HIGHTECH_CENTRE),
            faqs=(
                Faq("个体工商户可以起字号名称吗？", "可以，也可以不使用名称。"),
                Faq(
                    "登记后还需要办理税务登记吗？",
                    "不需要单独办理。营业执照信息共享至税务部门，首次办理涉税事项时补充信息即可。",
                ),
            ),
            process_description="网上申请 → 形式审查 → 当场或3个工作日内登记 → 领取营业执照（可电子）",
            result_description="个体工商户《营业执照》",
            form_schema=person_form(
                "个体工商户登记申请表",
                "Individual business registration",
                {
                    "trade_name": text(
                        "字号名称（可不填）", "Trade name (optional)", max_length=60
                    ),
                    "business_address": ADDRESS,
                    "business_scope": text("经营范围", "Business scope", max_length=300),
                    "delivery": DELIVERY,
                },
            ),
            contact_phone="0999-88013010",
            is_mobile=True,
        ),
    ),
)

COMPANY_REGISTRATION = Item(
    code="SCJ-DJ-003",
    department="SCJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 4, 1),
            name_zh="企业设立登记",
            name_en="Company incorporation",
            kind="licensing",
            summary_zh="有限责任公司、股份有限公司等企业申请设立登记，领取营业执照。",
            summary_en="Incorporate a limited company and receive its business licence.",
            legal_basis=(
                "《中华人民共和国公司法》第二十九条；\n"
                "《中华人民共和国市场主体登记管理条例》第十九条：登记机关对申请材料进行形式审查。"
                "对申请材料齐全、符合法定形式的予以确认并当场登记。不能当场登记的，应当在3个工作日内予以登记。"
            ),
            conditions="名称、住所、注册资本、经营范围、股东及出资等符合法律法规规定。",
            statutory_days=3,
            committed_days=1,
            audiences=(G2B,),
            themes=("market-access",),
            life_events=("start-business",),
            materials=(
                Material(
                    "公司登记（备案）申请书",
                    "Company registration application form",
                    has_template=True,
                ),
                Material("公司章程", "Articles of association"),
                Material(
                    "股东的主体资格文件或者自然人身份证明",
                    "Shareholders' identity documents",
                    form="copy",
                ),
                Material(
                    "法定代表人、董事、监事和高级管理人员的任职文件",
                    "Appointment of the legal representative, directors and managers",
                ),
                Material("住所使用相关文件", "Proof of the registered address", form="copy"),
            ),
            locations=BUSINESS_HALLS,
            faqs=(
                Faq(
                    "注册资本需要实缴吗？",
                    "有限责任公司全体股东认缴的出资额应当按照公司章程规定自公司成立之日起五年内缴足。",
                ),
                Faq(
                    "可以用住宅作为公司住所吗？",
                    "按照示范市住所登记管理规定，部分行业可以使用住宅登记，但需提交住所承诺书。",
                ),
            ),
            process_description="名称自主申报 → 网上提交设立登记 → 审查 → 核发营业执照",
            result_description="《营业执照》（含电子营业执照）",
            form_schema=enterprise_form(
                "企业设立登记申请表",
                "Company incorporation application",
                {
                    "registered_address": ADDRESS,
                    "registered_capital": {
                        "type": "number",
                        "title": "注册资本（万元）",
                        "title_en": "Registered capital (10,000 yuan)",
                        "minimum": 0,
                    },
                    "business_scope": text("经营范围", "Business scope", max_length=500),
                },
            ),
            contact_phone="0999-88013010",
        ),
    ),
)

START_BUSINESS = Item(
    code="ZWB-YJS-001",
    department="ZWB",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 6, 16),
            name_zh="企业开办“一件事”（营业执照、公章刻制、发票申领、社保登记）",
            name_en="Start a business in one go (licence, seal, invoices, social insurance)",
            kind="public_service",
            summary_zh=(
                "一次申请、一表填报：市场监管、公安、税务、人社四个部门并联办理营业执照、"
                "公章刻制备案、发票申领和单位参保登记，1个工作日内办结。"
            ),
            summary_en=(
                "One application for four departments (market regulation, police, tax, "
                "social insurance): licence, company seal, invoices and insurance in one day."
            ),
            legal_basis=(
                "《优化营商环境条例》第十九条：国家持续深化商事制度改革，统一企业登记业务规范，"
                "统一数据标准和平台服务接口，采用统一社会信用代码进行登记管理。\n"
                "《中华人民共和国市场主体登记管理条例》第十九条。"
            ),
            conditions="申请设立企业，符合企业设立登记条件。",
            statutory_days=3,
            committed_days=1,
            audiences=(G2B,),
            themes=("market-access", "tax", "employer-services"),
            life_events=("start-business",),
            materials=(
                Material(
                    "企业开办一表通申请表",
                    "Single application form for starting a business",
                    has_template=True,
                ),
                Material("公司章程", "Articles of association"),
                Material(
                    "股东、法定代表人身份证明",
                    "Identity documents of shareholders and the legal representative",
                    form="copy",
                ),
                Material("住所使用相关文件", "Proof of the registered address", form="copy"),
            ),
            locations=(CITY_CENTRE, HIGHTECH_CENTRE),
            faqs=(
                Faq(
                    "企业开办需要跑几次？",
                    "全程网办的零跑动；选择窗口领取的，营业执照、印章、发票和税控设备一次领取。",
                ),
                Faq(
                    "刻制公章要收费吗？", "示范市新开办企业首套印章（4枚）由政府购买服务免费刻制。"
                ),
                Faq(
                    "各部门的办理结果如何查询？", "在“我的办件”中可以看到每个部门的办理进度和结果。"
                ),
            ),
            process_description=(
                "一表填报 → 市场监管部门核发营业执照 → 公安部门公章刻制备案、"
                "税务部门发票申领、人社部门单位参保登记并联办理 → 一次领取"
            ),
            result_description="营业执照、印章、发票、社会保险登记信息",
            form_schema=enterprise_form(
                "企业开办一表通",
                "Starting a business: single form",
                {
                    "registered_address": ADDRESS,
                    "seal_count": {
                        "type": "integer",
                        "title": "刻制印章数量",
                        "title_en": "Number of seals",
                        "minimum": 1,
                        "maximum": 10,
                        "default": 4,
                    },
                    "invoice_kind": choice(
                        "申领发票种类",
                        "Invoice type",
                        [
                            ("general", "增值税普通发票", "Ordinary VAT invoice"),
                            ("special", "增值税专用发票", "Special VAT invoice"),
                            ("digital", "全面数字化电子发票", "Fully digital e-invoice"),
                        ],
                    ),
                    "employees": {
                        "type": "integer",
                        "title": "参保职工人数",
                        "title_en": "Employees to insure",
                        "minimum": 0,
                    },
                },
            ),
            contact_phone="0999-88012345",
            is_mobile=True,
        ),
    ),
)

ITEMS = [
    FOOD_BUSINESS_LICENCE,
    INDIVIDUAL_BUSINESS,
    COMPANY_REGISTRATION,
    START_BUSINESS,
]
