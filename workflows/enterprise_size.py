"""Enterprise size (大/中/小/微) as the 2011 standard derives it, with the standard's thresholds as data.

《中小企业划型标准规定》（工信部联企业〔2011〕300号）第四条, one row per industry (amounts in 万元):

（一）农、林、牧、渔业。营业收入20000万元以下的为中小微型企业。其中，营业收入500万元及以上的为中型企业，
营业收入50万元及以上的为小型企业，营业收入50万元以下的为微型企业。
（二）工业。从业人员1000人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员300人及以上，且营业
收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入300万元及以上的为小型企业；从业人员20人以下或
营业收入300万元以下的为微型企业。
（三）建筑业。营业收入80000万元以下或资产总额80000万元以下的为中小微型企业。其中，营业收入6000万元及以上，
且资产总额5000万元及以上的为中型企业；营业收入300万元及以上，且资产总额300万元及以上的为小型企业；营业收入
300万元以下或资产总额300万元以下的为微型企业。
（四）批发业。从业人员200人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员20人及以上，且营业
收入5000万元及以上的为中型企业；从业人员5人及以上，且营业收入1000万元及以上的为小型企业；从业人员5人以下或
营业收入1000万元以下的为微型企业。
（五）零售业。从业人员300人以下或营业收入20000万元以下的为中小微型企业。其中，从业人员50人及以上，且营业
收入500万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人以下或
营业收入100万元以下的为微型企业。
（六）交通运输业。从业人员1000人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员300人及以上，且
营业收入3000万元及以上的为中型企业；从业人员20人及以上，且营业收入200万元及以上的为小型企业；从业人员20人
以下或营业收入200万元以下的为微型企业。
（七）仓储业。从业人员200人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业
收入1000万元及以上的为中型企业；从业人员20人及以上，且营业收入100万元及以上的为小型企业；从业人员20人以下或
营业收入100万元以下的为微型企业。
（八）邮政业。从业人员1000人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员300人及以上，且营业
收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入100万元及以上的为小型企业；从业人员20人以下或
营业收入100万元以下的为微型企业。
（九）住宿业。从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业
收入2000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人以下或
营业收入100万元以下的为微型企业。
（十）餐饮业。从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业
收入2000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人以下或
营业收入100万元以下的为微型企业。
（十一）信息传输业。从业人员2000人以下或营业收入100000万元以下的为中小微型企业。其中，从业人员100人及以上，
且营业收入1000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人
以下或营业收入100万元以下的为微型企业。
（十二）软件和信息技术服务业。从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人
及以上，且营业收入1000万元及以上的为中型企业；从业人员10人及以上，且营业收入50万元及以上的为小型企业；从业
人员10人以下或营业收入50万元以下的为微型企业。
（十三）房地产开发经营。营业收入200000万元以下或资产总额10000万元以下的为中小微型企业。其中，营业收入1000万元
及以上，且资产总额5000万元及以上的为中型企业；营业收入100万元及以上，且资产总额2000万元及以上的为小型企业；
营业收入100万元以下或资产总额2000万元以下的为微型企业。
（十四）物业管理。从业人员1000人以下或营业收入5000万元以下的为中小微型企业。其中，从业人员300人及以上，且营业
收入1000万元及以上的为中型企业；从业人员100人及以上，且营业收入500万元及以上的为小型企业；从业人员100人以下
或营业收入500万元以下的为微型企业。
（十五）租赁和商务服务业。从业人员300人以下或资产总额120000万元以下的为中小微型企业。其中，从业人员100人及
以上，且资产总额8000万元及以上的为中型企业；从业人员10人及以上，且资产总额100万元及以上的为小型企业；从业
人员10人以下或资产总额100万元以下的为微型企业。
（十六）其他未列明行业。从业人员300人以下的为中小微型企业。其中，从业人员100人及以上的为中型企业；从业人员
10人及以上的为小型企业；从业人员10人以下的为微型企业。

第五条 … 中型企业须同时满足所列指标的下限，否则下划一档. So each tier is "every listed lower bound met"
(且), and the tier below otherwise: 大型 is what is not 中小微 ("X以下或Y以下" negated: X及以上且Y及以上),
and 微型 ("X以下或Y以下") is exactly "not 小型". `classify` walks 大 → 中 → 小 and falls to 微.

Money is compared in integer fen (1 万元 = 1,000,000 fen), never floats. This module is pure data and
functions (rule data, like the rest of `workflows`): standard library only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 yuan = 1,000,000 fen


class EnterpriseSize(enum.StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"


SME_SIZES = frozenset({EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO})
SIZE_LABELS = {
    EnterpriseSize.LARGE: ("大型企业", "Large"),
    EnterpriseSize.MEDIUM: ("中型企业", "Medium"),
    EnterpriseSize.SMALL: ("小型企业", "Small"),
    EnterpriseSize.MICRO: ("微型企业", "Micro"),
}


class Indicator(enum.StrEnum):
    EMPLOYEES = "employees"  # 从业人员, persons
    REVENUE = "operating_revenue"  # 营业收入, 万元
    ASSETS = "total_assets"  # 资产总额, 万元


E, R, T = Indicator.EMPLOYEES, Indicator.REVENUE, Indicator.ASSETS


@dataclass(frozen=True)
class IndustryRow:
    """One row of 第四条: the indicators it uses and each tier's lower bounds, in the indicators' order."""

    key: str
    zh: str
    en: str
    sections: str  # the 国民经济行业分类 (GB/T 4754) sections the row covers, as the pick list shows them
    indicators: tuple[Indicator, ...]
    large: tuple[int, ...]
    medium: tuple[int, ...]
    small: tuple[int, ...]


INDUSTRIES: tuple[IndustryRow, ...] = (
    IndustryRow("agriculture", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery",
                "A", (R,), (20000,), (500,), (50,)),
    IndustryRow("industry", "工业", "Industry", "B, C, D",
                (E, R), (1000, 40000), (300, 2000), (20, 300)),
    IndustryRow("construction", "建筑业", "Construction", "E",
                (R, T), (80000, 80000), (6000, 5000), (300, 300)),
    IndustryRow("wholesale", "批发业", "Wholesale", "F (批发)",
                (E, R), (200, 40000), (20, 5000), (5, 1000)),
    IndustryRow("retail", "零售业", "Retail", "F (零售)",
                (E, R), (300, 20000), (50, 500), (10, 100)),
    IndustryRow("transport", "交通运输业", "Transport", "G (除仓储、邮政)",
                (E, R), (1000, 30000), (300, 3000), (20, 200)),
    IndustryRow("warehousing", "仓储业", "Warehousing", "G (仓储)",
                (E, R), (200, 30000), (100, 1000), (20, 100)),
    IndustryRow("postal", "邮政业", "Postal services", "G (邮政)",
                (E, R), (1000, 30000), (300, 2000), (20, 100)),
    IndustryRow("accommodation", "住宿业", "Accommodation", "H (住宿)",
                (E, R), (300, 10000), (100, 2000), (10, 100)),
    IndustryRow("catering", "餐饮业", "Catering", "H (餐饮)",
                (E, R), (300, 10000), (100, 2000), (10, 100)),
    IndustryRow("telecom", "信息传输业", "Information transmission", "I (信息传输)",
                (E, R), (2000, 100000), (100, 1000), (10, 100)),
    IndustryRow("software", "软件和信息技术服务业", "Software and information technology services",
                "I (软件和信息技术服务)", (E, R), (300, 10000), (100, 1000), (10, 50)),
    IndustryRow("real_estate", "房地产开发经营", "Real estate development", "K (房地产开发经营)",
                (R, T), (200000, 10000), (1000, 5000), (100, 2000)),
    IndustryRow("property_management", "物业管理", "Property management", "K (物业管理)",
                (E, R), (1000, 5000), (300, 1000), (100, 500)),
    IndustryRow("leasing_business", "租赁和商务服务业", "Leasing and business services", "L",
                (E, T), (300, 120000), (100, 8000), (10, 100)),
    IndustryRow("other", "其他未列明行业", "Other industries not listed",
                "J, M, N, O, P, Q, R, S, T …", (E,), (300,), (100,), (10,)),
)  # fmt: skip
INDUSTRY_BY_KEY = {row.key: row for row in INDUSTRIES}


@dataclass(frozen=True)
class Figures:
    """The declared figures of the last year: persons and integer fen."""

    employees: int
    revenue_fen: int
    assets_fen: int | None = None

    def value(self, indicator: Indicator) -> int:
        """The figure in the standard's unit: persons, or 万元 rounded down (300万 needs 300万 in full)."""
        if indicator is E:
            return self.employees
        fen = self.revenue_fen if indicator is R else self.assets_fen
        if fen is None:
            raise ValueError(f"{indicator.value} is needed for this industry")
        return fen // FEN_PER_WAN


def needs_assets(industry: str) -> bool:
    """Whether the standard uses total assets for this industry."""
    return T in INDUSTRY_BY_KEY[industry].indicators


def _meets(figures: Figures, row: IndustryRow, bounds: tuple[int, ...]) -> bool:
    return all(figures.value(ind) >= bound for ind, bound in zip(row.indicators, bounds, strict=True))


def classify(industry: str, figures: Figures) -> EnterpriseSize:
    """Return the size of an enterprise of `industry` (a row key) with these figures.

    Raises KeyError for an unknown industry and ValueError when a figure the row uses is missing.
    """
    row = INDUSTRY_BY_KEY[industry]
    if _meets(figures, row, row.large):
        return EnterpriseSize.LARGE
    if _meets(figures, row, row.medium):
        return EnterpriseSize.MEDIUM
    if _meets(figures, row, row.small):
        return EnterpriseSize.SMALL
    return EnterpriseSize.MICRO
