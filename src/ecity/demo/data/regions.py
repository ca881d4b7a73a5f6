"""Regions of the demo city 示范市: city → districts → sub-districts → communities.

The codes follow the shape of the national statistical division codes (6 digits for a city or
district, 9 for a sub-district, 12 for a community) but use the unassigned prefix 99, so they can
never collide with a real place.
"""

from __future__ import annotations

CITY_CODE = "990100"

# (code, Chinese name, English name, level, parent code); parents come before children.
REGIONS: list[tuple[str, str, str, str, str | None]] = [
    (CITY_CODE, "示范市", "Shifan City", "city", None),
    ("990102", "东城区", "Dongcheng District", "district", CITY_CODE),
    ("990105", "滨江区", "Binjiang District", "district", CITY_CODE),
    ("990171", "示范高新技术产业开发区", "Shifan High-tech Zone", "district", CITY_CODE),
    ("990102001", "东华街道", "Donghua Sub-district", "subdistrict", "990102"),
    ("990102002", "和平街道", "Heping Sub-district", "subdistrict", "990102"),
    ("990105001", "江滨街道", "Jiangbin Sub-district", "subdistrict", "990105"),
    ("990105002", "望湖街道", "Wanghu Sub-district", "subdistrict", "990105"),
    ("990171001", "创新街道", "Chuangxin Sub-district", "subdistrict", "990171"),
    ("990102001001", "东华社区", "Donghua Community", "community", "990102001"),
    ("990102001002", "文庙社区", "Wenmiao Community", "community", "990102001"),
    ("990102002001", "和平里社区", "Hepingli Community", "community", "990102002"),
    ("990102002002", "解放路社区", "Jiefanglu Community", "community", "990102002"),
    ("990105001001", "滨江花园社区", "Binjiang Garden Community", "community", "990105001"),
    ("990105001002", "渔港社区", "Yugang Community", "community", "990105001"),
    ("990105002001", "望湖社区", "Wanghu Community", "community", "990105002"),
    ("990105002002", "柳岸社区", "Liu'an Community", "community", "990105002"),
    ("990171001001", "科创社区", "Kechuang Community", "community", "990171001"),
    ("990171001002", "云谷社区", "Yungu Community", "community", "990171001"),
]
