"""Places of the demo city 示范市: simplified district boundaries and standard addresses.

The city lies (fictitiously) on the north bank of a river at about 120.0–120.3°E, 30.2–30.4°N:
东城区 (the old town) in the west, 示范高新技术产业开发区 in the north-east and 滨江区 along the
river in the south-east. The boundaries are simplified polygons (CGCS2000 degrees), each ring
closed. The addresses are the departments' and the demo citizens' addresses, with codes made of
the district code and eight digits, and coordinates surveyed or taken from the base map; one
(文庙街28号) was geocoded wrongly into 滨江区, so the quality page has a finding to show.
"""

from __future__ import annotations

from typing import NamedTuple

BOUNDARY_SOURCE = "示范市规划和自然资源局 行政区域界线简化数据（演示）"
BOUNDARY_VALID_FROM = "2024-01-01"


class Boundary(NamedTuple):
    region_code: str
    name: str
    ring: tuple[tuple[float, float], ...]  # (lon, lat), first = last


BOUNDARIES: list[Boundary] = [
    Boundary(
        "990100",
        "示范市",
        (
            (119.98, 30.20),
            (120.16, 30.17),
            (120.32, 30.19),
            (120.34, 30.30),
            (120.32, 30.44),
            (120.14, 30.45),
            (119.97, 30.41),
            (119.96, 30.30),
            (119.98, 30.20),
        ),
    ),
    Boundary(
        "990102",
        "东城区",
        (
            (120.00, 30.22),
            (120.15, 30.21),
            (120.16, 30.31),
            (120.14, 30.40),
            (120.01, 30.39),
            (119.99, 30.30),
            (120.00, 30.22),
        ),
    ),
    Boundary(
        "990105",
        "滨江区",
        (
            (120.15, 30.21),
            (120.30, 30.21),
            (120.31, 30.28),
            (120.25, 30.30),
            (120.16, 30.31),
            (120.15, 30.21),
        ),
    ),
    Boundary(
        "990171",
        "示范高新技术产业开发区",
        (
            (120.16, 30.31),
            (120.25, 30.30),
            (120.31, 30.28),
            (120.31, 30.42),
            (120.15, 30.43),
            (120.14, 30.40),
            (120.16, 30.31),
        ),
    ),
]


class DemoAddress(NamedTuple):
    code: str
    full_address: str
    region_code: str
    street: str
    house_number: str
    postal_code: str
    longitude: str
    latitude: str
    coordinate_source: str  # survey, map, geocoded
    building: str = ""
    unit: str = ""
    room: str = ""


ADDRESSES: list[DemoAddress] = [
    DemoAddress(
        "99010200010001",
        "示范市东城区人民大道150号",
        "990102",
        "人民大道",
        "150号",
        "999101",
        "120.085312",
        "30.301876",
        "survey",
    ),
    DemoAddress(
        "99010200010002",
        "示范市东城区民安路3号",
        "990102",
        "民安路",
        "3号",
        "999101",
        "120.071245",
        "30.287610",
        "survey",
    ),
    DemoAddress(
        "99010200010003",
        "示范市东城区文庙街12号",
        "990102",
        "文庙街",
        "12号",
        "999102",
        "120.052408",
        "30.318733",
        "map",
    ),
    DemoAddress(
        "99010200020001",
        "示范市东城区和平里小区3幢2单元502室",
        "990102",
        "和平里",
        "18号",
        "999103",
        "120.101934",
        "30.335120",
        "survey",
        building="3幢",
        unit="2单元",
        room="502室",
    ),
    DemoAddress(
        "99010200020002",
        "示范市东城区解放路66号1幢1单元301室",
        "990102",
        "解放路",
        "66号",
        "999103",
        "120.120587",
        "30.276451",
        "map",
        building="1幢",
        unit="1单元",
        room="301室",
    ),
    DemoAddress(
        # Geocoded from the text, wrongly: the point falls in 滨江区 (a quality finding).
        "99010200010004",
        "示范市东城区文庙街28号",
        "990102",
        "文庙街",
        "28号",
        "999102",
        "120.204310",
        "30.252017",
        "geocoded",
    ),
    DemoAddress(
        "99010500010001",
        "示范市滨江区江滨大道210号",
        "990105",
        "江滨大道",
        "210号",
        "999201",
        "120.218764",
        "30.236452",
        "survey",
    ),
    DemoAddress(
        "99010500010002",
        "示范市滨江区建设路9号",
        "990105",
        "建设路",
        "9号",
        "999201",
        "120.187320",
        "30.262145",
        "survey",
    ),
    DemoAddress(
        "99010500020001",
        "示范市滨江区望湖路16号",
        "990105",
        "望湖路",
        "16号",
        "999202",
        "120.262918",
        "30.268305",
        "map",
    ),
    DemoAddress(
        "99010500020002",
        "示范市滨江区柳岸花园7幢3单元1102室",
        "990105",
        "柳岸路",
        "88号",
        "999202",
        "120.281442",
        "30.247819",
        "survey",
        building="7幢",
        unit="3单元",
        room="1102室",
    ),
    DemoAddress(
        "99017100010001",
        "示范市示范高新技术产业开发区科创大道1号",
        "990171",
        "科创大道",
        "1号",
        "999301",
        "120.231076",
        "30.354218",
        "survey",
    ),
    DemoAddress(
        "99017100010002",
        "示范市示范高新技术产业开发区云谷路100号5幢",
        "990171",
        "云谷路",
        "100号",
        "999301",
        "120.268731",
        "30.391504",
        "map",
        building="5幢",
    ),
]
