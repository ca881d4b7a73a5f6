"""The data elements (数据元) of the base registries: persons, legal entities, addresses.

The identifiers are referenced by ``ecity.registry.attributes`` (the base registries' record
attributes): never renumber them. ``authority`` is the code of the authoritative department
(一数一源) in the demo city (``ecity/demo/data/departments.py``); an installation without that
department loads the element without an authority for an administrator to set.
"""

from __future__ import annotations

from typing import NamedTuple

#: RE2 patterns (whole value). The check rules (check digit, check character) do the rest.
ID_NUMBER_PATTERN = r"\d{17}[\dX]"
USCC_PATTERN = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
MOBILE_PATTERN = r"1[3-9]\d{9}"
REGION_CODE_PATTERN = r"[1-9]\d{5}"

POLICE = "GAJ"  # 示范市公安局: persons (户籍)
MARKET_REGULATION = "SCJ"  # 示范市市场监督管理局: legal entities (登记注册)
NATURAL_RESOURCES = "GTJ"  # 示范市规划和自然资源局: address codes, coordinates, boundaries
CIVIL_AFFAIRS = "MZJ"  # 示范市民政局: standard place names and house numbers (地名、门牌)
ADDRESS_CODE_PATTERN = r"[1-9]\d{5}[0-9A-Z]{4,18}"


class ShippedDataElement(NamedTuple):
    identifier: str
    name: str
    name_en: str
    definition: str
    data_type: str
    format: str = ""
    pattern: str = ""
    code_list: str = ""
    check_rule: str = ""
    unit: str = ""
    authority: str = ""
    synonyms: tuple[str, ...] = ()


DATA_ELEMENTS: list[ShippedDataElement] = [
    # --- persons (人口基础库) -------------------------------------------------------------------
    ShippedDataElement(
        "DE0001",
        "公民身份号码",
        "Resident ID number",
        "公安机关按照GB 11643为公民编制的唯一的、终身不变的18位身份识别代码。",
        "string",
        "an18",
        ID_NUMBER_PATTERN,
        check_rule="id_number",
        authority=POLICE,
        synonyms=("身份证号码", "身份证号", "居民身份证号码"),
    ),
    ShippedDataElement(
        "DE0002",
        "姓名",
        "Name",
        "在户籍管理部门正式登记注册、人事档案中正式记载的姓氏名称。",
        "string",
        "an..50",
        authority=POLICE,
        synonyms=("名字",),
    ),
    ShippedDataElement(
        "DE0003",
        "性别代码",
        "Sex code",
        "人的性别，按GB/T 2261.1。",
        "code",
        "n1",
        code_list="sex",
        authority=POLICE,
        synonyms=("性别",),
    ),
    ShippedDataElement(
        "DE0004",
        "民族代码",
        "Ethnic group code",
        "人所属的民族，按GB/T 3304。",
        "code",
        "n2",
        code_list="ethnic_group",
        authority=POLICE,
        synonyms=("民族",),
    ),
    ShippedDataElement(
        "DE0005",
        "出生日期",
        "Date of birth",
        "人出生当日的公元纪年日期。",
        "date",
        "YYYY-MM-DD",
        authority=POLICE,
        synonyms=("生日",),
    ),
    ShippedDataElement(
        "DE0006",
        "住址",
        "Address of residence",
        "户籍登记的常住户口所在地住址。",
        "string",
        "an..200",
        authority=POLICE,
        synonyms=("户籍地址", "户口所在地"),
    ),
    ShippedDataElement(
        "DE0007",
        "手机号码",
        "Mobile phone number",
        "本人使用的中国大陆移动电话号码（本人申报，无权威来源部门）。",
        "string",
        "n11",
        MOBILE_PATTERN,
        check_rule="mobile",
        synonyms=("手机", "移动电话"),
    ),
    # --- legal entities (法人基础库) --------------------------------------------------------------
    ShippedDataElement(
        "DE0008",
        "统一社会信用代码",
        "Unified social credit code",
        "按GB 32100为法人和其他组织赋予的唯一的、终身不变的18位法定身份识别码。",
        "string",
        "an18",
        USCC_PATTERN,
        check_rule="uscc",
        authority=MARKET_REGULATION,
        synonyms=("信用代码", "社会信用代码"),
    ),
    ShippedDataElement(
        "DE0009",
        "单位名称",
        "Name of the legal entity",
        "法人和其他组织经登记的名称。",
        "string",
        "an..200",
        authority=MARKET_REGULATION,
        synonyms=("名称", "企业名称", "机构名称"),
    ),
    ShippedDataElement(
        "DE0010",
        "法定代表人",
        "Legal representative",
        "依照法律或者法人章程的规定，代表法人从事民事活动的负责人的姓名。",
        "string",
        "an..50",
        authority=MARKET_REGULATION,
        synonyms=("法人代表", "负责人"),
    ),
    ShippedDataElement(
        "DE0011",
        "法人类型",
        "Legal-entity type",
        "统一社会信用代码的登记管理部门代码和机构类别代码（第1、2位）。",
        "code",
        "an2",
        code_list="legal_entity_type",
        authority=MARKET_REGULATION,
        synonyms=("机构类别", "单位类型"),
    ),
    ShippedDataElement(
        "DE0012",
        "行业代码",
        "Industry code",
        "法人从事的主要经济活动，按GB/T 4754-2017的门类或大类。",
        "code",
        "an..2",
        code_list="industry",
        authority=MARKET_REGULATION,
        synonyms=("行业", "所属行业", "国民经济行业"),
    ),
    ShippedDataElement(
        "DE0013",
        "注册地址",
        "Registered address",
        "法人登记的住所或主要经营场所。",
        "string",
        "an..200",
        authority=MARKET_REGULATION,
        synonyms=("住所", "登记地址"),
    ),
    ShippedDataElement(
        "DE0014",
        "成立日期",
        "Date of establishment",
        "法人依法成立（核准登记）的日期。",
        "date",
        "YYYY-MM-DD",
        authority=MARKET_REGULATION,
        synonyms=("注册日期",),
    ),
    # --- addresses (空间地理基础库) --------------------------------------------------------------
    ShippedDataElement(
        "DE0015",
        "行政区划代码",
        "Administrative division code",
        "县级及以上行政区划的6位代码，按GB/T 2260。",
        "string",
        "n6",
        REGION_CODE_PATTERN,
        authority=NATURAL_RESOURCES,
        synonyms=("区划代码",),
    ),
    ShippedDataElement(
        "DE0016",
        "登记状态",
        "Registration status",
        "法人在登记机关的存续、吊销、注销或迁出状态。",
        "code",
        "a..16",
        code_list="registration_status",
        authority=MARKET_REGULATION,
        synonyms=("经营状态", "企业状态"),
    ),
    ShippedDataElement(
        "DE0017",
        "详细地址",
        "Detailed address",
        "行政区划以下的街路巷、门牌号和楼栋单元等地址描述。",
        "string",
        "an..200",
        authority=NATURAL_RESOURCES,
        synonyms=("地址", "门牌地址"),
    ),
    ShippedDataElement(
        "DE0018",
        "经度",
        "Longitude",
        "地理位置的经度（CGCS2000），东经为正。",
        "decimal",
        "n..3,6",
        r"-?\d{1,3}(\.\d{1,6})?",
        unit="度",
        authority=NATURAL_RESOURCES,
    ),
    ShippedDataElement(
        "DE0019",
        "纬度",
        "Latitude",
        "地理位置的纬度（CGCS2000），北纬为正。",
        "decimal",
        "n..2,6",
        r"-?\d{1,2}(\.\d{1,6})?",
        unit="度",
        authority=NATURAL_RESOURCES,
    ),
    # --- the address registry (地名地址库): code and coordinates natural resources',
    # place names and house numbers civil affairs' (地名管理) ---------------------------
    ShippedDataElement(
        "DE0020",
        "地址编码",
        "Address code",
        "标准地址的唯一、稳定的编码：所在县级行政区划代码（6位）加4至18位数字或大写字母。",
        "string",
        "an10..24",
        ADDRESS_CODE_PATTERN,
        authority=NATURAL_RESOURCES,
        synonyms=("地址代码", "标准地址编码"),
    ),
    ShippedDataElement(
        "DE0021",
        "标准地址",
        "Standard address",
        "按地名地址标准书写的完整地址：行政区划、街路巷、门牌号、楼栋、单元和户室。",
        "string",
        "an..300",
        authority=CIVIL_AFFAIRS,
        synonyms=("标准地址全称", "完整地址"),
    ),
    ShippedDataElement(
        "DE0022",
        "街路巷名",
        "Street or road",
        "地址所在的街、路、巷的标准名称。",
        "string",
        "an..100",
        authority=CIVIL_AFFAIRS,
        synonyms=("街路巷", "道路名称"),
    ),
    ShippedDataElement(
        "DE0023",
        "门牌号",
        "House number",
        "街路巷上编制的门牌号码。",
        "string",
        "an..32",
        authority=CIVIL_AFFAIRS,
        synonyms=("门牌号码",),
    ),
    ShippedDataElement(
        "DE0024",
        "楼栋号",
        "Building",
        "门牌所辖院落内楼栋的编号。",
        "string",
        "an..32",
        authority=CIVIL_AFFAIRS,
        synonyms=("楼号", "幢号"),
    ),
    ShippedDataElement(
        "DE0025",
        "单元号",
        "Building unit",
        "楼栋内单元（楼梯间）的编号。",
        "string",
        "an..16",
        authority=CIVIL_AFFAIRS,
        synonyms=("单元",),
    ),
    ShippedDataElement(
        "DE0026",
        "户室号",
        "Room",
        "单元内户或室的编号。",
        "string",
        "an..16",
        authority=CIVIL_AFFAIRS,
        synonyms=("房间号", "室号"),
    ),
    ShippedDataElement(
        "DE0027",
        "邮政编码",
        "Postal code",
        "地址所在投递区域的6位邮政编码（申报或采集，无权威来源部门）。",
        "string",
        "n6",
        r"\d{6}",
        synonyms=("邮编",),
    ),
    ShippedDataElement(
        "DE0028",
        "坐标系",
        "Coordinate system",
        "经纬度所依据的大地坐标系：CGCS2000 或 WGS84。",
        "string",
        "a..8",
        r"CGCS2000|WGS84",
        authority=NATURAL_RESOURCES,
    ),
    ShippedDataElement(
        "DE0029",
        "坐标来源",
        "Coordinate source",
        "经纬度的采集方式：survey 实测、map 图上采集、geocoded 地理编码、declared 申报。",
        "string",
        "a..16",
        r"survey|map|geocoded|declared",
        authority=NATURAL_RESOURCES,
    ),
    ShippedDataElement(
        "DE0030",
        "地址状态",
        "Address status",
        "标准地址现行有效（in_force）或已撤销（retired）。",
        "string",
        "a..16",
        r"in_force|retired",
        authority=CIVIL_AFFAIRS,
    ),
]
