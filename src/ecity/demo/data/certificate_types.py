"""Certificate types of the demo city 示范市 (fictional data): the e-licences it issues."""

from __future__ import annotations

from ecity.demo.data.accounts import ENTERPRISES

_YUNFAN = ENTERPRISES[0]  # 示范市云帆科技有限公司

# (type code suffix, item code, department, zh, en, years, data fields). The operator is the
# business named on the form (an individual business applies through its owner's account).
CERTIFICATE_TYPES: list[tuple[str, str, str, str, str, int, list[tuple[str, str, str, str]]]] = [
    (
        "001",
        "SCJ-XK-001",
        "SCJ",
        "食品经营许可证",
        "Food business licence",
        5,
        [
            ("operator_name", "经营者名称", "Operator", "form.enterprise_name"),
            ("operator_uscc", "统一社会信用代码", "USCC", "form.uscc"),
            ("business_address", "经营场所", "Business premises", "form.business_address"),
            ("business_type", "主体业态", "Type of business", "form.business_type"),
            ("business_items", "经营项目", "Business items", "form.business_items"),
            ("case_number", "办件编号", "Case number", "case.number"),
        ],
    ),
    (
        "002",
        "WJW-XK-001",
        "WJW",
        "公共场所卫生许可证",
        "Public venue hygiene permit",
        4,
        [
            ("unit_name", "单位名称", "Organisation", "form.enterprise_name"),
            ("unit_uscc", "统一社会信用代码", "USCC", "form.uscc"),
            ("venue_address", "经营地址", "Address of the venue", "form.venue_address"),
            ("venue_type", "许可项目", "Type of venue", "form.venue_type"),
            ("floor_area", "营业面积（平方米）", "Floor area (m²)", "form.floor_area"),
            ("case_number", "办件编号", "Case number", "case.number"),
        ],
    ),
]

# The e-licence wallet (电子证照, 免提交): certificate types that required materials of the demo
# guides are bound to (``blocks.Material.certificate_type`` names the key), and the
# certificates the demo holders have in their wallet. Defined before the guides are loaded, so
# that the published guides carry the binding.
# key -> (type code suffix, issuing item code, department, zh, en, years (None: no expiry),
# data fields).
WALLET_TYPES: dict[
    str, tuple[str, str, str, str, str, int | None, list[tuple[str, str, str, str]]]
] = {
    "business_licence": (
        "003",
        "SCJ-DJ-003",
        "SCJ",
        "营业执照",
        "Business licence",
        None,
        [
            ("name", "名称", "Name", "form.enterprise_name"),
            ("uscc", "统一社会信用代码", "USCC", "form.uscc"),
            ("domicile", "住所", "Domicile", "form.registered_address"),
            (
                "registered_capital",
                "注册资本（万元）",
                "Registered capital (10,000 yuan)",
                "form.registered_capital",
            ),
            ("business_scope", "经营范围", "Business scope", "form.business_scope"),
            ("case_number", "办件编号", "Case number", "case.number"),
        ],
    ),
}

# (wallet type key, USCC of a demo enterprise (accounts.ENTERPRISES), issued on, data): the
# enterprise's business licence, issued by ecity (示范市市场监督管理局) from plain data.
WALLET_CERTIFICATES: list[tuple[str, str, str, dict[str, str]]] = [
    (
        "business_licence",
        _YUNFAN.uscc,
        "2023-03-15",
        {
            "name": _YUNFAN.name,
            "uscc": _YUNFAN.uscc,
            "domicile": _YUNFAN.address,
            "registered_capital": "500",
            "business_scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务",
            "case_number": "",
        },
    ),
]
