"""Macro-economic indicators of the demo city 示范市 and its districts (宏观经济数据库).

Plausible, invented figures for a city of about 8 million residents: 2019–2025 annual and
2024–2025 quarterly. The districts add up to the city for flows and stocks (the city's budget
revenue also holds the municipal level's own). 2025 figures are preliminary, earlier ones final.
The statistics bureau (TJJ) is the authority of every indicator.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from ecity.demo.data.regions import CITY_CODE

DISTRICTS = ("990102", "990105", "990171")  # 东城区, 滨江区, 高新区
YEARS = tuple(range(2019, 2026))
QUARTER_YEARS = (2024, 2025)
SOURCE = "示范市统计年鉴"


class Spec(NamedTuple):
    code: str
    name: str
    name_en: str
    subject: str
    unit: str
    frequency: str
    aggregation: str
    decimal_places: int
    definition: str
    source: str = SOURCE


INDICATORS: list[Spec] = [
    Spec(
        "GDP",
        "地区生产总值",
        "Gross regional product",
        "national_accounts",
        "亿元",
        "annual",
        "flow",
        2,
        "本地区所有常住单位在一定时期内生产活动的最终成果（现价）。",
    ),
    Spec(
        "GDP_Q",
        "地区生产总值（季度）",
        "Gross regional product (quarterly)",
        "national_accounts",
        "亿元",
        "quarterly",
        "flow",
        2,
        "当季地区生产总值（现价，非累计）。",
        "示范市统计局季度统计公报",
    ),
    Spec(
        "POP",
        "常住人口",
        "Resident population",
        "population",
        "万人",
        "annual",
        "stock",
        2,
        "年末在本地区居住半年以上的人口。",
    ),
    Spec(
        "CPI",
        "居民消费价格指数",
        "Consumer price index",
        "prices",
        "上年=100",
        "annual",
        "index",
        1,
        "反映居民购买的消费品和服务项目价格变动的相对数。",
    ),
    Spec(
        "CPI_Q",
        "居民消费价格指数（季度）",
        "Consumer price index (quarterly)",
        "prices",
        "上年同期=100",
        "quarterly",
        "index",
        1,
        "当季居民消费价格同比指数。",
        "示范市统计局季度统计公报",
    ),
    Spec(
        "RETAIL",
        "社会消费品零售总额",
        "Total retail sales of consumer goods",
        "domestic_trade",
        "亿元",
        "annual",
        "flow",
        2,
        "企业（单位）通过交易售给个人、社会集团非生产、非经营用的实物商品金额和餐饮收入。",
    ),
    Spec(
        "RETAIL_Q",
        "社会消费品零售总额（季度）",
        "Total retail sales of consumer goods (quarterly)",
        "domestic_trade",
        "亿元",
        "quarterly",
        "flow",
        2,
        "当季社会消费品零售总额（非累计）。",
        "示范市统计局季度统计公报",
    ),
    Spec(
        "FAI_GROWTH",
        "固定资产投资增速",
        "Growth of fixed-asset investment",
        "investment",
        "%",
        "annual",
        "rate",
        1,
        "固定资产投资（不含农户）比上年增长的百分比。",
    ),
    Spec(
        "UNEMP",
        "城镇登记失业率",
        "Registered urban unemployment rate",
        "employment",
        "%",
        "annual",
        "rate",
        1,
        "年末城镇登记失业人数占城镇从业人员与登记失业人数之和的比重。",
    ),
    Spec(
        "REVENUE",
        "一般公共预算收入",
        "General public budget revenue",
        "public_finance",
        "亿元",
        "annual",
        "flow",
        2,
        "地方一般公共预算收入（市级含市本级）。",
        "示范市财政决算",
    ),
]

# Nominal growth of GDP and retail sales, year on year (2019 is the base).
_GDP_2019 = Decimal("5236.80")
_GDP_GROWTH = {2020: "3.1", 2021: "11.2", 2022: "4.6", 2023: "5.8", 2024: "5.3", 2025: "5.0"}
_RETAIL_2019 = Decimal("2315.60")
_RETAIL_GROWTH = {2020: "-3.9", 2021: "12.5", 2022: "-0.2", 2023: "7.4", 2024: "3.6", 2025: "4.2"}
_POP_2019 = Decimal("812.35")
_CPI = {2019: "102.8", 2020: "102.4", 2021: "101.0", 2022: "102.1", 2023: "100.3"}
_CPI.update({2024: "100.2", 2025: "99.9"})
_CPI_Q = ("100.0", "100.3", "100.5", "100.1", "99.8", "99.9", "99.8", "100.1")
_FAI = {2019: "5.6", 2020: "3.2", 2021: "5.1", 2022: "5.3", 2023: "3.4", 2024: "3.5", 2025: "-1.8"}
_FAI_OFFSET = {"990102": "-1.3", "990105": "0.4", "990171": "3.8"}
_UNEMP = {2019: "3.2", 2020: "3.5", 2021: "3.3", 2022: "3.4", 2023: "3.2", 2024: "3.1"}
_UNEMP[2025] = "3.0"
_SEASON = (Decimal("0.230"), Decimal("0.245"), Decimal("0.250"), Decimal("0.275"))
_RETAIL_SEASON = (Decimal("0.236"), Decimal("0.244"), Decimal("0.248"), Decimal("0.272"))


def _round(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _shares(year: int, base: tuple[str, str, str], drift: str) -> dict[str, Decimal]:
    """District shares; the high-tech zone gains ``drift`` a year, taken from the old town."""
    moved = Decimal(drift) * (year - 2019)
    east, west, zone = (Decimal(s) for s in base)
    return {"990102": east - moved, "990105": west, "990171": zone + moved}


def _levels(base: Decimal, growth: dict[int, str]) -> dict[int, Decimal]:
    levels = {2019: base}
    for year in YEARS[1:]:
        levels[year] = levels[year - 1] * (1 + Decimal(growth[year]) / 100)
    return levels


def _split(total: Decimal, shares: dict[str, Decimal]) -> dict[str, Decimal]:
    """District values that add up to the city's (rounded), the city last."""
    parts = {code: _round(total * share) for code, share in shares.items()}
    return {**parts, CITY_CODE: sum(parts.values(), Decimal(0))}


def _status(year: int) -> str:
    return "preliminary" if year == 2025 else "final"


class Figure(NamedTuple):
    indicator: str
    region: str
    period: str
    value: Decimal
    status: str


def figures() -> list[Figure]:
    """Every demo figure, in load order."""
    rows: list[Figure] = []
    gdp = _levels(_GDP_2019, _GDP_GROWTH)
    retail = _levels(_RETAIL_2019, _RETAIL_GROWTH)
    for year in YEARS:
        status = _status(year)
        gdp_parts = _split(gdp[year], _shares(year, ("0.44", "0.34", "0.22"), "0.006"))
        retail_parts = _split(retail[year], _shares(year, ("0.48", "0.37", "0.15"), "0.003"))
        population = _POP_2019 * (1 + Decimal("0.005")) ** (year - 2019)
        pop_parts = _split(population, _shares(year, ("0.45", "0.36", "0.19"), "0.002"))
        for region in (CITY_CODE, *DISTRICTS):
            rows.append(Figure("GDP", region, str(year), gdp_parts[region], status))
            rows.append(Figure("POP", region, str(year), pop_parts[region], status))
            rows.append(Figure("RETAIL", region, str(year), retail_parts[region], status))
            fai = Decimal(_FAI[year]) + Decimal(_FAI_OFFSET.get(region, "0"))
            rows.append(Figure("FAI_GROWTH", region, str(year), fai, status))
            ratio = Decimal("0.082") - Decimal("0.0008") * (year - 2019)
            share = Decimal("1") if region == CITY_CODE else Decimal("0.85")
            revenue = _round(gdp_parts[region] * ratio * share)
            rows.append(Figure("REVENUE", region, str(year), revenue, status))
        rows.append(Figure("CPI", CITY_CODE, str(year), Decimal(_CPI[year]), status))
        rows.append(Figure("UNEMP", CITY_CODE, str(year), Decimal(_UNEMP[year]), status))
    for index, year in enumerate(QUARTER_YEARS):
        status = _status(year)
        gdp_parts = _split(gdp[year], _shares(year, ("0.44", "0.34", "0.22"), "0.006"))
        retail_parts = _split(retail[year], _shares(year, ("0.48", "0.37", "0.15"), "0.003"))
        for quarter in range(1, 5):
            period = f"{year}Q{quarter}"
            for region in (CITY_CODE, *DISTRICTS):
                if region == CITY_CODE:
                    continue
                gdp_q = _round(gdp_parts[region] * _SEASON[quarter - 1])
                retail_q = _round(retail_parts[region] * _RETAIL_SEASON[quarter - 1])
                rows.append(Figure("GDP_Q", region, period, gdp_q, status))
                rows.append(Figure("RETAIL_Q", region, period, retail_q, status))
            city_gdp = sum(
                (r.value for r in rows if r.indicator == "GDP_Q" and r.period == period),
                Decimal(0),
            )
            city_retail = sum(
                (r.value for r in rows if r.indicator == "RETAIL_Q" and r.period == period),
                Decimal(0),
            )
            rows.append(Figure("GDP_Q", CITY_CODE, period, city_gdp, status))
            rows.append(Figure("RETAIL_Q", CITY_CODE, period, city_retail, status))
            cpi = Decimal(_CPI_Q[index * 4 + quarter - 1])
            rows.append(Figure("CPI_Q", CITY_CODE, period, cpi, status))
    return rows


#: The first release of 2024's GDP (preliminary, later revised to the final figures): the
#: history a figure keeps.
FIRST_RELEASE_FACTOR = Decimal("0.994")
