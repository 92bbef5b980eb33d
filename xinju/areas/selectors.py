"""Every read of the register goes through here, always within the user's scope.

Counts and sums are computed by the database (one grouped query per figure), never by
looping over rows in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from xinju.core.db import exact_sum, from_units
from xinju.people.models import Owner, Ownership, Person, Residency

from .models import (
    Building,
    Community,
    District,
    Dwelling,
    Entrance,
    Estate,
    Grid,
    Subdistrict,
)

# --- single objects: 404 when missing or outside the user's scope ----------------------------


def _one(qs: QuerySet, pk: Any) -> Any:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def subdistrict_for(user: Any, pk: Any) -> Subdistrict:
    return _one(Subdistrict.objects.visible_to(user).select_related("district"), pk)


def community_for(user: Any, pk: Any) -> Community:
    return _one(Community.objects.visible_to(user).select_related("subdistrict__district"), pk)


def grid_for(user: Any, pk: Any) -> Grid:
    return _one(Grid.objects.visible_to(user).select_related("community__subdistrict"), pk)


def estate_for(user: Any, pk: Any) -> Estate:
    return _one(
        Estate.objects.visible_to(user).select_related(
            "community__subdistrict__district", "property_company"
        ),
        pk,
    )


def building_for(user: Any, pk: Any) -> Building:
    return _one(
        Building.objects.visible_to(user).select_related("estate__community__subdistrict", "grid"),
        pk,
    )


def dwelling_for(user: Any, pk: Any) -> Dwelling:
    return _one(
        Dwelling.objects.visible_to(user).select_related(
            "entrance", "building__grid", "estate__community__subdistrict"
        ),
        pk,
    )


def visible_dwellings(user: Any, **filters: Any) -> QuerySet[Dwelling]:
    """Dwellings in the user's scope, narrowed by plain field filters (estate=…, building=…)."""
    return Dwelling.objects.visible_to(user).filter(**filters)


# --- figures ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """Households (dwellings), residents and exclusive area under one node."""

    households: int = 0
    residents: int = 0
    area: Decimal = Decimal("0.00")
    estates: int = 0
    buildings: int = 0


def figures_by(user: Any, key: str, dwellings: QuerySet | None = None) -> dict[Any, Figures]:
    """Figures grouped by a dwelling lookup (e.g. "estate__community_id"): two queries.

    `dwellings` narrows the visible dwellings further (a filter the page applies).
    """
    base = dwellings if dwellings is not None else Dwelling.objects.visible_to(user)
    out: dict[Any, Figures] = {}
    for row in (
        base.order_by()
        .values(key)
        .annotate(
            n=Count("pk"),
            area=exact_sum("exclusive_area"),
            buildings=Count("building_id", distinct=True),
            estates=Count("estate_id", distinct=True),
        )
    ):
        out[row[key]] = Figures(
            households=row["n"],
            area=from_units(row["area"]),
            buildings=row["buildings"],
            estates=row["estates"],
        )
    residents = (
        Residency.objects.current()
        .filter(dwelling__in=base.order_by().values("pk"))
        .order_by()
        .values(f"dwelling__{key}")
        .annotate(n=Count("pk"))
    )
    for row in residents:
        out.setdefault(row[f"dwelling__{key}"], Figures()).residents = row["n"]
    return out


def summed(parts: Iterable[Figures]) -> Figures:
    """The total of figures grouped by a key that splits compounds whole (subdistrict,
    community, compound, building): no second pass over the dwellings needed. Not for
    grids, which may share a compound (its count would be taken twice)."""
    total = Figures()
    for f in parts:
        total.households += f.households
        total.residents += f.residents
        total.area += f.area
        total.estates += f.estates
        total.buildings += f.buildings
    return total


def figures_total(user: Any, dwellings: QuerySet | None = None) -> Figures:
    base = dwellings if dwellings is not None else Dwelling.objects.visible_to(user)
    agg = base.order_by().aggregate(
        households=Count("pk"),
        area=exact_sum("exclusive_area"),
        estates=Count("estate_id", distinct=True),
        buildings=Count("building_id", distinct=True),
    )
    residents = (
        Residency.objects.current().filter(dwelling__in=base.order_by().values("pk")).count()
    )
    return Figures(
        households=agg["households"],
        residents=residents,
        area=from_units(agg["area"]),
        estates=agg["estates"],
        buildings=agg["buildings"],
    )


# --- lists -----------------------------------------------------------------------------------


def districts(user: Any) -> QuerySet[District]:
    return District.objects.visible_to(user)


def home_district_id(user: Any) -> int | None:
    """The district a user works in (the first, for the rare user spanning several): where
    the audit trail files what they do outside any one compound (imports, exports)."""
    return districts(user).order_by("pk").values_list("pk", flat=True).first()


def subdistricts(user: Any) -> QuerySet[Subdistrict]:
    return Subdistrict.objects.visible_to(user).select_related("district")


def communities(user: Any, subdistrict: Subdistrict | None = None) -> QuerySet[Community]:
    qs = Community.objects.visible_to(user).select_related("subdistrict")
    return qs.filter(subdistrict=subdistrict) if subdistrict else qs


def grids(user: Any, community: Community | None = None) -> QuerySet[Grid]:
    qs = Grid.objects.visible_to(user).select_related("community")
    return qs.filter(community=community) if community else qs


def buildings(user: Any, **filters: Any) -> QuerySet[Building]:
    return (
        Building.objects.visible_to(user)
        .filter(**filters)
        .select_related("estate", "grid")
        .annotate(
            entrance_count=Subquery(
                Entrance.objects.filter(building=OuterRef("pk"))
                .order_by()
                .values("building")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .order_by("estate__code", "id")
    )


@dataclass(frozen=True)
class EstateFilters:
    q: str = ""
    subdistrict: int | None = None
    community: int | None = None
    kind: str = ""
    built_from: int | None = None
    built_to: int | None = None


def estates(user: Any, filters: EstateFilters | None = None) -> QuerySet[Estate]:
    f = filters or EstateFilters()
    qs = Estate.objects.visible_to(user).select_related("community__subdistrict")
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(address__icontains=f.q) | Q(code__iexact=f.q))
    if f.subdistrict:
        qs = qs.filter(community__subdistrict_id=f.subdistrict)
    if f.community:
        qs = qs.filter(community_id=f.community)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.built_from:
        qs = qs.filter(built_year__gte=f.built_from)
    if f.built_to:
        qs = qs.filter(built_year__lte=f.built_to)
    return qs.order_by("code")


def with_estate_figures(user: Any, page: Iterable[Estate]) -> list[Estate]:
    """Attach `.figures` to each estate of a page (two grouped queries for the whole page)."""
    rows = list(page)
    figures = figures_by(
        user, "estate_id", Dwelling.objects.visible_to(user).filter(estate__in=rows)
    )
    for e in rows:
        e.figures = figures.get(e.pk, Figures())
    return rows


# Address search: "10栋2单元301", "10-2-301", "洪科小区 10栋".
_ADDRESS = re.compile(
    r"^(?P<estate>.*?)\s*(?P<building>[0-9A-Za-z]+)\s*(?:栋|幢|号楼)"
    r"(?:\s*(?P<entrance>[0-9A-Za-z]+)\s*单元)?(?:\s*(?P<number>[0-9A-Za-z]+)\s*(?:室|号)?)?$"
)
_DASHED = re.compile(r"^(?P<estate>.*?)\s*(?P<building>\d+)-(?P<entrance>\d+)-(?P<number>\d+)$")


class TitleFilter:
    PERSON = "person"
    CO_OWNED = "co_owned"
    ORGANIZATION = "organization"
    MULTIPLE = "multiple"
    NONE = "none"


@dataclass(frozen=True)
class DwellingFilters:
    q: str = ""
    subdistrict: int | None = None
    community: int | None = None
    grid: int | None = None
    estate: int | None = None
    building: int | None = None
    area_source: str = ""
    title: str = ""


def _address_q(text: str) -> Q | None:
    m = _ADDRESS.match(text) or _DASHED.match(text)
    if not m:
        return None
    parts = m.groupdict()
    q = Q(building__number=parts["building"])
    if parts.get("entrance"):
        q &= Q(entrance__number=parts["entrance"])
    if parts.get("number"):
        q &= Q(number=parts["number"])
    if parts.get("estate"):
        q &= Q(estate__name__icontains=parts["estate"].strip())
    return q


# Searches matching more people than this are run as subqueries instead of id lists.
SEARCH_ID_LIMIT = 5000


def _search_q(text: str) -> Q:
    """Dwellings a search reaches: by address, by compound name or address, or by the name of
    someone living there or holding its title.

    Names match from their start ("于涛", or the surname "于"), which an index answers;
    the matching compounds and households are looked up first, so the list's count and page
    queries filter on plain ids instead of re-running the name search for every dwelling.
    """
    q = _address_q(text) or Q(pk__in=[])
    estates = Estate.objects.filter(Q(name__icontains=text) | Q(address__icontains=text))
    q |= Q(estate_id__in=list(estates.values_list("pk", flat=True)))
    people = Person.objects.filter(name__startswith=text).values("pk")
    ids = list(people.values_list("pk", flat=True)[: SEARCH_ID_LIMIT + 1])
    if len(ids) > SEARCH_ID_LIMIT:  # a common surname: let the database join
        lives = Residency.objects.current().filter(person__in=people)
        holds = Owner.objects.filter(ownership__ended_on__isnull=True, person__in=people)
        return (
            q
            | Q(pk__in=lives.values("dwelling_id"))
            | Q(pk__in=holds.values("ownership__dwelling_id"))
        )
    dwellings = set(
        Residency.objects.current().filter(person_id__in=ids).values_list("dwelling_id", flat=True)
    )
    dwellings.update(
        Owner.objects.filter(ownership__ended_on__isnull=True, person_id__in=ids).values_list(
            "ownership__dwelling_id", flat=True
        )
    )
    return q | Q(pk__in=sorted(dwellings))


def dwellings(user: Any, filters: DwellingFilters | None = None) -> QuerySet[Dwelling]:
    """The register list: visible dwellings, filtered and searched in the database."""
    f = filters or DwellingFilters()
    qs = Dwelling.objects.visible_to(user)
    if f.subdistrict:
        qs = qs.filter(estate__in=Estate.objects.filter(community__subdistrict_id=f.subdistrict))
    if f.community:
        qs = qs.filter(estate__in=Estate.objects.filter(community_id=f.community))
    if f.grid:
        qs = qs.filter(building__grid_id=f.grid)
    if f.estate:
        qs = qs.filter(estate_id=f.estate)
    if f.building:
        qs = qs.filter(building_id=f.building)
    if f.area_source:
        qs = qs.filter(area_source=f.area_source)
    if f.title:
        qs = _filter_title(qs, f.title)
    if f.q:
        qs = qs.filter(_search_q(f.q.strip()))
    return qs


def _filter_title(qs: QuerySet[Dwelling], title: str) -> QuerySet[Dwelling]:
    current = Ownership.objects.current().filter(dwelling=OuterRef("pk"))
    holders = Owner.objects.filter(
        ownership__dwelling=OuterRef("pk"), ownership__ended_on__isnull=True
    )
    if title == TitleFilter.NONE:
        return qs.filter(~Exists(current))
    if title == TitleFilter.ORGANIZATION:
        return qs.filter(Exists(holders.filter(organization__isnull=False)))
    if title == TitleFilter.CO_OWNED:
        co = (
            Owner.objects.filter(ownership__ended_on__isnull=True)
            .values("ownership__dwelling_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values("ownership__dwelling_id")
        )
        return qs.filter(pk__in=co)
    if title == TitleFilter.MULTIPLE:
        many = (
            Owner.objects.filter(ownership__ended_on__isnull=True, person__isnull=False)
            .values("person_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values("person_id")
        )
        return qs.filter(Exists(holders.filter(person__in=many)))
    if title == TitleFilter.PERSON:
        return qs.filter(Exists(holders.filter(person__isnull=False)))
    return qs


REGISTER_ORDER = ("estate_id", "building_id", "entrance_id", "floor", "number")


def register_ids(qs: QuerySet[Dwelling]) -> QuerySet:
    """The register list's ids in its order. The list pages over these ids, so a far page
    (OFFSET 25,000) skips bare ids along the index, not fully joined rows."""
    return qs.order_by(*REGISTER_ORDER).values_list("pk", flat=True)


def register_rows(ids: list[int]) -> list[Dwelling]:
    """The rows of one page of the register list: place, current holders, resident count
    (five queries, whatever the page size)."""
    rows = {
        d.pk: d
        for d in Dwelling.objects.filter(pk__in=ids)
        .select_related("estate", "building__grid", "entrance")
        .prefetch_related(
            Prefetch(
                "ownerships",
                queryset=Ownership.objects.current().prefetch_related(
                    Prefetch(
                        "owners",
                        queryset=Owner.objects.select_related("person", "organization"),
                        to_attr="holders",
                    )
                ),
                to_attr="current_titles",
            )
        )
    }
    counts = dict(
        Residency.objects.current()
        .filter(dwelling_id__in=ids)
        .order_by()
        .values("dwelling_id")
        .annotate(n=Count("pk"))
        .values_list("dwelling_id", "n")
    )
    for pk, d in rows.items():
        d.resident_count = counts.get(pk, 0)
    return [rows[pk] for pk in ids if pk in rows]


def dwelling_people(dwelling: Dwelling) -> dict[str, Any]:
    """The dwelling's current title with its holders, and its current residents."""
    title = (
        Ownership.objects.current()
        .filter(dwelling=dwelling)
        .prefetch_related(
            Prefetch("owners", queryset=Owner.objects.select_related("person", "organization"))
        )
        .first()
    )
    residents = list(Residency.objects.current().filter(dwelling=dwelling).select_related("person"))
    past_titles = list(
        Ownership.objects.filter(dwelling=dwelling, ended_on__isnull=False)
        .prefetch_related(
            Prefetch("owners", queryset=Owner.objects.select_related("person", "organization"))
        )
        .order_by("-ended_on")
    )
    return {"title": title, "residents": residents, "past_titles": past_titles}


def person_for(user: Any, pk: Any) -> Person:
    return _one(Person.objects.visible_to(user), pk)


def person_dwellings(user: Any, person: Person) -> dict[str, list[Dwelling]]:
    """The visible dwellings a person holds title to and lives in."""
    visible = Dwelling.objects.visible_to(user).with_place()
    owned = visible.filter(
        ownerships__ended_on__isnull=True, ownerships__owners__person=person
    ).distinct()
    lives = visible.filter(
        residencies__moved_out_on__isnull=True, residencies__person=person
    ).distinct()
    return {"owned": list(owned), "lives": list(lives)}


# --- imports and history ---------------------------------------------------------------------


def import_jobs(user: Any) -> QuerySet:
    from .models import RegisterImport

    return RegisterImport.objects.visible_to(user).select_related("created_by")


def import_job_for(user: Any, pk: Any) -> Any:
    return _one(import_jobs(user), pk)


def export_job_for(user: Any, pk: Any) -> Any:
    from .models import RegisterExport

    return _one(RegisterExport.objects.visible_to(user), pk)


def estate_history(user: Any, estate: Estate) -> QuerySet:
    """Audit events about the compound itself, newest first, as far as the user reads the trail."""
    from django.contrib.contenttypes.models import ContentType

    from xinju.core.models import AuditEvent

    return (
        AuditEvent.objects.visible_to(user)
        .filter(target_type=ContentType.objects.get_for_model(Estate), target_id=str(estate.pk))
        .select_related("target_type")
    )
