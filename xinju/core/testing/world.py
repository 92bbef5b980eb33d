"""A small register with two of everything, so every scoped test has an insider and a
neighbour from another scope.

District D (360104): subdistrict S1 with communities C1 (grids G1, G2) and C2 (G3);
subdistrict S2 with C3 (G4). Compounds E1 (in C1: buildings B1 in G1, B2 in G2), E2 (C2: B3),
E3 (C3: B4). Each building has one entrance of four dwellings, each with an owner who lives
there and one more resident. Property company P1 manages E1, P2 manages E3. A second
district D2 (360102) has S9 / C9 / G9 / E9 / B9.

`users[role]` is (insider, neighbour): the insider's scope holds E1's first dwelling, the
neighbour's does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xinju.accounts.models import Role, ScopeKind
from xinju.accounts.scope import forget
from xinju.orgs.models import OrgKind
from xinju.people.models import Relation

from . import factories as f

# Roles whose insider reaches the target dwelling (the contractor's register is empty).
REGISTER_ROLES = [
    "hq",
    "department",
    "subdistrict",
    "community",
    "grid",
    "supervisor",
    "property",
    "committee",
    "resident",
]


@dataclass
class World:
    objects: dict[str, Any] = field(default_factory=dict)
    users: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    @property
    def target(self) -> Any:
        """The dwelling every insider reaches and every neighbour does not."""
        return self.objects["d1"]


def build_world() -> World:
    o: dict[str, Any] = {}
    o["district"] = d = f.DistrictFactory()
    o["district2"] = d2 = f.DistrictFactory(code="360102", name="东湖区")
    o["s1"] = s1 = f.SubdistrictFactory(district=d, name="洪都街道")
    o["s2"] = s2 = f.SubdistrictFactory(district=d, name="京山街道")
    o["s9"] = s9 = f.SubdistrictFactory(district=d2, name="东湖街道")
    o["c1"] = c1 = f.CommunityFactory(subdistrict=s1, name="洪科社区")
    o["c2"] = c2 = f.CommunityFactory(subdistrict=s1, name="洪都新村社区")
    o["c3"] = c3 = f.CommunityFactory(subdistrict=s2, name="京山社区")
    o["c9"] = c9 = f.CommunityFactory(subdistrict=s9, name="东湖社区")
    o["g1"] = g1 = f.GridFactory(community=c1, name="洪科第1网格")
    o["g2"] = g2 = f.GridFactory(community=c1, name="洪科第2网格")
    o["g3"] = g3 = f.GridFactory(community=c2)
    o["g4"] = g4 = f.GridFactory(community=c3)
    o["g9"] = g9 = f.GridFactory(community=c9)
    o["p1"] = p1 = f.OrganizationFactory(kind=OrgKind.PROPERTY)
    o["p2"] = p2 = f.OrganizationFactory(kind=OrgKind.PROPERTY)
    o["contractor"] = f.OrganizationFactory(kind=OrgKind.CONTRACTOR, name="测试建设工程有限公司")
    o["e1"] = e1 = f.EstateFactory(community=c1, name="洪科小区", property_company=p1)
    o["e2"] = e2 = f.EstateFactory(community=c2, name="洪都六区")
    o["e3"] = e3 = f.EstateFactory(community=c3, name="京山小区", property_company=p2)
    o["e9"] = e9 = f.EstateFactory(community=c9, name="东湖小区")
    layout = {"b1": (e1, g1), "b2": (e1, g2), "b3": (e2, g3), "b4": (e3, g4), "b9": (e9, g9)}
    n = 0
    for key, (estate, grid) in layout.items():
        o[key] = building = f.BuildingFactory(estate=estate, grid=grid, number=key[1:])
        entrance = f.EntranceFactory(building=building, number="1")
        for floor in (1, 2):
            for unit in (1, 2):
                n += 1
                dwelling = f.DwellingFactory(
                    entrance=entrance, floor=floor, number=f"{floor}0{unit}"
                )
                owner = f.PersonFactory()
                f.give_title(dwelling, owner)
                f.live_in(dwelling, owner, Relation.OWNER, head=True)
                f.live_in(dwelling, f.PersonFactory())
                o[f"d{n}"] = dwelling
    w = World(objects=o)
    grants = {
        Role.HQ: (ScopeKind.DISTRICT, d, d2),
        Role.DEPARTMENT: (ScopeKind.DISTRICT, d, d2),
        Role.SUBDISTRICT: (ScopeKind.SUBDISTRICT, s1, s2),
        Role.COMMUNITY: (ScopeKind.COMMUNITY, c1, c3),
        Role.GRID: (ScopeKind.GRID, g1, g4),
        Role.SUPERVISOR: (ScopeKind.ESTATE, e1, e3),
        Role.PROPERTY: (ScopeKind.ORGANIZATION, p1, p2),
        Role.COMMITTEE: (ScopeKind.ESTATE, e1, e3),
        Role.RESIDENT: (ScopeKind.DWELLING, o["d1"], o["d13"]),
    }
    for role, (kind, inside, outside) in grants.items():
        insider = f.UserFactory(username=f"{role}-in")
        neighbour = f.UserFactory(username=f"{role}-out")
        f.RoleAssignmentFactory(user=insider, role=role, scope_kind=kind, scope_id=inside.pk)
        f.RoleAssignmentFactory(user=neighbour, role=role, scope_kind=kind, scope_id=outside.pk)
        forget(insider)
        forget(neighbour)
        w.users[role] = (insider, neighbour)
    contractor = f.UserFactory(username="contractor-in")
    f.RoleAssignmentFactory(
        user=contractor,
        role=Role.CONTRACTOR,
        scope_kind=ScopeKind.ORGANIZATION,
        scope_id=o["contractor"].pk,
    )
    w.users[Role.CONTRACTOR] = (contractor, contractor)
    return w
