"""The demo city's information resource catalogue (政务信息资源目录).

The base registries as resources of 公安局 (population), 市场监管局 (legal entities) and
规划和自然资源局 (place names and addresses), the region code list of 民政局, and department
resources (社保缴纳信息, 不动产登记信息, 医保参保信息, 违法犯罪记录). Items name the shipped data
elements (DE00xx) and the demo's own (DE10xx, below, put in force by the loader).
"""

from __future__ import annotations

from typing import NamedTuple

from ecity.demo.data.regions import CITY_CODE


class Element(NamedTuple):
    identifier: str
    name: str
    name_en: str
    data_type: str
    format: str
    authority: str
    definition: str
    unit: str = ""


#: Data elements the department resources need beyond the shipped base-registry ones.
ELEMENTS: list[Element] = [
    Element(
        "DE1001",
        "缴费年月",
        "Contribution month",
        "string",
        "n6",
        "RSJ",
        "社会保险费所属年月，YYYYMM。",
    ),
    Element(
        "DE1002",
        "缴费基数",
        "Contribution base",
        "decimal",
        "n..12,2",
        "RSJ",
        "计算社会保险费的工资基数。",
        "元",
    ),
    Element(
        "DE1003",
        "险种类型",
        "Insurance type",
        "string",
        "an..20",
        "RSJ",
        "养老、医疗、失业、工伤或生育保险。",
    ),
    Element(
        "DE1004",
        "不动产单元号",
        "Real estate unit number",
        "string",
        "an28",
        "GTJ",
        "按GB/T 37346编制的28位不动产单元代码。",
    ),
    Element(
        "DE1005",
        "不动产权证书号",
        "Real estate certificate number",
        "string",
        "an..50",
        "GTJ",
        "不动产权证书或登记证明的编号。",
    ),
    Element(
        "DE1006",
        "权利类型",
        "Type of right",
        "string",
        "an..50",
        "GTJ",
        "国有建设用地使用权及房屋所有权等权利类型。",
    ),
    Element(
        "DE1007", "登记日期", "Date of registration", "date", "n8", "GTJ", "登记簿记载的登记日期。"
    ),
    Element(
        "DE1008",
        "建筑面积",
        "Floor area",
        "decimal",
        "n..10,2",
        "GTJ",
        "房屋的建筑面积。",
        "平方米",
    ),
    Element(
        "DE1009",
        "参保状态",
        "Insurance status",
        "string",
        "an..10",
        "YBJ",
        "参保缴费、暂停缴费或终止参保。",
    ),
    # The macro-economic indicators registry (宏观经济数据库) as a catalogue resource.
    Element("DE1010", "指标代码", "Indicator code", "string", "an..32", "TJJ", "统计指标的代码。"),
    Element(
        "DE1011",
        "统计时期",
        "Statistical period",
        "string",
        "an..7",
        "TJJ",
        "统计数据所属时期：年（2025）、季度（2025Q3）或月（2025-09）。",
    ),
    Element("DE1012", "指标值", "Indicator value", "decimal", "n..20,6", "TJJ", "统计指标的数值。"),
    Element(
        "DE1013", "计量单位", "Unit of measure", "string", "an..32", "TJJ", "指标值的计量单位。"
    ),
]


class Item(NamedTuple):
    element: str
    name: str = ""
    share_type: str | None = None
    is_masked_for_staff: bool = False


class Entry(NamedTuple):
    code: str
    name: str
    name_en: str
    provider: str
    summary: str
    summary_en: str
    category: str
    format: str
    format_detail: str
    share_type: str
    share_condition: str
    share_method: str
    open_type: str
    update_cycle: str
    items: tuple[Item, ...]
    subjects: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    code_list: str = ""
    open_condition: str = ""


def _code(department: str, number: int) -> str:
    return f"{CITY_CODE}-{department}-{number:04d}"


MINIMAL_USE = "用于政务服务办理和行政执法，须经提供部门审核，按最小必要原则使用，不得转提供第三方。"

RESOURCES: list[Entry] = [
    Entry(
        _code("GAJ", 1),
        "人口基础信息",
        "Population base information",
        "GAJ",
        "本市户籍人口和登记的流动人口的公民身份号码、姓名、性别、民族、出生日期和住址，"
        "是人口基础库的权威来源。",
        "Resident ID number, name, sex, ethnic group, date of birth and address of the city's "
        "registered residents; the authoritative source of the population base registry.",
        "base",
        "database",
        "人口库表",
        "conditional",
        MINIMAL_USE,
        "platform_api",
        "not_open",
        "daily",
        (
            Item("DE0001", is_masked_for_staff=True),
            Item("DE0002"),
            Item("DE0003"),
            Item("DE0004"),
            Item("DE0005"),
            Item("DE0006", is_masked_for_staff=True),
        ),
        subjects=("人口", "户籍", "居民身份证"),
        services=("GAJ-QR-003", "GAJ-QR-004"),
    ),
    Entry(
        _code("SCJ", 1),
        "法人基础信息",
        "Legal entity base information",
        "SCJ",
        "在本市登记的企业、个体工商户和农民专业合作社的统一社会信用代码、名称、类型、法定代表人、"
        "行业、住所、成立日期和登记状态，是法人基础库的权威来源。",
        "Unified social credit code, name, type, legal representative, industry, address, date of "
        "establishment and status of the entities registered in the city.",
        "base",
        "database",
        "法人库表",
        "unconditional",
        "",
        "platform_api",
        "open",
        "daily",
        (
            Item("DE0008"),
            Item("DE0009"),
            Item("DE0011"),
            Item("DE0010"),
            Item("DE0012"),
            Item("DE0013"),
            Item("DE0014"),
            Item("DE0016"),
        ),
        subjects=("法人", "企业设立登记", "营业执照"),
        services=("SCJ-DJ-002", "SCJ-DJ-003"),
    ),
    Entry(
        _code("GTJ", 1),
        "地名地址信息",
        "Place names and addresses",
        "GTJ",
        "本市标准地址的地址编码、标准地址、所在行政区划、街路巷、门牌、楼栋单元户室、邮政编码和"
        "经纬度坐标（CGCS2000）及其来源，是空间地理基础库的权威来源；户室号有条件共享。",
        "The city's standard addresses: address code, standard address, administrative division, "
        "street, house number, building, unit and room, postal code and coordinates (CGCS2000) "
        "with their source; the authoritative source of the places base registry. Room numbers "
        "are shared on condition.",
        "base",
        "database",
        "地址库表",
        "unconditional",
        "户室号仅用于经本人授权或依法办理的户籍、不动产、税收和社会救助事项，须经提供部门审核。",
        "platform_api",
        "open",
        "monthly",
        (
            Item("DE0020"),
            Item("DE0021"),
            Item("DE0015"),
            Item("DE0022"),
            Item("DE0023"),
            Item("DE0024"),
            Item("DE0025"),
            Item("DE0026", share_type="conditional", is_masked_for_staff=True),
            Item("DE0027"),
            Item("DE0018"),
            Item("DE0019"),
            Item("DE0028"),
            Item("DE0029"),
            Item("DE0030"),
        ),
        subjects=("地名地址",),
    ),
    Entry(
        _code("MZJ", 1),
        "行政区划代码",
        "Administrative division codes",
        "MZJ",
        "本市区县、街道和社区的行政区划代码和名称（GB/T 2260 的本市部分）。",
        "The codes and names of the city's districts (the city's part of GB/T 2260).",
        "base",
        "self_describing",
        "csv",
        "unconditional",
        "",
        "platform_file",
        "open",
        "irregular",
        (Item("DE0015"),),
        subjects=("地名地址",),
        code_list="region",
    ),
    Entry(
        _code("RSJ", 1),
        "社保缴纳信息",
        "Social insurance contributions",
        "RSJ",
        "参保人员按月的社会保险缴费记录：险种、缴费年月和缴费基数。",
        "Monthly social insurance contributions of insured persons: type, month and base.",
        "department",
        "database",
        "社保业务库表",
        "conditional",
        "仅用于经本人授权或依法办理的社保、住房公积金、人才引进和落户等事项。",
        "platform_api",
        "not_open",
        "monthly",
        (
            Item("DE0001", is_masked_for_staff=True),
            Item("DE0002"),
            Item("DE1003"),
            Item("DE1001"),
            Item("DE1002", share_type="not_shared"),
        ),
        subjects=("社会保险", "养老保险"),
        services=("RSJ-QR-002", "RSJ-QR-004"),
    ),
    Entry(
        _code("GTJ", 2),
        "不动产登记信息",
        "Real estate registration information",
        "GTJ",
        "不动产单元的权利人、权利类型、坐落、面积和登记日期。",
        "Holders, type of right, location, floor area and registration date of real estate units.",
        "department",
        "database",
        "不动产登记库表",
        "conditional",
        "用于不动产交易、税收征管、公积金和司法查控；个人查询须本人授权。",
        "platform_api",
        "not_open",
        "realtime",
        (
            Item("DE1004"),
            Item("DE1005"),
            Item("DE1006"),
            Item("DE0002", name="权利人名称"),
            Item("DE0001", name="权利人证件号码", is_masked_for_staff=True),
            Item("DE0017", name="坐落"),
            Item("DE1008"),
            Item("DE1007"),
        ),
        subjects=("不动产登记",),
        services=("GTJ-QR-001",),
    ),
    Entry(
        _code("YBJ", 1),
        "医保参保信息",
        "Medical insurance enrolment",
        "YBJ",
        "参保人员的基本医疗保险参保状态。",
        "The basic medical insurance status of insured persons.",
        "department",
        "database",
        "医保业务库表",
        "unconditional",
        "",
        "platform_api",
        "not_open",
        "daily",
        (Item("DE0001", is_masked_for_staff=True), Item("DE0002"), Item("DE1009")),
        subjects=("医疗保险",),
        services=("YBJ-GG-001",),
    ),
    Entry(
        _code("GAJ", 2),
        "违法犯罪记录信息",
        "Criminal records",
        "GAJ",
        "公安机关掌握的违法犯罪记录。",
        "Criminal records held by the police.",
        "department",
        "database",
        "",
        "not_shared",
        "涉及个人隐私和执法工作秘密，依据《中华人民共和国个人信息保护法》和公安机关执法信息"
        "管理规定不予共享；需要时通过无犯罪记录证明办理。",
        "",
        "not_open",
        "realtime",
        (Item("DE0001"), Item("DE0002")),
        subjects=("人口",),
    ),
    Entry(
        _code("TJJ", 1),
        "宏观经济指标数据",
        "Macro-economic indicators",
        "TJJ",
        "全市及各区地区生产总值、常住人口、居民消费价格指数、社会消费品零售总额、固定资产投资增速、"
        "城镇登记失业率和一般公共预算收入等指标的年度和季度数据，附计量单位和来源。",
        "Annual and quarterly figures of the city and its districts: GDP, resident population, "
        "CPI, retail sales, fixed-asset investment growth, unemployment rate, budget revenue.",
        "base",
        "api",
        "/registry/indicators/ (CSV, JSON, API)",
        "unconditional",
        "",
        "platform_api",
        "open",
        "quarterly",
        (Item("DE1010"), Item("DE0015"), Item("DE1011"), Item("DE1012"), Item("DE1013")),
        subjects=("宏观经济",),
    ),
]
