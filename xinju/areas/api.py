"""Read the register within your scope: /api/v1/register/…"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xinju.core.api import Id, Problem
from xinju.people.permissions import PiiPolicy

from . import selectors
from .schemas import (
    BuildingOut,
    CommunityOut,
    DwellingDetailOut,
    DwellingOut,
    EstateDetailOut,
    EstateOut,
    FiguresOut,
    GridOut,
    OwnerOut,
    ResidentOut,
    SubdistrictOut,
    TitleOut,
)

router = Router(tags=["register"])


class EstateQuery(Schema):
    q: str = ""
    subdistrict: Id | None = None
    community: Id | None = None
    kind: str = ""
    built_from: Annotated[int, Field(ge=1900, le=2100)] | None = None
    built_to: Annotated[int, Field(ge=1900, le=2100)] | None = None


class DwellingQuery(Schema):
    q: str = ""
    subdistrict: Id | None = None
    community: Id | None = None
    grid: Id | None = None
    estate: Id | None = None
    building: Id | None = None
    area_source: str = ""
    title: str = ""


@router.get("/subdistricts", response=list[SubdistrictOut], summary="Subdistricts in scope")
@paginate(PageNumberPagination, page_size=100)
def list_subdistricts(request: HttpRequest) -> Any:
    return selectors.subdistricts(request.user)


@router.get("/communities", response=list[CommunityOut], summary="Communities in scope")
@paginate(PageNumberPagination, page_size=100)
def list_communities(request: HttpRequest, subdistrict: Id | None = None) -> Any:
    qs = selectors.communities(request.user)
    return qs.filter(subdistrict_id=subdistrict) if subdistrict else qs


@router.get("/grids", response=list[GridOut], summary="Grids in scope")
@paginate(PageNumberPagination, page_size=100)
def list_grids(request: HttpRequest, community: Id | None = None) -> Any:
    qs = selectors.grids(request.user)
    return qs.filter(community_id=community) if community else qs


@router.get("/estates", response=list[EstateOut], summary="Compounds in scope")
@paginate(PageNumberPagination, page_size=50)
def list_estates(request: HttpRequest, filters: Query[EstateQuery]) -> Any:
    return selectors.estates(request.user, selectors.EstateFilters(**filters.dict()))


@router.get(
    "/estates/{estate_id}",
    response={200: EstateDetailOut, 401: Problem, 404: Problem},
    summary="A compound with its figures",
)
def get_estate(request: HttpRequest, estate_id: Id) -> Any:
    estate = selectors.estate_for(request.user, estate_id)
    figures = selectors.figures_total(
        request.user, selectors.visible_dwellings(request.user, estate=estate)
    )
    estate.figures = FiguresOut(
        households=figures.households,
        residents=figures.residents,
        exclusive_area=figures.area,
        buildings=figures.buildings,
    )
    return estate


@router.get("/buildings", response=list[BuildingOut], summary="Buildings in scope")
@paginate(PageNumberPagination, page_size=100)
def list_buildings(request: HttpRequest, estate: Id | None = None, grid: Id | None = None) -> Any:
    filters = {k: v for k, v in {"estate_id": estate, "grid_id": grid}.items() if v}
    return selectors.buildings(request.user, **filters)


@router.get(
    "/buildings/{building_id}",
    response={200: BuildingOut, 401: Problem, 404: Problem},
    summary="A building",
)
def get_building(request: HttpRequest, building_id: Id) -> Any:
    return selectors.building_for(request.user, building_id)


def _dwelling_out(d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "estate_id": d.estate_id,
        "building_id": d.building_id,
        "entrance_id": d.entrance_id,
        "building_number": d.building.number,
        "entrance_number": d.entrance.number,
        "floor": d.floor,
        "number": d.number,
        "exclusive_area": d.exclusive_area,
        "area_source": d.area_source,
        "use": d.use,
    }


@router.get(
    "/dwellings", response=list[DwellingOut], summary="The register list: dwellings in scope"
)
@paginate(PageNumberPagination, page_size=50)
def list_dwellings(request: HttpRequest, filters: Query[DwellingQuery]) -> Any:
    qs = selectors.dwellings(request.user, selectors.DwellingFilters(**filters.dict()))
    return qs.select_related("building", "entrance").order_by(
        "estate_id", "building_id", "entrance_id", "floor", "number"
    )


@router.get(
    "/dwellings/{dwelling_id}",
    response={200: DwellingDetailOut, 401: Problem, 404: Problem},
    summary="A dwelling with its title holders and residents (personal data masked by role)",
)
def get_dwelling(request: HttpRequest, dwelling_id: Id) -> Any:
    dwelling = selectors.dwelling_for(request.user, dwelling_id)
    people = selectors.dwelling_people(dwelling)
    pii = PiiPolicy(request.user, [dwelling.pk])
    title = people["title"]
    owners = []
    if title is not None:
        for o in title.owners.all():
            person, org = o.person, o.organization
            owners.append(
                OwnerOut(
                    kind="person" if person else "organization",
                    name=person.name if person else org.name,
                    id_number=pii.id_number(person.id_number, dwelling.pk, person=person.pk)
                    if person
                    else (org.credit_code or ""),
                    phone=pii.phone(person.phone, dwelling.pk, person=person.pk) if person else "",
                    casts_vote=o.is_representative,
                    person_id=person.pk if person else None,
                    organization_id=org.pk if org else None,
                )
            )
    residents = [
        ResidentOut(
            person_id=r.person_id,
            name=r.person.name,
            relation=r.relation,
            is_head=r.is_head,
            id_number=pii.id_number(r.person.id_number, dwelling.pk, person=r.person_id),
            phone=pii.phone(r.person.phone, dwelling.pk, person=r.person_id),
        )
        for r in people["residents"]
    ]
    return {
        **_dwelling_out(dwelling),
        "title": TitleOut(status=title.status, certificate_no=title.certificate_no, owners=owners)
        if title
        else None,
        "residents": residents,
    }
