"""Data shipped with the registry: national code lists (CSV files in ``code_lists/``).

Each list's file has the columns of ``ecity.registry.services.codes.CODE_COLUMNS``. The values
are copied from the published standards; ``code_lists_load_shipped`` loads or refreshes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

CODE_LIST_DIR = Path(__file__).resolve().parent / "code_lists"


class ShippedCodeList(NamedTuple):
    identifier: str
    name: str
    name_en: str
    standard: str
    file_name: str

    @property
    def path(self) -> Path:
        return CODE_LIST_DIR / self.file_name


SHIPPED_CODE_LISTS: list[ShippedCodeList] = [
    ShippedCodeList(
        "sex", "人的性别代码", "Codes for sexes of human", "GB/T 2261.1-2003", "sex.csv"
    ),
    ShippedCodeList(
        "ethnic_group",
        "中国各民族名称的罗马字母拼写法和代码",
        "Names of ethnic groups in China in romanization with codes",
        "GB/T 3304-1991",
        "ethnic_group.csv",
    ),
    ShippedCodeList(
        "industry",
        "国民经济行业分类（门类和大类）",
        "Industrial classification for national economic activities (sections and divisions)",
        "GB/T 4754-2017",
        "industry.csv",
    ),
    ShippedCodeList(
        "legal_entity_type",
        "统一社会信用代码登记管理部门和机构类别代码",
        "Registration authority and entity type codes of the unified social credit code",
        "GB 32100-2015",
        "legal_entity_type.csv",
    ),
    ShippedCodeList(
        "region",
        "中华人民共和国行政区划代码（省级）",
        "Codes for the administrative divisions of the PRC (provincial level)",
        "GB/T 2260",
        "region.csv",
    ),
    ShippedCodeList(
        "registration_status",
        "法人登记状态",
        "Registration status of a legal entity",
        "",  # the platform's own list: the values of the legal-entity registry
        "registration_status.csv",
    ),
]
