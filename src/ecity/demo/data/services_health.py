# ruff: noqa: E501 - the guides are long Chinese legal texts; wrapping them hurts reading
"""Demo service guides: health (卫健委) and medical insurance (医保局)."""

from __future__ import annotations

import datetime as dt

from ecity.demo.data.blocks import (
    ADDRESS,
    AGENT_PAPERS,
    BUSINESS_HALLS,
    BUSINESS_LICENCE,
    CITY_CENTRE,
    CITY_HALLS,
    G2B,
    G2C,
    ID_CARD,
    ID_NUMBER,
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

PUBLIC_VENUE_HYGIENE = Item(
    code="WJW-XK-001",
    department="WJW",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 2, 17),
            name_zh="公共场所卫生许可",
            name_en="Public venue hygiene permit",
            kind="licensing",
            summary_zh="宾馆、美容美发、游泳场所等公共场所的经营单位在开业前申请卫生许可证。",
            summary_en="Hotels, hairdressers, swimming pools and other public venues need a hygiene permit.",
            legal_basis=(
                "《公共场所卫生管理条例》第四条：国家对公共场所以及新建、改建、扩建的公共场所的选址"
                "和设计实行“卫生许可证”制度。\n"
                "《公共场所卫生管理条例实施细则》（原卫生部令第80号）第二十二条。"
            ),
            conditions=(
                "1. 场所选址、设计、装修符合国家卫生标准和规范；\n"
                "2. 有相应的卫生设施设备，配备专（兼）职卫生管理人员；\n"
                "3. 从业人员取得有效健康合格证明；\n"
                "4. 建立卫生管理制度和卫生管理档案。"
            ),
            statutory_days=20,
            committed_days=5,
            audiences=(G2B,),
            themes=("public-health-permits",),
            life_events=("open-restaurant",),
            materials=(
                Material("卫生许可证申请表", "Hygiene permit application form", has_template=True),
                Material(
                    "法定代表人或者负责人身份证明",
                    "Identity document of the legal representative",
                    form="copy",
                ),
                Material(
                    "公共场所地址方位示意图、平面图和卫生设施平面布局图",
                    "Location map, floor plan and layout of hygiene facilities",
                    form="copy",
                ),
                Material("公共场所卫生检测或者评价报告", "Hygiene test or assessment report"),
                Material("公共场所卫生管理制度", "Hygiene management rules", form="copy"),
                BUSINESS_LICENCE,
            ),
            locations=BUSINESS_HALLS,
            faqs=(
                Faq(
                    "哪些公共场所需要卫生许可？",
                    "宾馆、旅店、公共浴室、理发店、美容店、游泳场（馆）等；"
                    "饭馆、咖啡馆、酒吧、茶座已取消卫生许可，由市场监管部门实施食品经营许可。",
                ),
                Faq(
                    "可以告知承诺办理吗？",
                    "可以。申请人书面承诺符合许可条件的，当场作出许可决定，事后核查。",
                ),
                Faq("卫生许可证有效期是多久？", "公共场所卫生许可证有效期为4年。"),
            ),
            process_description="申请 → 受理 → 资料审查、现场审核 → 许可决定 → 发证",
            result_description="《公共场所卫生许可证》",
            form_schema=enterprise_form(
                "公共场所卫生许可申请表",
                "Public venue hygiene permit application",
                {
                    "venue_address": ADDRESS,
                    "venue_type": choice(
                        "场所类别",
                        "Type of venue",
                        [
                            ("hotel", "住宿场所", "Accommodation"),
                            ("beauty", "美容美发场所", "Hairdressing and beauty"),
                            ("bath", "沐浴场所", "Bath house"),
                            ("swimming", "游泳场（馆）", "Swimming pool"),
                        ],
                    ),
                    "floor_area": {
                        "type": "integer",
                        "title": "营业面积（平方米）",
                        "title_en": "Floor area (m²)",
                        "minimum": 1,
                    },
                    "commitment": choice(
                        "是否告知承诺办理",
                        "Apply with a written commitment",
                        [
                            ("yes", "是", "Yes"),
                            ("no", "否", "No"),
                        ],
                    ),
                },
            ),
            contact_phone="0999-88015010",
        ),
    ),
)

_BABY_FIELDS = {
    "baby_name": text("新生儿姓名", "Baby's name", max_length=50),
    "baby_sex": choice("新生儿性别", "Baby's sex", [("m", "男", "Male"), ("f", "女", "Female")]),
    "born_on": date("出生日期", "Date of birth"),
    "birth_place": text("出生地点（医疗机构）", "Place of birth (hospital)", max_length=100),
}

BIRTH_CERTIFICATE = Item(
    code="WJW-GG-002",
    department="WJW",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 9, 1),
            name_zh="出生医学证明（首次签发）",
            name_en="Medical birth certificate (first issue)",
            kind="public_service",
            summary_zh="在示范市助产机构出生的新生儿，由父母申请首次签发《出生医学证明》。",
            summary_en="Parents of a baby born in a Shifan hospital obtain the medical birth certificate.",
            legal_basis=(
                "《中华人民共和国母婴保健法》第二十三条：医疗保健机构和从事家庭接生的人员按照国务院"
                "卫生行政部门的规定，出具统一制发的新生儿出生医学证明。"
            ),
            conditions="新生儿在示范市具有助产资质的医疗机构出生。",
            statutory_days=3,
            committed_days=1,
            audiences=(G2C,),
            themes=("health-care", "marriage-family"),
            life_events=("birth",),
            materials=(
                Material("父母双方有效身份证件", "Identity documents of both parents"),
                Material(
                    "《出生医学证明》首次签发信息登记表",
                    "Birth certificate information form",
                    has_template=True,
                ),
                Material(
                    "分娩住院证明",
                    "Proof of hospital delivery",
                    is_mandatory=False,
                    notes="助产机构可在院内系统核验的，免于提交。",
                    is_exempt=True,
                ),
                AGENT_PAPERS,
            ),
            locations=(
                Location(
                    "示范市妇幼保健院 出生医学证明办理窗口",
                    "示范市东城区健康路20号 门诊一楼",
                    "周一至周五 8:00-12:00，14:00-17:30",
                    "0999-88015120",
                ),
                Location(
                    "示范市第一人民医院 产科服务台",
                    "示范市滨江区江滨大道300号",
                    "周一至周五 8:00-17:00",
                    "0999-88015300",
                ),
            ),
            faqs=(
                Faq(
                    "新生儿姓名填错了怎么办？",
                    "《出生医学证明》签发后，可凭有效证明到签发机构申请变更。",
                ),
                Faq(
                    "出生医学证明有什么用？",
                    "用于办理出生登记（落户）、参加城乡居民医保、接种疫苗等。",
                ),
                Faq("可以网上申请吗？", "可以在线填写登记信息，到签发窗口核验后领取。"),
            ),
            process_description="在线填写登记信息 → 助产机构核验 → 签发 → 窗口领取",
            result_description="《出生医学证明》",
            form_schema=person_form(
                "出生医学证明首次签发登记",
                "Medical birth certificate registration",
                {
                    **_BABY_FIELDS,
                    "mother_name": text("母亲姓名", "Mother's name", max_length=50),
                    "mother_id_number": {
                        **ID_NUMBER,
                        "title": "母亲身份号码",
                        "title_en": "Mother's ID number",
                    },
                    "father_name": text("父亲姓名", "Father's name", max_length=50),
                    "father_id_number": {
                        **ID_NUMBER,
                        "title": "父亲身份号码",
                        "title_en": "Father's ID number",
                    },
                },
            ),
            is_online=True,
            contact_phone="0999-88015120",
        ),
    ),
)

PHYSICIAN_REGISTRATION = Item(
    code="WJW-XK-003",
    department="WJW",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2024, 12, 2),
            name_zh="医师执业注册",
            name_en="Registration of a medical practitioner",
            kind="licensing",
            summary_zh="取得医师资格的人员申请医师执业注册，取得医师执业证书。",
            summary_en="Qualified doctors register to practise medicine.",
            legal_basis=(
                "《中华人民共和国医师法》第十三条：国家实行医师执业注册制度。"
                "取得医师资格的，可以向所在地县级以上地方人民政府卫生健康主管部门申请注册。"
                "医师执业注册管理的具体办法，由国务院卫生健康主管部门制定。\n《医师执业注册管理办法》。"
            ),
            conditions="取得医师资格；身体健康，能胜任医疗工作；无不予注册的情形。",
            statutory_days=20,
            committed_days=5,
            audiences=(G2C,),
            themes=("health-care", "employment"),
            life_events=("employment",),
            materials=(
                Material(
                    "医师执业注册申请审核表", "Registration application form", has_template=True
                ),
                Material("近6个月内的健康体检证明", "Health check (last 6 months)"),
                Material("拟执业医疗机构的聘用证明", "Offer from the medical institution"),
                ID_CARD,
            ),
            locations=(CITY_CENTRE,),
            faqs=(
                Faq(
                    "医师资格证书和执业证书有什么区别？",
                    "医师资格证书证明具备行医资格，执业证书是在注册的执业地点、类别和范围内执业的凭证。",
                ),
                Faq(
                    "变更执业地点需要重新注册吗？",
                    "需要办理变更注册，可通过电子化注册系统在线办理。",
                ),
            ),
            process_description="电子化注册系统申请 → 审核 → 注册 → 发放电子证照",
            result_description="《医师执业证书》（电子证照）",
            form_schema=person_form(
                "医师执业注册申请",
                "Medical practitioner registration",
                {
                    "qualification_no": text(
                        "医师资格证书编码", "Qualification certificate number", max_length=30
                    ),
                    "practice_category": choice(
                        "执业类别",
                        "Category",
                        [
                            ("clinical", "临床", "Clinical medicine"),
                            ("tcm", "中医", "Traditional Chinese medicine"),
                            ("dental", "口腔", "Dentistry"),
                            ("public_health", "公共卫生", "Public health"),
                        ],
                    ),
                    "institution": text("执业机构", "Medical institution", max_length=100),
                },
            ),
            contact_phone="0999-88015001",
            is_mobile=True,
        ),
    ),
)

OUT_OF_TOWN_MEDICAL = Item(
    code="YBJ-GG-001",
    department="YBJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 10, 13),
            name_zh="基本医疗保险跨省异地就医备案",
            name_en="Registration for medical treatment in another province",
            kind="public_service",
            summary_zh="参保人员异地长期居住或临时外出就医，备案后可在就医地直接结算医疗费用。",
            summary_en="Register before seeking treatment in another province so bills are settled directly.",
            legal_basis=(
                "《中华人民共和国社会保险法》第二十九条；\n"
                "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》"
                "（医保发〔2022〕22号）。"
            ),
            conditions="参加示范市基本医疗保险，异地长期居住（异地安置退休、异地长期居住、常驻异地工作）或临时外出就医。",
            statutory_days=1,
            committed_days=1,
            audiences=(G2C,),
            themes=("health-care", "social-security"),
            life_events=("retirement", "pension"),
            materials=(
                Material("社会保障卡或有效身份证件", "Social security card or ID"),
                Material(
                    "跨省异地就医备案表",
                    "Registration form",
                    has_template=True,
                    is_mandatory=False,
                    notes="线上办理的无需提交。",
                ),
                Material("异地居住证明或个人承诺书", "Proof of residence or written commitment"),
                Material(
                    "转诊证明",
                    "Referral from the treating hospital",
                    is_mandatory=False,
                    notes="异地转诊人员提供。",
                ),
            ),
            locations=CITY_HALLS,
            faqs=(
                Faq(
                    "备案后多久生效？",
                    "线上备案即时生效，备案有效期内可在就医地定点医疗机构直接结算。",
                ),
                Faq(
                    "临时外出就医可以先就医后备案吗？",
                    "可以。在出院结算前补办备案的，可以享受直接结算。",
                ),
            ),
            process_description="国家医保服务平台或本平台在线备案 → 即时办结",
            result_description="异地就医备案信息（可直接结算）",
            form_schema=person_form(
                "跨省异地就医备案",
                "Out-of-province medical treatment registration",
                {
                    "kind": choice(
                        "备案类型",
                        "Type",
                        [
                            ("resident", "异地长期居住", "Long-term residence"),
                            ("retired", "异地安置退休", "Retired and living elsewhere"),
                            ("temporary", "临时外出就医", "Temporary treatment"),
                        ],
                    ),
                    "destination": text(
                        "就医地（省、市）", "Where (province, city)", max_length=60
                    ),
                    "starts_on": date("备案开始日期", "Start date"),
                },
            ),
            contact_phone="0999-88020001",
            is_mobile=True,
        ),
    ),
)

ITEMS = [PUBLIC_VENUE_HYGIENE, BIRTH_CERTIFICATE, PHYSICIAN_REGISTRATION, OUT_OF_TOWN_MEDICAL]
