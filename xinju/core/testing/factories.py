"""factory_boy factories for the register (Chinese-locale Faker for names and addresses)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from xinju.accounts.models import RoleAssignment, User
from xinju.areas.models import (
    AreaSource,
    Building,
    Community,
    District,
    Dwelling,
    Entrance,
    Estate,
    EstateKind,
    Grid,
    Subdistrict,
)
from xinju.core.identifiers import credit_check_char, id_check_char, org_code_check_char
from xinju.orgs.models import Organization, OrgKind
from xinju.people.models import Owner, Ownership, Person, Relation, Residency
from xinju.people.names import pinyin_key

faker = factory.Faker._get_faker(locale="zh_CN")
_serial = itertools.count(1)


def valid_id_number(born: dt.date | None = None, male: bool = True, region: str = "360104") -> str:
    """A fresh ID number with a correct GB 11643 check character."""
    born = born or dt.date(1960, 1, 1) + dt.timedelta(days=next(_serial) * 37 % 20000)
    seq = (next(_serial) % 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def valid_credit_code() -> str:
    org = f"MA{next(_serial):06d}"
    body = "91360104" + org + org_code_check_char(org)
    return body + credit_check_char(body)


def valid_mobile() -> str:
    return f"139{next(_serial):08d}"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyFunction(lambda: faker.name())
    password = factory.django.Password("pw-for-tests")


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "360104"
    name = "青云谱区"
    city = "南昌市"
    province = "江西省"


class SubdistrictFactory(DjangoModelFactory):
    class Meta:
        model = Subdistrict

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"360104{n:03d}")
    name = factory.Sequence(lambda n: f"测试{n}街道")


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.Sequence(lambda n: f"C{n:06d}")
    name = factory.Sequence(lambda n: f"测试{n}社区")


class GridFactory(DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"G{n:06d}")
    name = factory.Sequence(lambda n: f"第{n}网格")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrgKind.PROPERTY
    name = factory.Sequence(lambda n: f"测试{n}物业服务有限公司")
    credit_code = factory.LazyFunction(valid_credit_code)


class EstateFactory(DjangoModelFactory):
    class Meta:
        model = Estate

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"测试{n}小区")
    address = factory.LazyFunction(lambda: faker.street_address())
    built_year = 1988
    kind = EstateKind.REFORMED
    latitude = Decimal("28.640000")
    longitude = Decimal("115.910000")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    grid = factory.SubFactory(GridFactory, community=factory.SelfAttribute("..estate.community"))
    number = factory.Sequence(lambda n: str(n + 1))
    floors = 6


class EntranceFactory(DjangoModelFactory):
    class Meta:
        model = Entrance

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: str(n + 1))


class DwellingFactory(DjangoModelFactory):
    class Meta:
        model = Dwelling

    entrance = factory.SubFactory(EntranceFactory)
    building = factory.SelfAttribute("entrance.building")
    estate = factory.SelfAttribute("entrance.building.estate")
    floor = 1
    number = factory.Sequence(lambda n: f"{n + 101}")
    exclusive_area = Decimal("65.40")
    area_source = AreaSource.REGISTERED


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.LazyFunction(lambda: faker.name())
    name_pinyin = factory.LazyAttribute(lambda o: pinyin_key(o.name))
    id_number = factory.LazyFunction(valid_id_number)
    phone = factory.LazyFunction(valid_mobile)


def give_title(dwelling: Dwelling, *holders: Any, representative: int = 0) -> Ownership:
    """Record a current title held by the given people or organisations."""
    title = Ownership.objects.create(dwelling=dwelling)
    for i, h in enumerate(holders):
        Owner.objects.create(
            ownership=title,
            person=h if isinstance(h, Person) else None,
            organization=h if isinstance(h, Organization) else None,
            is_representative=i == representative,
        )
    return title


def live_in(
    dwelling: Dwelling, person: Person, relation: str = Relation.FAMILY, head: bool = False
) -> Residency:
    return Residency.objects.create(
        dwelling=dwelling, person=person, relation=relation, is_head=head
    )
