"""Demo service guides: tax (税务)."""

from __future__ import annotations

import datetime as dt

from ecity.demo.data.blocks import (
    BUSINESS_LICENCE,
    G2B,
    G2C,
    ID_CARD,
    Faq,
    Guide,
    Item,
    Location,
    Material,
    choice,
    enterprise_form,
    person_form,
    text,
)

INVOICE = Item(
    code="SWJ-QT-001",
    department="SWJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 2, 10),
            name_zh="发票领用",
            name_en="Obtaining invoices",
            kind="other_power",
            summary_zh="已办理涉税信息确认的纳税人首次或按需领用发票。",
            summary_en="Taxpayers obtain invoices (first time or as needed).",
            legal_basis=(
                "《中华人民共和国发票管理办法》第十五条：需要领用发票的单位和个人，应当持设立登记证件"
                "或者税务登记证件，以及经办人身份证明，向主管税务机关办理发票领用手续。"
            ),
            conditions="已办理设立登记并完成涉税信息确认的纳税人。",
            statutory_days=5,
            committed_days=1,
            audiences=(G2B,),
            themes=("tax",),
            life_events=("start-business",),
            materials=(
                Material("经办人身份证件", "Identity document of the person handling the matter"),
                BUSINESS_LICENCE,
                Material(
                    "发票领用表",
                    "Invoice request form",
                    has_template=True,
                    is_mandatory=False,
                    notes="通过电子税务局办理的无需提交。",
                ),
            ),
            locations=(
                Location(
                    "示范市税务局第一税务分局办税服务厅",
                    "示范市东城区财富路8号",
                    "周一至周五 9:00-12:00，13:30-17:00",
                    "0999-12366",
                ),
            ),
            faqs=(
                Faq(
                    "首次领用发票需要到税务局吗？",
                    "不需要，新办纳税人可通过电子税务局在线申领，发票邮寄或自行下载（数电发票）。",
                ),
                Faq(
                    "可以领用多少份发票？",
                    "按照纳税人风险等级和经营情况确定发票领用数量和额度，可按需调整。",
                ),
            ),
            process_description="电子税务局提交 → 税务机关审核 → 发放发票或授予数电发票开票额度",
            result_description="发票或数电发票开票额度",
            form_schema=enterprise_form(
                "发票领用申请",
                "Invoice request",
                {
                    "invoice_kind": choice(
                        "发票种类",
                        "Invoice type",
                        [
                            ("general", "增值税普通发票", "Ordinary VAT invoice"),
                            ("special", "增值税专用发票", "Special VAT invoice"),
                            ("digital", "全面数字化电子发票", "Fully digital e-invoice"),
                        ],
                    )
                },
            ),
            contact_phone="0999-12366",
            is_mobile=True,
        ),
    ),
)

DEED_TAX = Item(
    code="SWJ-GG-002",
    department="SWJ",
    versions=(
        Guide(
            number=1,
            published_on=dt.date(2025, 5, 12),
            name_zh="契税申报",
            name_en="Deed tax return (home purchase)",
            kind="public_service",
            summary_zh="购买住房等承受土地、房屋权属的单位和个人，在办理不动产登记前申报缴纳契税。",
            summary_en="Declare and pay deed tax before registering a property you bought.",
            legal_basis=(
                "《中华人民共和国契税法》第一条、第十条：纳税人应当在依法办理土地、房屋权属登记手续前"
                "申报缴纳契税。"
            ),
            conditions="在中华人民共和国境内转移土地、房屋权属，承受的单位和个人。",
            statutory_days=1,
            committed_days=1,
            audiences=(G2C, G2B),
            themes=("housing", "tax"),
            life_events=("home-buying",),
            materials=(
                ID_CARD,
                Material("房屋买卖合同", "Purchase contract", form="original_and_copy"),
                Material(
                    "家庭住房情况书面查询结果或承诺书",
                    "Household housing status (for tax relief)",
                    is_mandatory=False,
                    notes="享受首套、第二套住房契税优惠的提供。",
                ),
            ),
            locations=(
                Location(
                    "不动产登记税费一窗受理区",
                    "示范市东城区人民大道150号 一楼",
                    "周一至周五 9:00-17:00",
                    "0999-12366",
                ),
            ),
            faqs=(
                Faq(
                    "首套住房契税税率是多少？",
                    "面积为140平方米及以下的，减按1%的税率征收；面积为140平方米以上的，减按1.5%的税率征收。",
                ),
                Faq(
                    "契税可以和不动产登记一起办吗？",
                    "可以。在不动产登记“一窗受理”窗口可同时申报契税和办理登记。",
                ),
            ),
            process_description="一窗受理 → 计税审核 → 缴纳税款 → 推送完税信息至不动产登记中心",
            result_description="完税证明（电子）",
            form_schema=person_form(
                "契税申报表",
                "Deed tax return",
                {
                    "property_address": text("房屋坐落", "Property address", max_length=200),
                    "price": {
                        "type": "number",
                        "title": "成交价格（元）",
                        "title_en": "Purchase price (yuan)",
                        "minimum": 0,
                    },
                    "first_home": choice(
                        "是否家庭唯一住房",
                        "Only home of the household",
                        [
                            ("yes", "是", "Yes"),
                            ("no", "否", "No"),
                        ],
                    ),
                },
            ),
            fee_description="不收费（应纳契税按《中华人民共和国契税法》规定的税率计算）。",
            contact_phone="0999-12366",
        ),
    ),
)

ITEMS = [INVOICE, DEED_TAX]
