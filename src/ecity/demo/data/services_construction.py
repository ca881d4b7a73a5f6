# ruff: noqa: E501 - the guides are long Chinese legal texts; wrapping them hurts reading
"""Demo service guides: construction, environment, transport, housing and property."""

from __future__ import annotations

import datetime as dt

from ecity.demo.data.blocks import (
    ADDRESS,
    AGENT_PAPERS,
    BUSINESS_HALLS,
    BUSINESS_LICENCE,
    CITY_CENTRE,
    CITY_HALLS,
    DELIVERY,
    G2B,
    G2C,
    Faq,
    Guide,
    Item,
    Location,
    Material,
    date,
    enterprise_form,
    person_form,
    text,
)

_PROJECT_FIELDS = {
    "project_name": text("工程名称", "Project name", max_length=200),
    "project_address": text("工程地址", "Project address", max_length=200),
}

FIRE_ACCEPTANCE = Item(
    code="ZJW-XK-001",
    department="ZJW",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 3, 17),
            name_zh="建设工程消防验收",
            name_en="Fire safety acceptance of a construction project",
            kind="licensing",
            summary_zh="特殊建设工程竣工验收后，建设单位申请消防验收。",
            summary_en="Fire safety acceptance of special construction projects after completion.",
            legal_basis=(
                "《中华人民共和国消防法》第十三条：国务院住房和城乡建设主管部门规定应当申请消防验收的"
                "建设工程竣工，建设单位应当向住房和城乡建设主管部门申请消防验收。\n"
                "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）。"
            ),
            conditions=(
                "1. 属于特殊建设工程，已取得消防设计审查合格意见；\n"
                "2. 已完成工程竣工验收，消防设施经检测合格；\n"
                "3. 按照经审查合格的消防设计文件施工。"
            ),
            statutory_days=15,
            committed_days=10,
            audiences=(G2B,),
            themes=("construction",),
            life_events=("build-project",),
            materials=(
                Material(
                    "消防验收申请表",
                    "Application form for fire safety acceptance",
                    has_template=True,
                ),
                Material("工程竣工验收报告", "Completion acceptance report"),
                Material(
                    "涉及消防的建设工程竣工图纸",
                    "As-built drawings concerning fire safety",
                    form="electronic",
                ),
                Material("消防设施检测报告", "Fire equipment test report", form="original"),
                AGENT_PAPERS,
            ),
            locations=(CITY_CENTRE,),
            faqs=(
                Faq(
                    "哪些工程属于特殊建设工程？",
                    "总建筑面积大于一万平方米的体育场馆、会堂，公共展览馆、博物馆的展示厅等，"
                    "具体范围见《建设工程消防设计审查验收管理暂行规定》第十四条。",
                ),
                Faq(
                    "其他建设工程需要消防验收吗？",
                    "其他建设工程实行备案抽查制度，竣工验收合格之日起5个工作日内备案。",
                ),
                Faq("现场评定不合格怎么办？", "整改后重新申请消防验收。"),
            ),
            process_description="网上申请 → 受理 → 资料审查与现场评定 → 出具消防验收意见",
            result_description="《特殊建设工程消防验收意见书》",
            form_schema=enterprise_form(
                "建设工程消防验收申请表",
                "Fire safety acceptance application",
                {
                    **_PROJECT_FIELDS,
                    "design_approval_no": text(
                        "消防设计审查意见书文号", "Fire design approval number", max_length=50
                    ),
                    "completed_on": date("竣工验收日期", "Completion acceptance date"),
                },
            ),
            contact_phone="0999-88016001",
        ),
    ),
)

CONSTRUCTION_PERMIT = Item(
    code="ZJW-XK-002",
    department="ZJW",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2024, 11, 4),
            name_zh="建筑工程施工许可",
            name_en="Construction permit",
            kind="licensing",
            summary_zh="建筑工程开工前，建设单位申请领取施工许可证。",
            summary_en="Obtain a construction permit before work starts.",
            legal_basis=(
                "《中华人民共和国建筑法》第七条、第八条：建设行政主管部门应当自收到申请之日起七日内，"
                "对符合条件的申请颁发施工许可证。\n"
                "《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）。"
            ),
            conditions=(
                "1. 依法应当办理用地批准手续的，已经办理；\n"
                "2. 已经取得建设工程规划许可证；\n"
                "3. 已经确定施工企业；\n"
                "4. 有满足施工需要的技术资料，施工图设计文件已按规定审查合格；\n"
                "5. 有保证工程质量和安全的具体措施。"
            ),
            statutory_days=7,
            committed_days=3,
            audiences=(G2B,),
            themes=("construction",),
            life_events=("build-project",),
            materials=(
                Material(
                    "建筑工程施工许可证申请表",
                    "Construction permit application form",
                    has_template=True,
                ),
                Material(
                    "建设工程规划许可证",
                    "Planning permit for the construction project",
                    form="copy",
                    notes="已实现电子证照共享的，免于提交。",
                    is_exempt=True,
                ),
                Material(
                    "中标通知书及施工合同", "Letter of award and construction contract", form="copy"
                ),
                Material("工程质量安全措施承诺书", "Commitment on quality and safety measures"),
                BUSINESS_LICENCE,
            ),
            locations=(CITY_CENTRE,),
            faqs=(
                Faq(
                    "工程投资额多少以下不需要办理施工许可证？",
                    "工程投资额在100万元以下或者建筑面积在500平方米以下的建筑工程，可以不申请办理施工许可证。",
                ),
                Faq(
                    "施工许可证有效期多长？",
                    "建设单位应当自领取施工许可证之日起三个月内开工，因故不能按期开工的，可以申请延期。",
                ),
            ),
            process_description="网上申请 → 受理 → 审查 → 核发施工许可证（电子证照）",
            result_description="《建筑工程施工许可证》",
            form_schema=enterprise_form(
                "建筑工程施工许可申请表",
                "Construction permit application",
                {
                    **_PROJECT_FIELDS,
                    "contract_price": {
                        "type": "number",
                        "title": "合同价格（万元）",
                        "title_en": "Contract price (10,000 yuan)",
                        "minimum": 0,
                    },
                    "planned_start_on": date("计划开工日期", "Planned start date"),
                },
            ),
            contact_phone="0999-88016001",
        ),
    ),
)

PUBLIC_RENTAL_HOUSING = Item(
    code="ZJW-GG-003",
    department="ZJW",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 7, 1),
            name_zh="公共租赁住房申请",
            name_en="Application for public rental housing",
            kind="public_service",
            summary_zh="符合条件的城镇中等偏下收入住房困难家庭、新就业无房职工和外来务工人员申请公共租赁住房。",
            summary_en="Low-income households and new workers without a home apply for public rental housing.",
            legal_basis="《公共租赁住房管理办法》（住房和城乡建设部令第11号）第七条。",
            conditions=(
                "1. 在示范市无住房或者住房面积低于规定标准；\n"
                "2. 收入、财产低于规定标准；\n"
                "3. 申请人为外来务工人员的，在示范市稳定就业达到规定年限。"
            ),
            statutory_days=20,
            committed_days=15,
            audiences=(G2C,),
            themes=("housing",),
            life_events=("employment",),
            materials=(
                Material(
                    "公共租赁住房申请表",
                    "Public rental housing application form",
                    has_template=True,
                ),
                Material("家庭成员身份证件及户口簿", "Identity documents and household register"),
                Material("家庭收入证明", "Proof of household income"),
                Material(
                    "劳动合同或社会保险缴费证明",
                    "Employment contract or social insurance record",
                    is_mandatory=False,
                    notes="外来务工人员提供。",
                ),
            ),
            locations=CITY_HALLS,
            faqs=(
                Faq(
                    "审核通过后多久能入住？",
                    "审核通过的家庭进入轮候，按轮候顺序配租，轮候期一般不超过5年。",
                ),
                Faq("租金怎么确定？", "公共租赁住房租金按照略低于同地段住房市场租金水平确定。"),
            ),
            process_description="申请 → 街道初审 → 部门联合审核 → 公示 → 登记轮候 → 配租",
            result_description="公共租赁住房轮候资格",
            form_schema=person_form(
                "公共租赁住房申请表",
                "Public rental housing application",
                {
                    "household_size": {
                        "type": "integer",
                        "title": "家庭人口",
                        "title_en": "Household members",
                        "minimum": 1,
                        "maximum": 15,
                    },
                    "monthly_income": {
                        "type": "number",
                        "title": "家庭月收入（元）",
                        "title_en": "Monthly household income (yuan)",
                        "minimum": 0,
                    },
                    "current_address": ADDRESS,
                },
            ),
            contact_phone="0999-88016001",
        ),
    ),
)

PROPERTY_TRANSFER = Item(
    code="GTJ-QR-001",
    department="GTJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 8, 4),
            name_zh="不动产转移登记（存量房买卖）",
            name_en="Property transfer registration (second-hand home)",
            kind="confirmation",
            summary_zh="买卖二手房后，买卖双方共同申请不动产转移登记，领取不动产权证书。",
            summary_en="Register the transfer of a second-hand home and receive the title certificate.",
            legal_basis=(
                "《中华人民共和国民法典》第二百零九条；\n"
                "《不动产登记暂行条例》第十四条、第二十条：不动产登记机构应当自受理登记申请之日起"
                "30个工作日内办结不动产登记手续，法律另有规定的除外。"
            ),
            conditions="买卖双方已签订房屋买卖合同，房屋无查封等限制转移的情形，已缴纳相关税费。",
            statutory_days=30,
            committed_days=3,
            audiences=(G2C,),
            themes=("housing",),
            life_events=("home-buying",),
            materials=(
                Material(
                    "不动产登记申请书",
                    "Real estate registration application form",
                    has_template=True,
                ),
                Material("买卖双方身份证明", "Identity documents of buyer and seller"),
                Material("不动产权属证书", "Current title certificate"),
                Material("房屋买卖合同", "Purchase contract"),
                Material(
                    "完税凭证",
                    "Proof of tax payment",
                    is_mandatory=False,
                    notes="税务部门已推送完税信息的，免于提交。",
                    is_exempt=True,
                ),
                AGENT_PAPERS,
            ),
            locations=(
                Location(
                    "示范市不动产登记中心",
                    "示范市东城区人民大道150号",
                    "周一至周五 9:00-17:00；周六 9:00-12:00",
                    "0999-88021010",
                ),
            ),
            faqs=(
                Faq("登记费是多少？", "住宅类不动产登记费每件80元，每增加一本证书加收工本费10元。"),
                Faq("可以和税费一起办吗？", "可以。登记、交易、缴税在“一窗受理”窗口一次办理。"),
            ),
            process_description="一窗受理（登记、交易、税费） → 审核 → 登簿 → 发证",
            result_description="《不动产权证书》（含电子证照）",
            form_schema=person_form(
                "不动产转移登记申请",
                "Property transfer registration",
                {
                    "property_address": text("不动产坐落", "Property address", max_length=200),
                    "certificate_no": text(
                        "原不动产权证书号", "Current title certificate number", max_length=50
                    ),
                    "seller_name": text("出卖人姓名", "Seller's name", max_length=50),
                    "seller_id_number": {
                        "type": "string",
                        "title": "出卖人身份号码",
                        "title_en": "Seller's ID number",
                        "format": "id_number",
                    },
                    "delivery": DELIVERY,
                },
            ),
            is_free=False,
            fee_description="住宅类不动产登记费每件80元（含第一本证书工本费），每增加一本证书加收10元。",
            fee_basis="《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
            contact_phone="0999-88021010",
        ),
    ),
)

ENVIRONMENT_ASSESSMENT = Item(
    code="STJ-XK-001",
    department="STJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 4, 21),
            name_zh="建设项目环境影响报告表审批",
            name_en="Approval of an environmental impact report form",
            kind="licensing",
            summary_zh="编制环境影响报告表的建设项目，开工前报生态环境部门审批。",
            summary_en="Projects with an environmental impact report form need approval before work starts.",
            legal_basis=(
                "《中华人民共和国环境影响评价法》第二十二条：审批部门应当自收到环境影响报告书之日起六十日内，"
                "收到环境影响报告表之日起三十日内，分别作出审批决定并书面通知建设单位。"
            ),
            conditions="项目符合生态环境保护法律法规和相关规划，采取的污染防治措施能确保污染物排放达标。",
            statutory_days=30,
            committed_days=15,
            audiences=(G2B,),
            themes=("environment", "construction"),
            life_events=("build-project",),
            materials=(
                Material(
                    "建设项目环境影响评价文件审批申请书",
                    "Application for approval",
                    has_template=True,
                ),
                Material(
                    "环境影响报告表（全本）",
                    "Environmental impact report form (full text)",
                    form="electronic",
                ),
                Material(
                    "删除涉及国家秘密、商业秘密等内容的说明",
                    "Statement on removed confidential content",
                    is_mandatory=False,
                ),
                BUSINESS_LICENCE,
            ),
            locations=BUSINESS_HALLS,
            faqs=(
                Faq(
                    "报告表需要公示吗？",
                    "受理后在示范市生态环境局网站公示报告表全本，公示期不少于5个工作日。",
                ),
                Faq(
                    "哪些项目只需登记表备案？",
                    "按《建设项目环境影响评价分类管理名录》填报登记表的项目，网上备案即可。",
                ),
            ),
            process_description="网上申请 → 受理并公示 → 技术评估 → 审批决定",
            result_description="环境影响报告表审批意见",
            form_schema=enterprise_form(
                "环评审批申请", "Environmental approval application", dict(_PROJECT_FIELDS)
            ),
            contact_phone="0999-12369",
        ),
    ),
)

DANGEROUS_GOODS_TRANSPORT = Item(
    code="JTJ-XK-001",
    department="JTJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2024, 9, 2),
            name_zh="道路危险货物运输经营许可",
            name_en="Licence for road transport of dangerous goods",
            kind="licensing",
            summary_zh="从事道路危险货物运输经营的企业申请道路运输经营许可证。",
            summary_en="Road haulage companies carrying dangerous goods apply for an operating licence.",
            legal_basis=(
                "《中华人民共和国道路运输条例》第二十三条、第二十四条；\n《道路危险货物运输管理规定》。"
            ),
            conditions=(
                "1. 有5辆以上经检测合格的危险货物运输专用车辆；\n"
                "2. 有经所在地设区的市级交通运输主管部门考试合格的驾驶人员、装卸管理人员、押运人员；\n"
                "3. 有健全的安全生产管理制度。"
            ),
            statutory_days=20,
            committed_days=10,
            audiences=(G2B,),
            themes=("transport",),
            life_events=(),
            materials=(
                Material("道路危险货物运输经营申请表", "Application form", has_template=True),
                Material("拟投入车辆承诺书", "Commitment on the vehicles to be used"),
                Material("从业人员资格证", "Qualification certificates of staff", form="copy"),
                Material("安全生产管理制度文本", "Safety management rules"),
                BUSINESS_LICENCE,
            ),
            locations=(
                Location(
                    "示范市交通运输局行政审批窗口",
                    "示范市东城区人民大道100号 三楼",
                    "周一至周五 9:00-17:00",
                    "0999-88019001",
                ),
            ),
            faqs=(
                Faq("许可证有效期多久？", "道路运输经营许可证有效期为4年。"),
                Faq(
                    "车辆可以在取得许可后购置吗？",
                    "可以。提交拟投入车辆承诺书，取得许可后按承诺落实车辆。",
                ),
            ),
            process_description="申请 → 受理 → 审查（含实地核查） → 许可决定 → 发证",
            result_description="《道路运输经营许可证》",
            form_schema=enterprise_form(
                "道路危险货物运输经营申请表",
                "Dangerous goods transport application",
                {
                    "vehicle_count": {
                        "type": "integer",
                        "title": "拟投入车辆数",
                        "title_en": "Number of vehicles",
                        "minimum": 5,
                    },
                    "goods_classes": text(
                        "拟运输危险货物类别", "Classes of dangerous goods", max_length=200
                    ),
                },
            ),
            contact_phone="0999-88019001",
        ),
    ),
)

ITEMS = [
    FIRE_ACCEPTANCE,
    CONSTRUCTION_PERMIT,
    PUBLIC_RENTAL_HOUSING,
    PROPERTY_TRANSFER,
    ENVIRONMENT_ASSESSMENT,
    DANGEROUS_GOODS_TRANSPORT,
]
