"""Opening expropriation projects, and the renewal programme refusing their compounds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from xinju.core.exceptions import Conflict, InvalidInput, PermissionDenied
from xinju.core.models import AuditEvent
from xinju.expropriation.models import ExpropriationProject
from xinju.expropriation.selectors import expropriation_exclusions
from xinju.expropriation.services import open_project
from xinju.renewal import eligibility

pytestmark = pytest.mark.django_db


def test_headquarters_opens_an_expropriation_project(world):
    hq = world.users["hq"][0]
    project = open_project(
        actor=hq,
        district=world.district,
        name="  洪都棚改一期 ",
        estates=[world.e2, world.e3],
        decided_on=dt.date(2024, 3, 1),
        note="征收决定",
    )
    project.refresh_from_db()
    assert project.name == "洪都棚改一期"
    assert set(project.estates.all()) == {world.e2, world.e3}
    assert project.decided_on == dt.date(2024, 3, 1)
    event = AuditEvent.objects.get(verb="expropriation.project.open")
    assert event.target_id == str(project.pk)
    assert event.actor == hq
    assert event.district_id == world.district.pk
    assert sorted(event.after["estates"]) == sorted([world.e2.pk, world.e3.pk])


def test_the_system_may_open_one_for_the_demo(world):
    project = open_project(actor=None, district=world.district, name="演示", estates=[world.e1])
    assert AuditEvent.objects.get(verb="expropriation.project.open").actor_label == "system"
    assert list(project.estates.all()) == [world.e1]


@pytest.mark.parametrize("role", ["department", "subdistrict", "community", "grid", "resident"])
def test_only_headquarters_opens_them(world, role):
    with pytest.raises(PermissionDenied):
        open_project(
            actor=world.users[role][0], district=world.district, name="x", estates=[world.e1]
        )
    assert not ExpropriationProject.objects.exists()


def test_headquarters_of_another_district_cannot_open_one_here(world):
    with pytest.raises(PermissionDenied):
        open_project(
            actor=world.users["hq"][1], district=world.district, name="x", estates=[world.e1]
        )
    assert not ExpropriationProject.objects.exists()
    assert not AuditEvent.objects.filter(verb="expropriation.project.open").exists()


@pytest.mark.parametrize("name", ["", "   "])
def test_a_project_needs_a_name(world, name):
    with pytest.raises(InvalidInput) as exc:
        open_project(actor=None, district=world.district, name=name, estates=[world.e1])
    assert exc.value.field == "name"
    assert not ExpropriationProject.objects.exists()


def test_compounds_of_another_district_are_refused_by_name(world):
    with pytest.raises(InvalidInput) as exc:
        open_project(
            actor=world.users["hq"][0],
            district=world.district,
            name="跨区",
            estates=[world.e1, world.e9],
        )
    assert exc.value.field == "estates"
    assert world.e9.name in exc.value.message
    assert world.e1.name not in exc.value.message
    assert not ExpropriationProject.objects.exists()


def test_a_second_project_with_the_same_name_is_a_conflict(world):
    open_project(actor=None, district=world.district, name="洪都棚改一期", estates=[world.e2])
    with pytest.raises(Conflict) as exc:
        open_project(actor=None, district=world.district, name="洪都棚改一期", estates=[world.e3])
    assert exc.value.field == "name"
    assert "洪都棚改一期" in exc.value.message
    assert ExpropriationProject.objects.count() == 1
    assert AuditEvent.objects.filter(verb="expropriation.project.open").count() == 1
    # The same name in another district is another project.
    open_project(actor=None, district=world.district2, name="洪都棚改一期", estates=[world.e9])
    assert ExpropriationProject.objects.count() == 2


def test_the_compounds_are_excluded_from_renewal_naming_the_project(world):
    open_project(actor=None, district=world.district, name="京山片区", estates=[world.e3])
    message = expropriation_exclusions(world.e3)
    assert "京山片区" in message and world.e3.name in message
    assert expropriation_exclusions(world.e1) is None
    # The renewal app asks every registered exclusion.
    assert eligibility.exclusions_for(world.e3) == [message]
    assert eligibility.exclusions_for(world.e1) == []


def test_the_first_project_is_named_when_a_compound_is_in_two(world):
    open_project(actor=None, district=world.district, name="甲", estates=[world.e3])
    open_project(actor=None, district=world.district, name="乙", estates=[world.e3])
    assert "“甲”" in expropriation_exclusions(world.e3)


def test_whoever_sees_a_compound_sees_its_expropriation(world):
    project = open_project(
        actor=None, district=world.district, name="两个小区", estates=[world.e1, world.e2]
    )
    for role in ("hq", "community", "resident"):
        insider, neighbour = world.users[role]
        assert list(ExpropriationProject.objects.visible_to(insider)) == [project]  # once
        if role != "hq":
            assert not ExpropriationProject.objects.visible_to(neighbour).exists()
    assert not ExpropriationProject.objects.visible_to(AnonymousUser()).exists()


def test_a_compound_in_the_renewal_programme_cannot_be_expropriated_too(world):
    from xinju.renewal import services as renewal

    batch = renewal.open_batch(
        actor=None, district=world.district, year=2024, target_households=100
    )
    renewal.add_estate(actor=None, batch=batch, estate=world.e1)
    with pytest.raises(InvalidInput) as exc:
        open_project(actor=None, district=world.district, name="征收", estates=[world.e1, world.e2])
    assert exc.value.field == "estates" and world.e1.name in exc.value.message
    assert world.e2.name not in exc.value.message
