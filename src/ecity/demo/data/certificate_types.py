"""Certificate types of the demo city 示范市 (fictional data): the e-licences it issues."""

from __future__ import annotations

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
