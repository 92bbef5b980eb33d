"""The demo district: what the report tells us, and the shape of what we generate around it.

Facts from the report (kept exactly): the district and its code; the programme's four years
with their compounds and households; about 200,000 residents; Hongke community with its open
compound of 60-odd 1980s buildings, three of them Soviet-style staff buildings without toilets
or kitchens; Hongdu District 6, staff housing of Hongdu Group, with its disused reservoir;
Erjin community's Siji dormitory, over 60 years old, due for expropriation; 48 volunteer
supervisors; 6 property companies serving the compounds finished in the first year; the
planning teams that surveyed the sites. Everything else is generated and flagged `is_demo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DISTRICT = {"code": "360104", "name": "青云谱区", "city": "南昌市", "province": "江西省"}

# The programme (programme.md): year → (compounds or None, households). The first year is the
# year before the current one, so the demo stands where the report stood.
PROGRAMME = {1: (14, 11_500), 2: (53, 27_200), 3: (None, 13_400), 4: (None, 5_900)}
PROGRAMME_HOUSEHOLDS = 58_000
PROGRAMME_RESIDENTS = 200_100  # 58,000 × 3.45: "about 200,000 residents"
# Compounds of years three and four are not counted in the report; we plan these many.
GENERATED_COMPOUNDS = {3: 26, 4: 12}


@dataclass(frozen=True)
class SubdistrictSpec:
    name: str
    centre: tuple[float, float]  # longitude, latitude
    communities: tuple[str, ...]


SUBDISTRICTS = (
    SubdistrictSpec(
        "洪都街道",
        (115.9105, 28.6420),
        ("洪科社区", "洪都新村社区", "洪钢社区", "洪都北社区", "洪都南社区"),
    ),
    SubdistrictSpec(
        "京山街道", (115.9230, 28.6300), ("京山社区", "京东社区", "京南社区", "京西社区")
    ),
    SubdistrictSpec(
        "三家店街道",
        (115.9040, 28.6290),
        ("二进社区", "三店西社区", "三店东社区", "站前社区", "铁路社区"),
    ),
    SubdistrictSpec(
        "徐家坊街道", (115.9160, 28.6530), ("徐家坊社区", "井冈山社区", "施尧社区", "桃花社区")
    ),
    SubdistrictSpec(
        "岱山街道",
        (115.9300, 28.6450),
        ("岱山社区", "岱东社区", "岱西社区", "城南社区", "迎宾社区"),
    ),
    SubdistrictSpec(
        "青云谱镇", (115.9000, 28.6150), ("青云社区", "谱园社区", "施家社区", "新溪社区")
    ),
)


@dataclass(frozen=True)
class EstateSpec:
    name: str
    community: str
    built_year: int
    kind: str
    households: int
    year: int | None  # programme year, None for compounds outside the renewal programme
    buildings: int | None = None  # a fixed number of buildings, where the report gives one
    is_open: bool = False
    floors: tuple[int, int] = (5, 7)
    entrances: tuple[int, int] = (2, 4)
    note: str = ""
    owner: str = ""  # an enterprise owning staff buildings
    staff_buildings: int = 0  # how many buildings that enterprise still owns
    is_demo: bool = False


HONGKE = EstateSpec(
    name="洪科小区",
    community="洪科社区",
    built_year=1984,
    kind="staff",
    households=1_860,
    year=1,
    buildings=62,
    is_open=True,
    floors=(5, 5),
    entrances=(3, 3),
    note="开放式老旧小区，60多栋居民楼建于上世纪80年代；其中3栋苏式职工楼原无独立厕所和厨房。",
    owner="洪都集团",
    staff_buildings=3,
)
HONGDU_6 = EstateSpec(
    name="洪都六区",
    community="洪都新村社区",
    built_year=1988,
    kind="staff",
    households=1_240,
    year=1,
    note="洪都集团职工住宅区；区内原有一座为居民供应饮用水的水库，已废弃数十年。",
    owner="洪都集团",
    staff_buildings=4,
)
SIJI = EstateSpec(
    name="四机宿舍",
    community="二进社区",
    built_year=1960,
    kind="staff",
    households=288,
    year=None,
    buildings=12,
    floors=(3, 4),
    entrances=(2, 2),
    note="建成60多年，墙体开裂，公共楼梯为木板；列入棚户区改造征收范围。",
)
NAMED_ESTATES = (HONGKE, HONGDU_6, SIJI)

# Where the demo's named compounds were first and how the rest of each programme year is
# shaped: (number of compounds still to generate, households still to place).
HONGKE_EXTRA = {2: 2}  # two more Hongke compounds are renewed in year two

# Compounds built 2001–2005 may join a batch within 15% of its households (renewal.md); the
# demo puts some in years two and three, well inside the cap.
LATE_BUILT = {2: ((2003, 520), (2004, 480), (2002, 610)), 3: ((2003, 640),)}

ESTATE_WORDS = (
    "青云",
    "京山",
    "岱山",
    "徐家",
    "三店",
    "洪钢",
    "铁路",
    "朝阳",
    "桃花",
    "施尧",
    "迎宾",
    "城南",
    "贤士",
    "井冈",
    "象湖",
    "站前",
    "新溪",
    "谱园",
    "梅湖",
    "莲塘",
    "江纺",
    "东方",
    "农机",
    "省建",
    "电机",
    "邮电",
    "粮校",
    "柴油机",
    "钢丝",
    "水泥",
    "纺机",
    "医药",
    "光明",
    "和平",
    "胜利",
    "振兴",
)
ESTATE_SUFFIXES = ("新村", "小区", "宿舍", "花园", "公寓", "家园", "里", "苑", "大院")

# Organisations. Real bodies from the report carry no credit code (we do not know theirs);
# generated ones carry valid generated codes and are flagged as demo data.
DEPARTMENTS = (
    ("department", "青云谱区住房和城乡建设局", "区住建局"),
    ("department", "青云谱区城市管理局", "区城管局"),
    ("utility", "青云谱区供水服务站", "供水"),
    ("utility", "青云谱区供电服务站", "供电"),
    ("utility", "青云谱区燃气服务站", "燃气"),
)
DESIGNERS = (
    ("designer", "北京清华同衡规划设计研究院", "清华同衡"),
    ("designer", "上海同济城市规划设计研究院", "上海同济"),
    ("designer", "中国美术学院", "中国美院"),
)
ENTERPRISES = (("enterprise", "洪都集团", "洪都集团"),)
PROPERTY_COMPANY_COUNT = 6
CONTRACTOR_COUNT = 5
SUPERVISOR_COUNT = 48

# Shapes of generated buildings and households.
FLOOR_WEIGHTS = {4: 5, 5: 40, 6: 40, 7: 15}
UNITS_PER_FLOOR = {2: 85, 3: 15}
AREA_RANGE = (Decimal("40.00"), Decimal("90.00"))
AREA_SOURCE_WEIGHTS = {"registered": 85, "surveyed": 10, "contract": 5}
HOUSEHOLD_SIZE_WEIGHTS = {1: 8, 2: 20, 3: 22, 4: 25, 5: 15, 6: 10}
CO_OWNED_SHARE = 0.03  # dwellings held jointly by a couple
SECOND_HOME_SHARE = 0.01  # owners who also hold a second dwelling, let to tenants

DEMO_PASSWORD = "xinju2026"  # noqa: S105 - printed by make demo, for demo accounts only
