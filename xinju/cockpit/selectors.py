"""What the cockpit reads: the projects of an area (district, subdistrict, community) within the
user's scope, and the figures behind every chart. Read-only; owns no models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinju.accounts.models import Role, ScopeKind
from xinju.accounts.scope import scope_for
from xinju.areas.models import Community, District, Subdistrict
from xinju.core.db import parse_id
from xinju.core.exceptions import NotFound
from xinju.renewal import selectors as renewal
from xinju.renewal.models import STAGE_ORDER, Batch, Project, ProjectItem, Stage

# Who reads the cockpit: planners and those who answer for an area.
COCKPIT_ROLES = (Role.HQ, Role.DEPARTMENT, Role.SUBDISTRICT, Role.COMMUNITY)
SUBDISTRICT_ROLES = (Role.HQ, Role.DEPARTMENT, Role.SUBDISTRICT)


def can_read(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return not scope_for(user, roles=COCKPIT_ROLES).empty


@dataclass
class Area:
    """The place the cockpit shows: its kind, the node, its parents, its children, and the
    query-string filters that lead from one of its numbers to the project list."""

    kind: str  # "district", "subdistrict", "community"
    node: Any
    parents: list[tuple[str, Any]] = field(default_factory=list)
    children: list[Any] = field(default_factory=list)
    child_kind: str = ""
    child_key: str = ""  # the project lookup grouping by child
    filters: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.node.name

    def query(self, **extra: Any) -> str:
        from urllib.parse import urlencode

        return urlencode(
            {**self.filters, **{k: v for k, v in extra.items() if v not in (None, "")}}
        )


def area_for(user: Any, params: Any) -> Area:
    """The area asked for (?subdistrict= or ?community=), or the widest the user answers for.

    An area outside the cockpit roles' scope answers NotFound, like any other scope.
    """
    community_id = parse_id(params.get("community"))
    subdistrict_id = parse_id(params.get("subdistrict"))
    visible_communities = Community.objects.visible_to(user, roles=COCKPIT_ROLES)
    # A subdistrict's cockpit is for those who answer for it or for the whole district; a
    # community worker sees their subdistrict in the register, but answers for a community.
    visible_subdistricts = Subdistrict.objects.visible_to(user, roles=SUBDISTRICT_ROLES)
    if community_id:
        community = (
            visible_communities.select_related("subdistrict__district")
            .filter(pk=community_id)
            .first()
        )
        if community is None:
            raise NotFound(_("Not found."))
        return _community_area(user, community)
    if subdistrict_id:
        subdistrict = (
            visible_subdistricts.select_related("district").filter(pk=subdistrict_id).first()
        )
        if subdistrict is None:
            raise NotFound(_("Not found."))
        return _subdistrict_area(user, subdistrict)
    district = District.objects.visible_to(user, roles=(Role.HQ, Role.DEPARTMENT)).first()
    if district is not None:
        return Area(
            kind="district",
            node=district,
            children=list(visible_subdistricts.filter(district=district).order_by("code")),
            child_kind="subdistrict",
            child_key="estate__community__subdistrict_id",
        )
    # Otherwise the area one answers for: a subdistrict office its subdistrict, a community
    # worker their community (whose subdistrict is visible to them, but is not theirs).
    scope = scope_for(user, roles=COCKPIT_ROLES)
    subdistrict = (
        visible_subdistricts.select_related("district")
        .filter(pk__in=scope.ids(ScopeKind.SUBDISTRICT, roles=[Role.SUBDISTRICT]))
        .order_by("code")
        .first()
    )
    if subdistrict is not None:
        return _subdistrict_area(user, subdistrict)
    community = (
        visible_communities.select_related("subdistrict__district")
        .filter(pk__in=scope.ids(ScopeKind.COMMUNITY, roles=[Role.COMMUNITY]))
        .order_by("code")
        .first()
    )
    if community is None:
        raise NotFound(_("Not found."))
    return _community_area(user, community)


def _subdistrict_area(user: Any, subdistrict: Subdistrict) -> Area:
    return Area(
        kind="subdistrict",
        node=subdistrict,
        parents=[("district", subdistrict.district)],
        children=list(
            Community.objects.visible_to(user, roles=COCKPIT_ROLES)
            .filter(subdistrict=subdistrict)
            .order_by("code")
        ),
        child_kind="community",
        child_key="estate__community_id",
        filters={"subdistrict": subdistrict.pk},
    )


def _community_area(user: Any, community: Community) -> Area:
    return Area(
        kind="community",
        node=community,
        parents=[
            ("district", community.subdistrict.district),
            ("subdistrict", community.subdistrict),
        ],
        child_kind="estate",
        child_key="estate_id",
        filters={"subdistrict": community.subdistrict_id, "community": community.pk},
    )


def area_projects(user: Any, area: Area) -> QuerySet[Project]:
    """The projects of the area that the user's cockpit roles reach."""
    qs = Project.objects.visible_to(user, roles=COCKPIT_ROLES)
    if area.kind == "district":
        return qs.filter(batch__district=area.node)
    if area.kind == "subdistrict":
        return qs.filter(estate__community__subdistrict=area.node)
    return qs.filter(estate__community=area.node)


def dashboard(user: Any, area: Area) -> dict[str, Any]:
    """Every figure of the cockpit for an area, computed by the database (about ten queries
    whatever the area's size)."""
    scope = area_projects(user, area)
    years = renewal.by_year(user, scope)
    totals = renewal.totals(scope)
    stages = renewal.by_stage(scope, area.child_key)
    if area.child_kind == "estate":
        names = {
            p["estate_id"]: p["estate__name"] for p in scope.values("estate_id", "estate__name")
        }
        children = [
            {"pk": pk, "name": name} for pk, name in sorted(names.items(), key=lambda x: x[1])
        ]
    else:
        children = [{"pk": c.pk, "name": c.name} for c in area.children]
    child_tallies = renewal.tallies_by(scope, area.child_key)
    rows = []
    for child in children:
        t = child_tallies.get(child["pk"])
        if t is None and area.child_kind == "estate":
            continue
        rows.append(
            {**child, **(t or renewal.empty_tallies()), "stages": stages.get(child["pk"], {})}
        )
    cumulative = []
    households = residents = 0
    for y in years:
        households += y.completed.households
        residents += y.completed.residents
        cumulative.append({"year": y.batch.year, "households": households, "residents": residents})
    return {
        "years": years,
        "totals": totals,
        "cumulative": cumulative,
        "rows": rows,
        "investment": renewal.investment(scope),
        "indicators": renewal.indicators(scope),
        "positions": renewal.positions(scope),
        "stages": [(s, Stage(s).label) for s in STAGE_ORDER],
    }


def public_projects() -> QuerySet[Project]:
    """The programme as published (公示): every project, its compound, stage and progress.
    Nothing here names a person; the public page shows only these fields."""
    return Project.objects.select_related("batch", "estate__community__subdistrict").order_by(
        "batch__year", "estate__code"
    )


def public_years() -> list[int]:
    return sorted(set(Batch.objects.values_list("year", flat=True)))


def public_items(projects: Any) -> dict[int, list[ProjectItem]]:
    """The items of a page of projects, by project: one query."""
    out: dict[int, list[ProjectItem]] = {}
    for item in ProjectItem.objects.filter(project__in=list(projects)).select_related(
        "catalog_item"
    ):
        out.setdefault(item.project_id, []).append(item)
    return out
