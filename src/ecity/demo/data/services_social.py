# ruff: noqa: E501 - the guides are long Chinese legal texts; wrapping them hurts reading
"""Demo service guides: social insurance (人社), civil affairs (民政) and education (教育)."""

from __future__ import annotations

import datetime as dt

from ecity.demo.data.blocks import (
    ADDRESS,
    BUSINESS_LICENCE,
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

_SOCIAL_CENTRE = Location(
    "示范市社会保险事业管理中心服务大厅",
    "示范市滨江区江滨大道200号",
    "周一至周五 9:00-17:00（法定节假日除外）",
    "0999-12333",
)

RESIDENT_PENSION = Item(
    code="RSJ-GG-001",
    department="RSJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 1, 6),
            name_zh="城乡居民养老保险参保登记",
            name_en="Enrolment in the urban and rural residents' pension scheme",
            kind="public_service",
            summary_zh="年满16周岁、不在校、未参加职工基本养老保险的城乡居民办理参保登记。",
            summary_en="Residents aged 16+ who are not students or covered by the employees' scheme enrol.",
            legal_basis=(
                "《中华人民共和国社会保险法》第二十条、第二十二条；\n"
                "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）。"
            ),
            conditions="年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民。",
            statutory_days=5,
            committed_days=1,
            audiences=(G2C,),
            themes=("social-security",),
            life_events=("pension", "employment"),
            materials=(
                ID_CARD,
                Material(
                    "户口簿",
                    "Household register",
                    is_mandatory=False,
                    notes="已通过户籍信息共享核验的，免于提交。",
                    is_exempt=True,
                ),
                Material("城乡居民基本养老保险参保登记表", "Enrolment form", has_template=True),
            ),
            locations=(_SOCIAL_CENTRE, *CITY_HALLS[1:]),
            faqs=(
                Faq("缴费档次有哪些？", "示范市设每年200元至5000元共12个缴费档次，多缴多得。"),
                Faq("在哪里缴费？", "参保登记后，通过税务部门的缴费渠道（银行、手机App）缴纳。"),
                Faq(
                    "什么时候可以领取养老金？",
                    "年满60周岁、累计缴费满15年，可以按月领取城乡居民养老保险待遇。",
                ),
            ),
            process_description="在线或窗口申请 → 信息核验 → 即时登记",
            result_description="城乡居民养老保险参保信息",
            form_schema=person_form(
                "城乡居民养老保险参保登记",
                "Residents' pension enrolment",
                {
                    "household_address": text("户籍地址", "Registered residence", max_length=200),
                    "contribution_level": choice(
                        "缴费档次（元/年）",
                        "Contribution (yuan per year)",
                        [
                            ("200", "200元", "200 yuan"),
                            ("500", "500元", "500 yuan"),
                            ("1000", "1000元", "1,000 yuan"),
                            ("2000", "2000元", "2,000 yuan"),
                            ("5000", "5000元", "5,000 yuan"),
                        ],
                    ),
                },
            ),
            contact_phone="0999-12333",
            is_mobile=True,
        ),
    ),
)

EMPLOYER_INSURANCE = Item(
    code="RSJ-QR-002",
    department="RSJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 3, 24),
            name_zh="单位参保登记",
            name_en="Employer registration for social insurance",
            kind="confirmation",
            summary_zh="用人单位自成立之日起三十日内办理社会保险登记。",
            summary_en="Employers register for social insurance within 30 days of incorporation.",
            legal_basis=(
                "《中华人民共和国社会保险法》第五十七条：用人单位应当自成立之日起三十日内凭营业执照、"
                "登记证书或者单位印章，向当地社会保险经办机构申请办理社会保险登记。"
                "社会保险经办机构应当自收到申请之日起十五日内予以审核，发给社会保险登记证件。"
            ),
            conditions="在示范市依法设立的用人单位。",
            statutory_days=15,
            committed_days=1,
            audiences=(G2B,),
            themes=("employer-services",),
            life_events=("start-business", "hiring"),
            materials=(
                BUSINESS_LICENCE,
                Material("社会保险登记表", "Social insurance registration form", has_template=True),
                Material("经办人身份证件", "Identity document of the person handling the matter"),
            ),
            locations=(_SOCIAL_CENTRE,),
            faqs=(
                Faq(
                    "企业开办时已经登记了，还需要再办吗？",
                    "通过企业开办“一件事”办理的，已同步完成单位参保登记，无需重复办理。",
                ),
                Faq("新招用职工怎么参保？", "自用工之日起三十日内为职工办理参保登记（增员）。"),
            ),
            process_description="网上申请 → 信息核验 → 登记",
            result_description="社会保险登记信息",
            form_schema=enterprise_form(
                "单位参保登记",
                "Employer social insurance registration",
                {
                    "employees": {
                        "type": "integer",
                        "title": "职工人数",
                        "title_en": "Number of employees",
                        "minimum": 0,
                    },
                    "founded_on": date("成立日期", "Date of incorporation"),
                },
            ),
            contact_phone="0999-12333",
        ),
    ),
)

UNEMPLOYMENT_BENEFIT = Item(
    code="RSJ-GF-003",
    department="RSJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 5, 26),
            name_zh="失业保险金申领",
            name_en="Unemployment benefit claim",
            kind="payment",
            summary_zh="符合条件的失业人员申请领取失业保险金，同时享受职工医保待遇。",
            summary_en="Eligible unemployed people claim unemployment benefit.",
            legal_basis=(
                "《中华人民共和国社会保险法》第四十五条、第五十条；\n《失业保险条例》第十四条。"
            ),
            conditions=(
                "1. 失业前用人单位和本人已经缴纳失业保险费满一年的；\n"
                "2. 非因本人意愿中断就业的；\n"
                "3. 已经进行失业登记，并有求职要求的。"
            ),
            statutory_days=10,
            committed_days=3,
            audiences=(G2C,),
            themes=("social-security", "employment"),
            life_events=("employment",),
            materials=(
                ID_CARD,
                Material(
                    "解除或终止劳动关系证明", "Proof of termination of employment", form="copy"
                ),
                Material("社会保障卡或银行账户信息", "Social security card or bank account"),
            ),
            locations=(_SOCIAL_CENTRE,),
            faqs=(
                Faq(
                    "失业保险金能领多久？",
                    "按累计缴费年限确定：满1年不足5年的最长12个月，满5年不足10年的最长18个月，10年以上的最长24个月。",
                ),
                Faq(
                    "领取期间找到工作怎么办？",
                    "重新就业的，停止领取失业保险金，请及时告知经办机构。",
                ),
            ),
            process_description="失业登记 → 网上申领 → 资格审核 → 按月发放",
            result_description="按月发放失业保险金",
            form_schema=person_form(
                "失业保险金申领",
                "Unemployment benefit claim",
                {
                    "last_employer": text("原工作单位", "Last employer", max_length=200),
                    "left_on": date("离职日期", "Date employment ended"),
                    "bank_account": text(
                        "银行账号", "Bank account number", max_length=30, pattern="[0-9]{12,30}"
                    ),
                },
            ),
            contact_phone="0999-12333",
            is_mobile=True,
        ),
    ),
)

RETIREMENT = Item(
    code="RSJ-QR-004",
    department="RSJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 6, 30),
            name_zh="职工基本养老保险退休待遇核定",
            name_en="Pension entitlement on retirement (employees' scheme)",
            kind="confirmation",
            summary_zh="参保职工达到法定退休年龄，申请核定基本养老金，按月领取。",
            summary_en="Employees reaching retirement age have their monthly pension calculated.",
            legal_basis=(
                "《中华人民共和国社会保险法》第十六条：参加基本养老保险的个人，达到法定退休年龄时"
                "累计缴费满十五年的，按月领取基本养老金。\n"
                "《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》。"
            ),
            conditions="达到法定退休年龄，累计缴费年限达到规定的最低缴费年限。",
            statutory_days=20,
            committed_days=10,
            audiences=(G2C, G2B),
            themes=("social-security",),
            life_events=("retirement",),
            materials=(
                ID_CARD,
                Material("职工退休申报表", "Retirement declaration form", has_template=True),
                Material("本人档案", "Personnel file", notes="由单位或档案保管机构提供。"),
            ),
            locations=(_SOCIAL_CENTRE,),
            faqs=(
                Faq("可以提前申请吗？", "可在达到退休年龄前3个月通过单位或个人网上申报。"),
                Faq("待遇什么时候开始发放？", "核定后自达到退休年龄的次月起按月发放。"),
            ),
            process_description="申报 → 档案审核 → 缴费年限核定 → 待遇计算 → 按月发放",
            result_description="基本养老金待遇核定表",
            form_schema=person_form(
                "退休待遇申报",
                "Retirement declaration",
                {
                    "employer": text("所在单位", "Employer", max_length=200),
                    "retire_on": date("退休日期", "Retirement date"),
                },
            ),
            contact_phone="0999-12333",
        ),
    ),
)

MARRIAGE = Item(
    code="MZJ-QR-001",
    department="MZJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 5, 12),
            name_zh="结婚登记",
            name_en="Marriage registration",
            kind="confirmation",
            summary_zh="要求结婚的男女双方共同到婚姻登记机关申请结婚登记。可在网上预约登记时间。",
            summary_en="Couples register their marriage in person; book an appointment online.",
            legal_basis=(
                "《中华人民共和国民法典》第一千零四十九条：要求结婚的男女双方应当亲自到婚姻登记机关"
                "申请结婚登记。\n《婚姻登记条例》。"
            ),
            conditions="男女双方完全自愿；达到法定婚龄（男22周岁、女20周岁）；双方均无配偶；非直系血亲和三代以内旁系血亲。",
            statutory_days=1,
            committed_days=1,
            audiences=(G2C,),
            themes=("marriage-family",),
            life_events=("marriage",),
            materials=(
                Material("双方本人居民身份证", "Both partners' resident ID cards"),
                Material(
                    "双方近期半身免冠合影照片",
                    "Recent joint photos",
                    copies=3,
                    notes="2寸，红色背景；登记处可现场拍摄。",
                ),
                Material(
                    "无配偶及无禁止结婚亲属关系的签字声明",
                    "Signed declaration",
                    notes="在登记员面前签署。",
                ),
            ),
            locations=(
                Location(
                    "示范市婚姻登记中心",
                    "示范市东城区民安路3号",
                    "周一至周六 9:00-12:00，13:30-17:00（周六仅办理结婚登记）",
                    "0999-88017020",
                ),
            ),
            faqs=(
                Faq(
                    "需要户口簿吗？",
                    "不需要。按照现行《婚姻登记条例》，凭双方身份证即可在全国任一婚姻登记机关办理。",
                ),
                Faq("可以预约特殊日期吗？", "可以，网上预约通道提前30天开放。"),
            ),
            process_description="网上预约 → 双方到场 → 审查、签字 → 颁证",
            result_description="《结婚证》",
            form_schema=person_form(
                "结婚登记预约",
                "Marriage registration appointment",
                {
                    "partner_name": text("另一方姓名", "Partner's name", max_length=50),
                    "partner_id_number": {
                        **ID_NUMBER,
                        "title": "另一方身份号码",
                        "title_en": "Partner's ID number",
                    },
                    "appointment_on": date("预约日期", "Appointment date"),
                },
            ),
            is_online=True,
            contact_phone="0999-88017020",
        ),
    ),
)

MINIMUM_LIVING_ALLOWANCE = Item(
    code="MZJ-GF-002",
    department="MZJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 4, 7),
            name_zh="最低生活保障审核确认",
            name_en="Minimum living allowance (dibao)",
            kind="payment",
            summary_zh="共同生活的家庭成员人均收入低于当地最低生活保障标准且财产符合规定的家庭申请低保。",
            summary_en="Households whose income is below the local minimum apply for the dibao allowance.",
            legal_basis=(
                "《社会救助暂行办法》第九条、第十一条；\n《最低生活保障审核确认办法》（民发〔2021〕57号）。"
            ),
            conditions="持有示范市户籍；家庭人均收入低于示范市城乡低保标准；家庭财产状况符合规定。",
            statutory_days=30,
            committed_days=20,
            audiences=(G2C,),
            themes=("marriage-family",),
            life_events=("hardship",),
            materials=(
                Material("最低生活保障申请书", "Application", has_template=True),
                Material(
                    "家庭成员身份证件和户口簿",
                    "Household members' IDs and household register",
                    form="copy",
                ),
                Material("家庭经济状况核对授权书", "Authorisation to check household finances"),
                Material(
                    "残疾证、病历等证明", "Disability or medical certificates", is_mandatory=False
                ),
            ),
            locations=(
                Location(
                    "东华街道便民服务中心",
                    "示范市东城区东华路9号",
                    "周一至周五 9:00-12:00，13:30-17:00",
                    "0999-88103001",
                ),
                Location(
                    "江滨街道便民服务中心",
                    "示范市滨江区江滨大道12号",
                    "周一至周五 9:00-12:00，13:30-17:00",
                    "0999-88503001",
                ),
            ),
            faqs=(
                Faq("在哪里申请？", "向户籍所在地街道办事处或乡镇人民政府申请，也可以在线申请。"),
                Faq("会公示吗？", "审核确认前，在申请家庭所在社区公示7天。"),
            ),
            process_description="申请 → 街道受理 → 家庭经济状况核对、入户调查 → 公示 → 民政部门确认",
            result_description="按月发放最低生活保障金",
            form_schema=person_form(
                "最低生活保障申请",
                "Minimum living allowance application",
                {
                    "household_size": {
                        "type": "integer",
                        "title": "共同生活家庭成员人数",
                        "title_en": "Household members",
                        "minimum": 1,
                    },
                    "monthly_income": {
                        "type": "number",
                        "title": "家庭月收入（元）",
                        "title_en": "Monthly household income (yuan)",
                        "minimum": 0,
                    },
                    "reason": text(
                        "申请理由", "Reason", max_length=500, **{"x-widget": "textarea"}
                    ),
                },
            ),
            contact_phone="0999-88017001",
        ),
    ),
)

SCHOOL_ENROLMENT = Item(
    code="JYJ-GG-001",
    department="JYJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2026, 4, 1),
            name_zh="义务教育阶段入学登记",
            name_en="School enrolment (compulsory education)",
            kind="public_service",
            summary_zh="适龄儿童入读小学一年级、小学毕业生入读初中一年级的网上入学登记。",
            summary_en="Online enrolment for the first year of primary or junior secondary school.",
            legal_basis=(
                "《中华人民共和国义务教育法》第十二条：适龄儿童、少年免试入学。地方各级人民政府应当保障"
                "适龄儿童、少年在户籍所在地学校就近入学。"
            ),
            conditions="当年8月31日前年满6周岁的适龄儿童；随迁子女按示范市积分入学办法执行。",
            statutory_days=20,
            committed_days=15,
            audiences=(G2C,),
            themes=("education",),
            life_events=("schooling",),
            materials=(
                Material("儿童户口簿或居住证", "Child's household register or residence permit"),
                Material("监护人身份证件", "Guardian's identity document"),
                Material(
                    "房产证明或租赁备案证明",
                    "Proof of home ownership or registered tenancy",
                    form="copy",
                ),
                Material("预防接种证查验证明", "Vaccination check certificate", is_mandatory=False),
            ),
            locations=CITY_HALLS,
            faqs=(
                Faq(
                    "什么时候登记？",
                    "每年4月至5月开放网上登记，具体时间以示范市教育局当年招生公告为准。",
                ),
                Faq("学区怎么划分？", "按就近入学原则由区教育局划定并向社会公布。"),
            ),
            process_description="网上登记 → 材料审核 → 学位分配 → 发放入学通知",
            result_description="入学通知书",
            form_schema=person_form(
                "义务教育入学登记",
                "School enrolment",
                {
                    "child_name": text("儿童姓名", "Child's name", max_length=50),
                    "child_id_number": {
                        **ID_NUMBER,
                        "title": "儿童身份号码",
                        "title_en": "Child's ID number",
                    },
                    "grade": choice(
                        "入学年级",
                        "Entering",
                        [
                            ("primary", "小学一年级", "Primary year 1"),
                            ("junior", "初中一年级", "Junior secondary year 1"),
                        ],
                    ),
                    "home_address": ADDRESS,
                },
            ),
            contact_phone="0999-88018001",
            is_mobile=True,
        ),
    ),
)

ITEMS = [
    RESIDENT_PENSION,
    EMPLOYER_INSURANCE,
    UNEMPLOYMENT_BENEFIT,
    RETIREMENT,
    MARRIAGE,
    MINIMUM_LIVING_ALLOWANCE,
    SCHOOL_ENROLMENT,
]
