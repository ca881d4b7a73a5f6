# ruff: noqa: E501 - the guides are long Chinese legal texts; wrapping them hurts reading
"""Demo service guides: public security (公安): seals, household registration, ID cards, passports."""

from __future__ import annotations

import datetime as dt

from ecity.demo.data.blocks import (
    AGENT_PAPERS,
    BUSINESS_LICENCE,
    CITY_CENTRE,
    DELIVERY,
    EAST_CENTRE,
    G2B,
    G2C,
    HIGHTECH_CENTRE,
    Faq,
    Guide,
    Item,
    Location,
    Material,
    choice,
    date,
    enterprise_form,
    person_form,
    text,
)

_EXIT_ENTRY_HALL = Location(
    "示范市公安局出入境接待大厅",
    "示范市东城区安平街9号",
    "周一至周六 9:00-17:00（周六不办理加急业务）",
    "0999-88110300",
)
_POLICE_STATIONS = (
    Location(
        "示范市公安局东华派出所户籍窗口",
        "示范市东城区东华路21号",
        "周一至周五 8:30-12:00，14:00-17:30；周六上午",
        "0999-88111021",
    ),
    Location(
        "示范市公安局江滨派出所户籍窗口",
        "示范市滨江区江滨大道58号",
        "周一至周五 8:30-12:00，14:00-17:30；周六上午",
        "0999-88111051",
    ),
)

COMPANY_SEAL = Item(
    code="GAJ-QT-001",
    department="GAJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 6, 16),
            name_zh="公章刻制备案",
            name_en="Registration of a company seal",
            kind="other_power",
            summary_zh="企业、个体工商户等刻制公章，由印章刻制企业通过公安系统备案。新开办企业首套印章免费。",
            summary_en="Seals of new businesses are registered with the police; the first set is free.",
            legal_basis=(
                "《国务院关于国家行政机关和企业事业单位社会团体印章管理的规定》（国发〔1999〕25号）；\n"
                "《国务院关于第六批取消和调整行政审批项目的决定》（国发〔2012〕52号）。"
            ),
            conditions="已领取营业执照的市场主体。",
            statutory_days=1,
            committed_days=1,
            audiences=(G2B,),
            themes=("market-access",),
            life_events=("start-business",),
            materials=(
                BUSINESS_LICENCE,
                Material(
                    "法定代表人身份证件", "Legal representative's identity document", form="copy"
                ),
                Material("公章刻制申请表", "Seal registration form", has_template=True),
                AGENT_PAPERS,
            ),
            locations=(CITY_CENTRE, HIGHTECH_CENTRE),
            faqs=(
                Faq("可以自己选择刻章店吗？", "可以，在平台公布的备案印章刻制企业中自主选择。"),
                Faq(
                    "首套免费印章包括哪些？",
                    "企业公章、财务专用章、发票专用章、法定代表人名章各1枚。",
                ),
            ),
            process_description="在线选择刻章企业 → 刻制 → 公安备案 → 领取（或随营业执照一并寄递）",
            result_description="印章及备案信息",
            form_schema=enterprise_form(
                "公章刻制申请",
                "Company seal request",
                {
                    "seal_kinds": text("印章种类", "Kinds of seal", max_length=200),
                    "delivery": DELIVERY,
                },
            ),
            fee_description="新开办企业首套印章（4枚）由示范市政府购买服务免费刻制；其他印章由刻制企业按市场价收费。",
            contact_phone="0999-88110000",
        ),
    ),
)

PASSPORT = Item(
    code="GAJ-XK-002",
    department="GAJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 7, 14),
            name_zh="普通护照签发",
            name_en="Ordinary passport",
            kind="licensing",
            summary_zh="中国公民因私出国申请普通护照（首次申领、换发、补发）。全国通办。",
            summary_en="Chinese citizens apply for an ordinary passport (first, renewal, replacement).",
            legal_basis=(
                "《中华人民共和国护照法》第五条、第六条：公安机关出入境管理机构应当自收到申请材料之日起"
                "十五日内签发普通护照。"
            ),
            conditions="中国公民，无《中华人民共和国护照法》第十三条规定不予签发的情形。",
            statutory_days=15,
            committed_days=7,
            audiences=(G2C,),
            themes=("household-id",),
            life_events=("travel-abroad",),
            materials=(
                Material("居民身份证", "Resident ID card"),
                Material(
                    "出入境证件申请表",
                    "Exit-entry document application form",
                    has_template=True,
                    notes="可在大厅现场填写或自助机打印。",
                ),
                Material("出入境证件照片", "Passport photo", notes="大厅内可免费现场采集。"),
                Material(
                    "国家工作人员出境审批意见",
                    "Exit approval for civil servants",
                    is_mandatory=False,
                    notes="登记备案的国家工作人员提供。",
                ),
            ),
            locations=(_EXIT_ENTRY_HALL,),
            faqs=(
                Faq("护照有效期多久？", "未满16周岁的为5年，16周岁以上的为10年。"),
                Faq("可以在外地办理吗？", "可以。内地居民可在全国任一出入境管理机构申请普通护照。"),
                Faq("护照可以邮寄吗？", "可以选择邮政速递送达，费用由申请人承担。"),
            ),
            process_description="网上预约 → 现场采集指纹、照片 → 受理 → 审批 → 制证 → 领取或寄递",
            result_description="《中华人民共和国普通护照》",
            form_schema=person_form(
                "普通护照申请预约",
                "Passport application appointment",
                {
                    "kind": choice(
                        "申请类别",
                        "Type of application",
                        [
                            ("first", "首次申领", "First passport"),
                            ("renew", "换发", "Renewal"),
                            ("replace", "补发", "Replacement"),
                        ],
                    ),
                    "appointment_on": date("预约日期", "Appointment date"),
                    "delivery": DELIVERY,
                },
            ),
            is_free=False,
            fee_description="普通护照每本120元。",
            fee_basis="国家发展改革委、财政部关于出入境证件收费标准的有关规定。",
            contact_phone="0999-88110300",
        ),
    ),
)

BIRTH_REGISTRATION = Item(
    code="GAJ-QR-003",
    department="GAJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 9, 1),
            name_zh="出生登记（新生儿落户）",
            name_en="Birth registration (household registration of a newborn)",
            kind="confirmation",
            summary_zh="婴儿出生后一个月以内，由父母向婴儿常住地户口登记机关申报出生登记。",
            summary_en="Register a newborn in the household register within one month of birth.",
            legal_basis=(
                "《中华人民共和国户口登记条例》第七条：婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居"
                "向婴儿常住地户口登记机关申报出生登记。"
            ),
            conditions="新生儿父母一方或双方为示范市常住户口。",
            statutory_days=5,
            committed_days=1,
            audiences=(G2C,),
            themes=("household-id", "marriage-family"),
            life_events=("birth",),
            materials=(
                Material("《出生医学证明》", "Medical birth certificate"),
                Material(
                    "父母双方居民身份证、居民户口簿", "Parents' ID cards and household register"
                ),
                Material(
                    "父母结婚证",
                    "Parents' marriage certificate",
                    is_mandatory=False,
                    notes="已通过婚姻登记信息共享核验的，免于提交。",
                    is_exempt=True,
                ),
                Material("出生登记申请表", "Birth registration form", has_template=True),
            ),
            locations=_POLICE_STATIONS,
            faqs=(
                Faq("超过一个月还能办理吗？", "可以，逾期申报的仍予登记，但需说明原因。"),
                Faq(
                    "可以和出生医学证明、医保参保一起办吗？",
                    "可以。在“生育”场景下可一次申请出生医学证明、落户和城乡居民医保参保。",
                ),
            ),
            process_description="申请 → 派出所审核 → 登记 → 户口簿登记新生儿信息",
            result_description="居民户口簿（新增新生儿户口页）",
            form_schema=person_form(
                "出生登记申请",
                "Birth registration",
                {
                    "baby_name": text("新生儿姓名", "Baby's name", max_length=50),
                    "born_on": date("出生日期", "Date of birth"),
                    "certificate_no": text(
                        "出生医学证明编号", "Birth certificate number", max_length=20
                    ),
                },
            ),
            contact_phone="0999-88110200",
        ),
    ),
)

ID_CARD_RENEWAL = Item(
    code="GAJ-QR-004",
    department="GAJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 10, 20),
            name_zh="居民身份证换领",
            name_en="Renewal of the resident ID card",
            kind="confirmation",
            summary_zh="居民身份证有效期满、登记项目变更或证件严重损坏的，申请换领新证。",
            summary_en="Renew your ID card when it expires, is damaged or its details change.",
            legal_basis=(
                "《中华人民共和国居民身份证法》第十一条：居民身份证有效期满、公民姓名变更或者证件严重损坏"
                "不能辨认的，应当换领新证。"
            ),
            conditions="持有示范市常住户口，或符合异地受理条件的居民。",
            statutory_days=60,
            committed_days=10,
            audiences=(G2C,),
            themes=("household-id",),
            life_events=(),
            materials=(
                Material("原居民身份证", "Current ID card"),
                Material(
                    "居民户口簿",
                    "Household register",
                    is_mandatory=False,
                    notes="户籍信息可在线核验的，免于提交。",
                    is_exempt=True,
                ),
                Material("数码相片", "Digital photo", notes="窗口免费现场采集。"),
            ),
            locations=(*_POLICE_STATIONS, EAST_CENTRE),
            faqs=(
                Faq("有效期满前多久可以换领？", "有效期满前3个月内可以申请换领。"),
                Faq("新证办好前怎么办？", "可以申领临时居民身份证。"),
                Faq("可以在外地换领吗？", "可以，居民身份证异地受理已在全国范围实施。"),
            ),
            process_description="预约 → 采集指纹、照片 → 受理 → 制证 → 领取或邮寄",
            result_description="《中华人民共和国居民身份证》",
            form_schema=person_form(
                "居民身份证换领预约",
                "ID card renewal appointment",
                {
                    "reason": choice(
                        "换领原因",
                        "Reason",
                        [
                            ("expired", "有效期满", "Expired"),
                            ("damaged", "证件损坏", "Damaged"),
                            ("changed", "登记项目变更", "Details changed"),
                        ],
                    ),
                    "delivery": DELIVERY,
                },
            ),
            is_free=False,
            fee_description="换领居民身份证工本费每证20元。",
            fee_basis="《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）",
            contact_phone="0999-88110200",
        ),
    ),
)

ITEMS = [COMPANY_SEAL, PASSPORT, BIRTH_REGISTRATION, ID_CARD_RENEWAL]
