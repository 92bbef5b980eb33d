"""Generates the demo district from `spec`: seeded, so two runs give the same district.

The register is built as plain rows and written with the bulk loader in one transaction (a
few hundred thousand rows; model instances would cost more than the database does). The
generation is recorded as one audit event.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from xinju.accounts.models import Role, ScopeKind
from xinju.areas.models import (
    Building,
    Community,
    District,
    Dwelling,
    Entrance,
    Estate,
    Grid,
    Subdistrict,
)
from xinju.core import audit
from xinju.core.bulk import insert_rows, now, reserve_ids
from xinju.core.identifiers import credit_check_char, id_check_char, org_code_check_char
from xinju.orgs.models import Organization, OrgKind
from xinju.people.models import Owner, Ownership, Person, Relation, Residency, TitleStatus
from xinju.people.names import pinyin_key
from xinju.renewal.models import Project

from . import spec
from .renewal import RenewalDemo

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤涂饶"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文海俊德斌林辉鹏波宇浩欣怡子轩"
    "涵梓晨雨思佳嘉晓春秋梅凤云莲金荣福生龙志永成新东安宁祥瑞雪琴婷慧淑丹萍燕亮飞鑫博诚泽根水"
)
# Birthplaces in ID numbers: mostly this district, the rest elsewhere in Jiangxi.
REGIONS = ("360104",) * 6 + ("360102", "360103", "360111", "360121", "360122", "362202", "360502")
MOBILE_PREFIXES = (
    "130",
    "131",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


@dataclass
class Result:
    district: District
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[dict[str, str]] = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Generator:
    def __init__(
        self,
        *,
        seed: int = 360104,
        scale: float = 1.0,
        compounds: int = 1,
        today: dt.date | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        """`scale` multiplies the households of every compound; `compounds` multiplies the
        compounds of each programme year, with their households (a larger district for the
        benchmarks: the named compounds stay one each). The defaults give the report's."""
        if compounds < 1:
            raise ValueError("compounds must be at least 1")
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.compounds = compounds
        # Birth dates are relative to the start of this year, so a run is the same all year.
        self.today = today or dt.date(dt.date.today().year, 1, 1)
        self.progress = progress or (lambda phase, done, total: None)
        self._id_seen: set[str] = set()
        self._credit_serial = 0

    # -- sizes ------------------------------------------------------------------------------

    def _scaled(self, n: int) -> int:
        return max(1, round(n * self.scale))

    def estate_plan(self) -> list[spec.EstateSpec]:
        """Every compound with its target household count; each programme year adds up exactly
        (to `compounds` times the programme's compounds and households)."""
        rng = self.rng
        plans: list[spec.EstateSpec] = []
        communities = [c for s in spec.SUBDISTRICTS for c in s.communities]
        names_used: set[tuple[str, str]] = {(e.community, e.name) for e in spec.NAMED_ESTATES}

        def new_name(community: str) -> str:
            while True:
                name = rng.choice(spec.ESTATE_WORDS) + rng.choice(spec.ESTATE_SUFFIXES)
                if rng.random() < 0.3:
                    name = name.replace("小区", "") + "一二三四五"[rng.randrange(5)] + "区"
                if (community, name) not in names_used:
                    names_used.add((community, name))
                    return name

        for year, (count, households) in spec.PROGRAMME.items():
            target = self._scaled(households) * self.compounds
            named = [e for e in spec.NAMED_ESTATES if e.year == year]
            fixed: list[spec.EstateSpec] = []
            for e in named:
                fixed.append(
                    spec.EstateSpec(
                        **{
                            **e.__dict__,
                            "households": self._scaled(e.households),
                            "buildings": self._scaled(e.buildings) if e.buildings else None,
                            "staff_buildings": self._staff(e),
                        }
                    )
                )
            # A larger district repeats the year's shape: its extra Hongke and late-built ones.
            for _copy in range(self.compounds):
                for _ in range(spec.HONGKE_EXTRA.get(year, 0)):
                    fixed.append(
                        self._generated(
                            "洪科社区", new_name("洪科社区"), year, rng.randint(1981, 1995), 0
                        )
                    )
                for built, size in spec.LATE_BUILT.get(year, ()):
                    community = rng.choice(communities)
                    fixed.append(
                        self._generated(
                            community,
                            new_name(community),
                            year,
                            built,
                            self._scaled(size),
                            kind="commodity",
                        )
                    )
            total = self.compounds * (
                count if count is not None else spec.GENERATED_COMPOUNDS[year]
            )
            rest = total - len(fixed)
            placed = sum(e.households for e in fixed if e.households)
            remaining = target - placed
            # Split the remaining households among the rest, unevenly (compounds differ).
            weights = [rng.uniform(0.5, 1.5) for _ in range(rest)]
            sizes = [max(1, int(remaining * w / sum(weights))) for w in weights]
            sizes[-1] += remaining - sum(sizes)
            for size in sizes:
                community = rng.choice(communities)
                fixed.append(
                    self._generated(
                        community, new_name(community), year, rng.randint(1978, 2000), size
                    )
                )
            # The first compounds get their households by building; the planned sizes above
            # are the targets the building generator meets exactly.
            for e in fixed:
                if not e.households:
                    raise AssertionError("every compound needs a household target")
            plans.extend(fixed)
        siji = spec.SIJI
        plans.append(
            spec.EstateSpec(
                **{
                    **siji.__dict__,
                    "households": self._scaled(siji.households),
                    "buildings": self._scaled(siji.buildings or 1),
                }
            )
        )
        return plans

    def _larger(self) -> dict[str, int]:
        """The compounds multiplier, recorded only when it makes a larger district."""
        return {"compounds": self.compounds} if self.compounds != 1 else {}

    def _staff(self, e: spec.EstateSpec) -> int:
        """Staff buildings still held by the enterprise, scaled, leaving some for owners."""
        if not e.staff_buildings:
            return 0
        staff = self._scaled(e.staff_buildings)
        return min(staff, self._scaled(e.buildings) - 1) if e.buildings else staff

    def _generated(
        self,
        community: str,
        name: str,
        year: int,
        built: int,
        households: int,
        kind: str | None = None,
    ) -> spec.EstateSpec:
        rng = self.rng
        return spec.EstateSpec(
            name=name,
            community=community,
            built_year=built,
            kind=kind or rng.choice(["staff", "reformed", "reformed", "commodity", "scattered"]),
            households=households or self._scaled(rng.randint(300, 700)),
            year=year,
            is_open=rng.random() < 0.35,
            is_demo=True,
        )

    # -- the whole run ----------------------------------------------------------------------

    @transaction.atomic
    def run(self, *, actor: Any = None) -> Result:
        """Write the district. Raises if a district with the demo's code exists already."""
        if District.objects.filter(code=spec.DISTRICT["code"]).exists():
            raise RuntimeError("the demo district exists already")
        stamp = now()
        district = District.objects.create(**spec.DISTRICT)
        orgs = self._organizations(stamp)
        plans = self.estate_plan()
        tree = self._tree(district, plans, orgs, stamp)
        counts = self._households(tree, orgs, stamp)
        counts.update({"organizations": len(orgs["all"]), "estates": len(tree["estates"])})
        self.progress("renewal", 0, 1)
        renewal = RenewalDemo(
            seed=self.seed,
            district=district,
            estates=tree["estates"],
            orgs=orgs,
            first_year=self.today.year - 1,
            scale=self.scale,
            compounds=self.compounds,
        ).run()
        counts.update({f"renewal_{k}": v for k, v in renewal.items()})
        self.progress("renewal", 1, 1)
        audit.record(
            actor=actor,
            verb="demo.generate",
            target=district,
            after={"seed": "fixed", "scale": self.scale, **self._larger(), **counts},
        )
        return Result(district=district, counts=counts)

    # -- organisations ----------------------------------------------------------------------

    def _credit_code(self) -> str:
        """A valid generated unified social credit code (checksums of GB 32100 and GB 11714)."""
        self._credit_serial += 1
        org = f"MA{self._credit_serial:06d}"  # organisation codes starting MA: market entities
        body = "91" + "360104" + org + org_code_check_char(org)
        return body + credit_check_char(body)

    def _organizations(self, stamp: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        for kind, name, short in (*spec.DEPARTMENTS, *spec.DESIGNERS, *spec.ENTERPRISES):
            rows.append((kind, name, short, None, False))
        first = ("恒", "安", "嘉", "润", "诚", "鑫", "锦", "和", "瑞", "德", "宏", "信")
        second = ("泰", "盛", "远", "达", "丰", "源", "华", "邦", "宇", "明", "祥", "捷")
        used: set[str] = set()

        def brand() -> str:
            while True:
                b = rng.choice(first) + rng.choice(second)
                if b not in used:
                    used.add(b)
                    return b

        for _ in range(spec.PROPERTY_COMPANY_COUNT):
            b = brand()
            rows.append(
                (
                    OrgKind.PROPERTY,
                    f"南昌{b}物业服务有限公司",
                    f"{b}物业",
                    self._credit_code(),
                    True,
                )
            )
        for _ in range(spec.CONTRACTOR_COUNT):
            b = brand()
            rows.append(
                (
                    OrgKind.CONTRACTOR,
                    f"江西{b}建设工程有限公司",
                    f"{b}建设",
                    self._credit_code(),
                    True,
                )
            )
        b = brand()
        rows.append(
            (OrgKind.DEVELOPER, f"南昌{b}房地产开发有限公司", f"{b}地产", self._credit_code(), True)
        )
        ids = reserve_ids(Organization, len(rows))
        insert_rows(
            Organization,
            ["id", "kind", "name", "short_name", "credit_code", "is_demo"],
            ((pk, *row) for pk, row in zip(ids, rows, strict=True)),
            constants={
                "contact_person": "",
                "contact_phone": "",
                "address": "",
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        by_kind: dict[str, list[int]] = {}
        by_name: dict[str, int] = {}
        for pk, row in zip(ids, rows, strict=True):
            by_kind.setdefault(row[0], []).append(pk)
            by_name[row[1]] = pk
        return {"all": ids, "kind": by_kind, "name": by_name}

    # -- the area tree ----------------------------------------------------------------------

    def _tree(
        self,
        district: District,
        plans: list[spec.EstateSpec],
        orgs: dict[str, Any],
        stamp: dt.datetime,
    ) -> dict[str, Any]:
        rng = self.rng
        sub_rows, com_rows = [], []
        com_ids: dict[str, int] = {}
        com_centre: dict[str, tuple[float, float]] = {}
        sub_ids = reserve_ids(Subdistrict, len(spec.SUBDISTRICTS))
        for i, (pk, s) in enumerate(zip(sub_ids, spec.SUBDISTRICTS, strict=True), start=1):
            code = f"{district.code}{i:03d}"
            sub_rows.append((pk, district.pk, code, s.name))
            com_pks = reserve_ids(Community, len(s.communities))
            for j, (cpk, name) in enumerate(zip(com_pks, s.communities, strict=True), start=1):
                com_rows.append((cpk, pk, f"{code}{j:03d}", name))
                com_ids[name] = cpk
                com_centre[name] = (
                    s.centre[0] + rng.uniform(-0.008, 0.008),
                    s.centre[1] + rng.uniform(-0.006, 0.006),
                )
        insert_rows(Subdistrict, ["id", "district_id", "code", "name"], sub_rows)
        insert_rows(Community, ["id", "subdistrict_id", "code", "name"], com_rows)
        com_codes = {row[3]: row[2] for row in com_rows}

        # Compounds
        estate_ids = reserve_ids(Estate, len(plans))
        property_ids = orgs["kind"][OrgKind.PROPERTY]
        estate_rows = []
        for n, (pk, e) in enumerate(zip(estate_ids, plans, strict=True), start=1):
            lon, lat = com_centre[e.community]
            manager = property_ids[(n - 1) % len(property_ids)] if e.year == 1 else None
            estate_rows.append(
                (
                    pk,
                    com_ids[e.community],
                    f"{spec.DISTRICT['code']}-{n:04d}",
                    e.name,
                    f"{spec.DISTRICT['city']}{spec.DISTRICT['name']}{e.community.removesuffix('社区')}路{rng.randint(1, 300)}号",
                    e.built_year,
                    e.kind,
                    e.is_open,
                    Decimal(f"{lon + rng.uniform(-0.004, 0.004):.6f}"),
                    Decimal(f"{lat + rng.uniform(-0.003, 0.003):.6f}"),
                    manager,
                    e.note,
                    e.is_demo,
                )
            )
        insert_rows(
            Estate,
            [
                "id",
                "community_id",
                "code",
                "name",
                "address",
                "built_year",
                "kind",
                "is_open",
                "longitude",
                "latitude",
                "property_company_id",
                "note",
                "is_demo",
            ],
            estate_rows,
            constants={"created_at": stamp, "updated_at": stamp},
        )

        # Buildings, entrances and dwellings, estate by estate
        buildings: list[dict[str, Any]] = []
        for estate_pk, e in zip(estate_ids, plans, strict=True):
            buildings.extend(self._buildings(estate_pk, e))
        # Grids: each community's buildings, in order, cut into grids of about 400 households.
        by_community: dict[str, list[dict[str, Any]]] = {}
        for b in buildings:
            by_community.setdefault(b["community"], []).append(b)
        grid_rows = []
        for name, items in by_community.items():
            grids: list[list[dict[str, Any]]] = [[]]
            size = 0
            for b in items:
                if size >= 400 * max(self.scale, 0.05) and grids[-1]:
                    grids.append([])
                    size = 0
                grids[-1].append(b)
                size += b["households"]
            gids = reserve_ids(Grid, len(grids))
            for k, (gid, members) in enumerate(zip(gids, grids, strict=True), start=1):
                grid_rows.append(
                    (
                        gid,
                        com_ids[name],
                        f"{com_codes[name]}{k:02d}",
                        f"{name.removesuffix('社区')}第{k}网格",
                    )
                )
                for b in members:
                    b["grid"] = gid
        insert_rows(Grid, ["id", "community_id", "code", "name"], grid_rows)
        b_ids = reserve_ids(Building, len(buildings))
        for pk, b in zip(b_ids, buildings, strict=True):
            b["id"] = pk
        insert_rows(
            Building,
            ["id", "estate_id", "grid_id", "number", "floors", "built_year", "note"],
            (
                (b["id"], b["estate"], b["grid"], b["number"], b["floors"], None, b["note"])
                for b in buildings
            ),
        )
        entrances = [(b, e) for b in buildings for e in b["entrances"]]
        e_ids = reserve_ids(Entrance, len(entrances))
        insert_rows(
            Entrance,
            ["id", "building_id", "number"],
            ((pk, b["id"], e["number"]) for pk, (b, e) in zip(e_ids, entrances, strict=True)),
        )
        dwellings = []
        for pk, (b, e) in zip(e_ids, entrances, strict=True):
            for floor, number, area in e["units"]:
                dwellings.append((b, pk, floor, number, area))
        d_ids = reserve_ids(Dwelling, len(dwellings))
        sources = list(spec.AREA_SOURCE_WEIGHTS)
        weights = list(spec.AREA_SOURCE_WEIGHTS.values())
        source_of = [rng.choices(sources, weights)[0] for _ in dwellings]
        insert_rows(
            Dwelling,
            [
                "id",
                "entrance_id",
                "building_id",
                "estate_id",
                "floor",
                "number",
                "exclusive_area",
                "area_source",
                "use",
            ],
            (
                (pk, entrance, b["id"], b["estate"], floor, number, area, src, "residential")
                for pk, (b, entrance, floor, number, area), src in zip(
                    d_ids, dwellings, source_of, strict=True
                )
            ),
        )
        self.progress("dwellings", len(dwellings), len(dwellings))
        estates = [
            {"id": pk, "spec": e, "dwellings": []} for pk, e in zip(estate_ids, plans, strict=True)
        ]
        by_estate = {x["id"]: x for x in estates}
        for pk, (b, _entrance, _floor, _number, _area) in zip(d_ids, dwellings, strict=True):
            by_estate[b["estate"]]["dwellings"].append((pk, b))
        return {"estates": estates, "dwelling_count": len(dwellings)}

    def _buildings(self, estate_pk: int, e: spec.EstateSpec) -> list[dict[str, Any]]:
        """Buildings whose dwellings add up to exactly e.households."""
        rng = self.rng
        out: list[dict[str, Any]] = []
        remaining = e.households
        count = 0
        while remaining > 0:
            count += 1
            fixed_left = (e.buildings - count + 1) if e.buildings else None
            floors = (
                rng.randint(*e.floors) if e.floors != (5, 7) else _weighted(rng, spec.FLOOR_WEIGHTS)
            )
            entrances = rng.randint(*e.entrances)
            per_floor = _weighted(rng, spec.UNITS_PER_FLOOR)
            if fixed_left is not None and fixed_left > 1:
                # Spread what is left over the buildings still to come.
                share = max(1, round(remaining / fixed_left))
                per_floor = max(1, min(4, round(share / (floors * entrances))))
            capacity = floors * entrances * per_floor
            if fixed_left == 1 or capacity >= remaining:
                # The last building takes exactly what is left: fewer entrances, then floors.
                while entrances > 1 and (entrances - 1) * floors * per_floor >= remaining:
                    entrances -= 1
                while floors * entrances * per_floor < remaining:
                    floors += 1
                capacity = remaining
            staff = e.staff_buildings and count <= e.staff_buildings
            # One floor plan per building: the same unit areas on every floor.
            low, high = (28, 38) if staff and e.name == spec.HONGKE.name else spec.AREA_RANGE
            layout = [
                Decimal(rng.uniform(float(low), float(high))).quantize(Decimal("0.01"))
                for _ in range(per_floor)
            ]
            units_left = min(capacity, remaining)
            ents = []
            for k in range(1, entrances + 1):
                units = []
                for floor in range(1, floors + 1):
                    for u in range(1, per_floor + 1):
                        if units_left == 0:
                            break
                        units.append((floor, f"{floor}{u:02d}", layout[u - 1]))
                        units_left -= 1
                if units:
                    ents.append({"number": str(k), "units": units})
            made = sum(len(x["units"]) for x in ents)
            remaining -= made
            note = ""
            if staff and e.name == spec.HONGKE.name:
                note = "苏式职工楼，原无独立厕所和厨房"
            out.append(
                {
                    "estate": estate_pk,
                    "community": e.community,
                    "number": str(count),
                    "floors": max(f for x in ents for f, _n, _a in x["units"]),
                    "entrances": ents,
                    "households": made,
                    "staff": bool(staff),
                    "note": note,
                }
            )
        return out

    # -- people -----------------------------------------------------------------------------

    def _name(self, surname: str | None = None) -> str:
        rng = self.rng
        s = surname or rng.choice(SURNAMES)
        return s + "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))

    def _id_number(self, age: int, male: bool) -> str:
        rng = self.rng
        while True:
            born = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
            seq = rng.randint(0, 499) * 2 + (1 if male else 0)
            first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{seq:03d}"
            number = first17 + id_check_char(first17)
            if number not in self._id_seen:
                self._id_seen.add(number)
                return number

    def _phone(self) -> str:
        rng = self.rng
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"

    def _households(
        self, tree: dict[str, Any], orgs: dict[str, Any], stamp: dt.datetime
    ) -> dict[str, int]:
        """Residents of every dwelling (exactly PROGRAMME_RESIDENTS in the programme's
        compounds), the owners of every title, and a few co-owned, second and enterprise homes."""
        rng = self.rng
        programme = [x for x in tree["estates"] if x["spec"].year is not None]
        others = [x for x in tree["estates"] if x["spec"].year is None]
        sizes_keys = list(spec.HOUSEHOLD_SIZE_WEIGHTS)
        sizes_w = list(spec.HOUSEHOLD_SIZE_WEIGHTS.values())
        plan: list[tuple[int, dict[str, Any], int]] = []  # (dwelling, building, residents)
        residents = self._scaled(spec.PROGRAMME_RESIDENTS) * self.compounds
        for group, target in ((programme, residents), (others, None)):
            units = [(d, b) for x in group for d, b in x["dwellings"]]
            sizes = rng.choices(sizes_keys, sizes_w, k=len(units))
            if target is not None:
                # Nudge random households up or down until the total is the programme's figure.
                diff = target - sum(sizes)
                while diff:
                    i = rng.randrange(len(sizes))
                    if diff > 0 and sizes[i] < 7:
                        sizes[i] += 1
                        diff -= 1
                    elif diff < 0 and sizes[i] > 1:
                        sizes[i] -= 1
                        diff += 1
            plan.extend((d, b, n) for (d, b), n in zip(units, sizes, strict=True))

        enterprise = orgs["name"].get("洪都集团")
        developer = orgs["kind"][OrgKind.DEVELOPER][0]
        people: list[tuple[Any, ...]] = []
        residencies: list[tuple[Any, ...]] = []
        titles: list[tuple[int, str]] = []  # (dwelling, status)
        holders: list[list[tuple[str, int]]] = []  # per title: [("p", person index) | ("o", org)]
        owners_of_first_home: list[int] = []
        late_commodity = {x["id"] for x in tree["estates"] if x["spec"].built_year >= 2001}
        total = len(plan)
        for n, (dwelling, building, size) in enumerate(plan, start=1):
            surname = rng.choice(SURNAMES)
            head_age = rng.randint(30, 85)
            members = []
            for k in range(size):
                if k == 0:
                    age, male, rel, fam = head_age, rng.random() < 0.6, Relation.OWNER, surname
                elif k == 1:
                    age = max(18, head_age + rng.randint(-5, 5))
                    male, rel, fam = not members[0][2], Relation.FAMILY, None
                else:
                    age = max(0, head_age - rng.randint(22, 34) * (1 if k < 4 else 2))
                    male, rel, fam = rng.random() < 0.5, Relation.FAMILY, surname
                name = self._name(fam)
                id_number = self._id_number(age, male) if rng.random() > 0.01 else None
                phone = self._phone() if age >= 16 and rng.random() < 0.85 else ""
                people.append((name, id_number, phone, "M" if male else "F"))
                members.append((len(people) - 1, rel, male))
            staff_owned = building["staff"] and enterprise is not None
            unsold = building["estate"] in late_commodity and rng.random() < 0.02
            if staff_owned or unsold:
                # Staff housing still held by the enterprise, or a developer's unsold unit:
                # the people living there rent it.
                titles.append((dwelling, TitleStatus.UNSOLD if unsold else TitleStatus.DELIVERED))
                holders.append([("o", developer if unsold else enterprise)])
                for i, (p, _rel, _m) in enumerate(members):
                    residencies.append((p, dwelling, Relation.TENANT, i == 0))
                continue
            titles.append((dwelling, TitleStatus.DELIVERED))
            if size >= 2 and rng.random() < spec.CO_OWNED_SHARE:
                holders.append([("p", members[0][0]), ("p", members[1][0])])
                members[1] = (members[1][0], Relation.OWNER, members[1][2])
            else:
                holders.append([("p", members[0][0])])
                owners_of_first_home.append(len(titles) - 1)
            for i, (p, rel, _m) in enumerate(members):
                residencies.append((p, dwelling, rel, i == 0))
            if n % 5000 == 0:
                self.progress("households", n, total)
        # Some owners hold a second dwelling: move that dwelling's title to them; its people
        # become tenants.
        singles = list(owners_of_first_home)
        rng.shuffle(singles)
        second = singles[: int(len(singles) * spec.SECOND_HOME_SHARE) * 2]
        moved = 0
        tenant_dwellings: set[int] = set()
        for a, b in zip(second[::2], second[1::2], strict=False):
            holders[b] = [holders[a][0]]
            tenant_dwellings.add(titles[b][0])
            moved += 1
        if tenant_dwellings:
            residencies = [
                (p, d, Relation.TENANT if d in tenant_dwellings else rel, head)
                for p, d, rel, head in residencies
            ]
        self.progress("households", total, total)

        person_ids = reserve_ids(Person, len(people))
        insert_rows(
            Person,
            ["id", "name", "name_pinyin", "id_number", "phone", "gender", "birth_date"],
            (
                (pk, name, pinyin_key(name), idn, phone, g, _birth(idn))
                for pk, (name, idn, phone, g) in zip(person_ids, people, strict=True)
            ),
            constants={"is_demo": True, "created_at": stamp, "updated_at": stamp},
        )
        self.progress("people", len(people), len(people))
        title_ids = reserve_ids(Ownership, len(titles))
        insert_rows(
            Ownership,
            ["id", "dwelling_id", "status", "certificate_no"],
            ((pk, d, status, "") for pk, (d, status) in zip(title_ids, titles, strict=True)),
            constants={"created_at": stamp},
        )
        insert_rows(
            Owner,
            ["ownership_id", "person_id", "organization_id", "is_representative"],
            (
                (
                    tid,
                    person_ids[ref] if kind == "p" else None,
                    ref if kind == "o" else None,
                    i == 0,
                )
                for tid, hs in zip(title_ids, holders, strict=True)
                for i, (kind, ref) in enumerate(hs)
            ),
        )
        insert_rows(
            Residency,
            ["person_id", "dwelling_id", "relation", "is_head"],
            ((person_ids[p], d, rel, head) for p, d, rel, head in residencies),
        )
        self.progress("titles", len(titles), len(titles))
        kinds = Counter(len(h) for h in holders)
        programme_units = {d for x in programme for d, _b in x["dwellings"]}
        return {
            "dwellings": tree["dwelling_count"],
            "programme_dwellings": len(programme_units),
            "people": len(people),
            "residents": len(residencies),
            # Counted from the rows written, not from the plan that aimed at the figure.
            "programme_residents": sum(1 for _p, d, _r, _h in residencies if d in programme_units),
            "titles": len(titles),
            "co_owned": kinds.get(2, 0),
            "second_homes": moved,
        }


def _birth(id_number: str | None) -> dt.date | None:
    if not id_number:
        return None
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


# --- accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    scope_kind: str
    describe: str


def demo_accounts(district: District) -> list[tuple[DemoAccount, int, str]]:
    """One account per role, each scoped where such a person would work:
    (account, scope id, scope label)."""
    hongke = Community.objects.get(subdistrict__district=district, name="洪科社区")
    hongke_estate = Estate.objects.get(community=hongke, name=spec.HONGKE.name)
    other_hongke = (
        Estate.objects.filter(community=hongke)
        .exclude(pk=hongke_estate.pk)
        .order_by("code")
        .first()
    )
    property_company = hongke_estate.property_company
    # The supervisor watches, and the contractor builds, the year-two Hongke compound's works.
    site = Project.objects.select_related("contractor").get(estate=other_hongke)
    contractor = site.contractor
    # The resident owns and lives in their home; the grid worker's grid is the one it is in.
    home = (
        Dwelling.objects.with_place()
        .filter(
            estate=hongke_estate,
            ownerships__ended_on__isnull=True,
            ownerships__owners__person__residencies__dwelling=models.F("pk"),
        )
        .order_by("building_id", "entrance_id", "floor", "number")
        .first()
    )
    grid = home.building.grid
    rows = [
        (
            DemoAccount("hq", "区旧改指挥部", Role.HQ, ScopeKind.DISTRICT, "whole district"),
            district.pk,
            district.name,
        ),
        (
            DemoAccount(
                "zhujian", "区住建局", Role.DEPARTMENT, ScopeKind.DISTRICT, "district, read"
            ),
            district.pk,
            district.name,
        ),
        (
            DemoAccount(
                "jiedao", "洪都街道办", Role.SUBDISTRICT, ScopeKind.SUBDISTRICT, "one subdistrict"
            ),
            hongke.subdistrict_id,
            hongke.subdistrict.name,
        ),
        (
            DemoAccount(
                "shequ", "洪科社区工作者", Role.COMMUNITY, ScopeKind.COMMUNITY, "Hongke community"
            ),
            hongke.pk,
            hongke.name,
        ),
        (
            DemoAccount(
                "wangge", "洪科社区网格员", Role.GRID, ScopeKind.GRID, "one grid of Hongke"
            ),
            grid.pk,
            grid.name,
        ),
        (
            DemoAccount(
                "jiandu", "义务监督员", Role.SUPERVISOR, ScopeKind.PROJECT, "a year-two project"
            ),
            site.pk,
            f"{other_hongke.name}改造项目",
        ),
        (
            DemoAccount(
                "shigong", "施工单位", Role.CONTRACTOR, ScopeKind.ORGANIZATION, "its projects"
            ),
            contractor.pk,
            contractor.name,
        ),
        (
            DemoAccount("wuye", "物业公司", Role.PROPERTY, ScopeKind.ORGANIZATION, "its compounds"),
            property_company.pk,
            property_company.name,
        ),
        (
            DemoAccount(
                "yeweihui", "洪科小区业委会", Role.COMMITTEE, ScopeKind.ESTATE, "Hongke compound"
            ),
            hongke_estate.pk,
            hongke_estate.name,
        ),
        (
            DemoAccount("jumin", "洪科小区居民", Role.RESIDENT, ScopeKind.DWELLING, "own home"),
            home.pk,
            str(home),
        ),
    ]
    return rows
