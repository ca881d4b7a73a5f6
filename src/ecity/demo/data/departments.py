"""Departments (委办局) of the demo city and a few of their sub-units."""

from __future__ import annotations

import zlib
from typing import NamedTuple

from ecity.core.validators import uscc_check_char


class Dept(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    short_name: str
    address: str
    phone: str
    parent: str | None = None


DEPARTMENTS: list[Dept] = [
    Dept(
        "ZWB",
        "示范市政务服务管理办公室",
        "Shifan Government Services Administration Office",
        "市政务服务办",
        "示范市东城区人民大道100号",
        "0999-88012345",
    ),
    Dept(
        "SCJ",
        "示范市市场监督管理局",
        "Shifan Administration for Market Regulation",
        "市市场监管局",
        "示范市东城区人民大道120号",
        "0999-88013001",
    ),
    Dept(
        "SWJ",
        "国家税务总局示范市税务局",
        "Shifan Municipal Tax Service, STA",
        "市税务局",
        "示范市东城区财富路8号",
        "0999-12366",
    ),
    Dept(
        "GAJ",
        "示范市公安局",
        "Shifan Public Security Bureau",
        "市公安局",
        "示范市东城区安平街1号",
        "0999-88110000",
    ),
    Dept(
        "RSJ",
        "示范市人力资源和社会保障局",
        "Shifan Human Resources and Social Security Bureau",
        "市人社局",
        "示范市滨江区江滨大道200号",
        "0999-12333",
    ),
    Dept(
        "WJW",
        "示范市卫生健康委员会",
        "Shifan Health Commission",
        "市卫健委",
        "示范市东城区健康路5号",
        "0999-88015001",
    ),
    Dept(
        "ZJW",
        "示范市住房和城乡建设管理委员会",
        "Shifan Housing and Urban-Rural Development Commission",
        "市住建委",
        "示范市滨江区建设路9号",
        "0999-88016001",
    ),
    Dept(
        "MZJ",
        "示范市民政局",
        "Shifan Civil Affairs Bureau",
        "市民政局",
        "示范市东城区民安路3号",
        "0999-88017001",
    ),
    Dept(
        "JYJ",
        "示范市教育局",
        "Shifan Education Bureau",
        "市教育局",
        "示范市东城区文庙街12号",
        "0999-88018001",
    ),
    Dept(
        "JTJ",
        "示范市交通运输局",
        "Shifan Transport Bureau",
        "市交通运输局",
        "示范市滨江区通达路2号",
        "0999-88019001",
    ),
    Dept(
        "STJ",
        "示范市生态环境局",
        "Shifan Ecology and Environment Bureau",
        "市生态环境局",
        "示范市滨江区望湖路16号",
        "0999-12369",
    ),
    Dept(
        "YBJ",
        "示范市医疗保障局",
        "Shifan Healthcare Security Administration",
        "市医保局",
        "示范市滨江区江滨大道210号",
        "0999-88020001",
    ),
    Dept(
        "GTJ",
        "示范市规划和自然资源局",
        "Shifan Planning and Natural Resources Bureau",
        "市规划资源局",
        "示范市东城区人民大道150号",
        "0999-88021001",
    ),
    Dept(
        "XFJ",
        "示范市消防救援支队",
        "Shifan Fire and Rescue Detachment",
        "市消防救援支队",
        "示范市滨江区安澜路19号",
        "0999-88119001",
    ),
    Dept(
        "TJJ",
        "示范市统计局",
        "Shifan Statistics Bureau",
        "市统计局",
        "示范市东城区人民大道130号",
        "0999-88022001",
    ),
    # Sub-units (内设机构 / 直属单位)
    Dept(
        "SCJ-DJ",
        "示范市市场监督管理局登记注册处",
        "Registration Division",
        "登记注册处",
        "示范市东城区人民大道100号",
        "0999-88013010",
        "SCJ",
    ),
    Dept(
        "SCJ-SP",
        "示范市市场监督管理局食品经营监管处",
        "Food Business Supervision Division",
        "食品经营监管处",
        "示范市东城区人民大道120号",
        "0999-88013020",
        "SCJ",
    ),
    Dept(
        "GAJ-CRJ",
        "示范市公安局出入境管理支队",
        "Exit and Entry Administration Detachment",
        "出入境管理支队",
        "示范市东城区安平街9号",
        "0999-88110300",
        "GAJ",
    ),
    Dept(
        "GAJ-HZ",
        "示范市公安局户政管理处",
        "Household Registration Division",
        "户政管理处",
        "示范市东城区安平街1号",
        "0999-88110200",
        "GAJ",
    ),
    Dept(
        "RSJ-SB",
        "示范市社会保险事业管理中心",
        "Social Insurance Administration Centre",
        "市社保中心",
        "示范市滨江区江滨大道200号",
        "0999-12333",
        "RSJ",
    ),
    Dept(
        "WJW-WJ",
        "示范市卫生健康综合监督执法局",
        "Health Supervision and Enforcement Bureau",
        "市卫生监督局",
        "示范市东城区健康路7号",
        "0999-88015010",
        "WJW",
    ),
    Dept(
        "GTJ-BDC",
        "示范市不动产登记中心",
        "Real Estate Registration Centre",
        "不动产登记中心",
        "示范市东城区人民大道150号",
        "0999-88021010",
        "GTJ",
    ),
]


def department_uscc(code: str, *, region: str) -> str:
    """A valid (GB 32100) but fictional USCC for the demo department ``code`` in ``region``.

    "11" = registered by the establishment authority as a government organ; the region part is
    the demo city's unassigned 99xxxx code, so it can never be a real organisation's code.
    """
    organisation = f"{zlib.crc32(code.encode()) % 10**9:09d}"
    body = f"11{region[:6].ljust(6, '0')}{organisation}"
    return body + uscc_check_char(body)
