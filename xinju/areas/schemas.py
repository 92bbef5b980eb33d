from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Schema


class SubdistrictOut(Schema):
    id: int
    code: str
    name: str
    district_id: int


class CommunityOut(Schema):
    id: int
    code: str
    name: str
    subdistrict_id: int


class GridOut(Schema):
    id: int
    code: str
    name: str
    community_id: int


class FiguresOut(Schema):
    households: int
    residents: int
    exclusive_area: Decimal
    buildings: int


class EstateOut(Schema):
    id: int
    code: str
    name: str
    address: str
    built_year: int
    kind: str
    is_open: bool
    latitude: Decimal | None
    longitude: Decimal | None
    community_id: int
    property_company_id: int | None


class EstateDetailOut(EstateOut):
    figures: FiguresOut


class BuildingOut(Schema):
    id: int
    estate_id: int
    grid_id: int
    number: str
    floors: int
    built_year: int | None


class DwellingOut(Schema):
    id: int
    estate_id: int
    building_id: int
    entrance_id: int
    building_number: str
    entrance_number: str
    floor: int
    number: str
    exclusive_area: Decimal
    area_source: str
    use: str

    @staticmethod
    def resolve_building_number(obj: Any) -> str:
        return obj["building_number"] if isinstance(obj, dict) else obj.building.number

    @staticmethod
    def resolve_entrance_number(obj: Any) -> str:
        return obj["entrance_number"] if isinstance(obj, dict) else obj.entrance.number


class OwnerOut(Schema):
    kind: str  # "person" or "organization"
    name: str
    id_number: str  # masked unless the user's role needs it
    phone: str  # masked unless the user's role needs it
    casts_vote: bool
    person_id: int | None
    organization_id: int | None


class ResidentOut(Schema):
    person_id: int
    name: str
    relation: str
    is_head: bool
    id_number: str
    phone: str


class TitleOut(Schema):
    status: str
    certificate_no: str
    owners: list[OwnerOut]


class DwellingDetailOut(DwellingOut):
    title: TitleOut | None
    residents: list[ResidentOut]
