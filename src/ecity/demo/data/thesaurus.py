"""A small subject thesaurus (主题词表) for the demo city: what people type, what guides say.

(term, English term, synonyms, broader terms, related terms); broader and related terms come
before the terms that name them.
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    term: str
    term_en: str
    synonyms: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


TERMS: list[Term] = [
    Term("营业执照", "Business licence", ("执照", "营业证")),
    Term(
        "开办企业",
        "Starting a business",
        ("开店", "注册公司", "开公司", "办执照", "企业开办"),
        related=("营业执照",),
    ),
    Term("企业设立登记", "Company registration", ("公司注册", "设立登记"), ("开办企业",)),
    Term("个体工商户登记", "Registration of an individual business", ("个体户",), ("开办企业",)),
    Term("印章刻制", "Making a company seal", ("刻章", "公章"), ("开办企业",)),
    # Opening a shop that sells food or runs a restaurant needs this licence (开店 finds it).
    Term("食品经营许可", "Food business licence", ("食品许可证", "餐饮许可"), ("开办企业",)),
    Term("社会保险", "Social insurance", ("社保", "五险")),
    Term("养老保险", "Pension insurance", ("养老金", "退休金"), ("社会保险",)),
    Term("医疗保险", "Medical insurance", ("医保",), ("社会保险",)),
    Term("失业保险", "Unemployment insurance", ("失业金",), ("社会保险",)),
    Term("工伤保险", "Work-injury insurance", ("工伤",), ("社会保险",)),
    Term("生育保险", "Maternity insurance", ("生育津贴",), ("社会保险",)),
    Term("住房公积金", "Housing provident fund", ("公积金",)),
    Term("户籍", "Household registration", ("户口", "户籍管理")),
    Term("户口迁移", "Moving household registration", ("迁户口", "户口迁入"), ("户籍",)),
    Term("出生登记", "Registration of a birth", ("报户口", "新生儿落户"), ("户籍",)),
    Term("居民身份证", "Resident identity card", ("身份证", "办身份证"), related=("户籍",)),
    Term("出入境证件", "Exit and entry documents", ("出国证件",)),
    Term("护照", "Passport", ("办护照",), ("出入境证件",)),
    Term(
        "往来港澳通行证",
        "Exit-entry permit for Hong Kong and Macao",
        ("港澳通行证",),
        ("出入境证件",),
    ),
    Term("不动产登记", "Real estate registration", ("房产证", "过户", "房屋登记")),
    Term("婚姻登记", "Marriage registration", ("结婚登记", "领结婚证")),
    # Subjects of the information resource catalogue's base registries.
    Term("宏观经济", "Macro economy", ("经济数据", "统计数据", "经济指标")),
    Term("人口", "Population", ("人口信息", "自然人"), related=("户籍",)),
    Term("法人", "Legal entities", ("法人信息", "企业信息"), related=("企业设立登记",)),
    Term(
        "地名地址", "Place names and addresses", ("门牌地址", "标准地址"), related=("不动产登记",)
    ),
]
