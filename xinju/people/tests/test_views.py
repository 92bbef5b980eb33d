import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _owner(world):
    return world.d1.ownerships.get().owners.get().person


def test_the_person_page_shows_homes_and_masks_by_role(login, world):
    owner = _owner(world)
    url = reverse("people:person", args=[owner.pk])
    full = login(world.users["community"][0]).get(url).content.decode()
    assert owner.id_number in full and owner.phone in full
    assert reverse("areas:dwelling", args=[world.d1.pk]) in full
    masked = login(world.users["supervisor"][0]).get(url).content.decode()
    assert owner.id_number not in masked and owner.phone not in masked


def test_a_person_outside_the_scope_is_not_found(login, world):
    url = reverse("people:person", args=[_owner(world).pk])
    assert login(world.users["community"][1]).get(url).status_code == 404
    assert login(world.users["resident"][1]).get(url).status_code == 404


def test_the_dwelling_page_masks_by_role(login, world):
    owner = _owner(world)
    url = reverse("areas:dwelling", args=[world.d1.pk])
    assert owner.phone in login(world.users["resident"][0]).get(url).content.decode()
    page = login(world.users["committee"][0]).get(url).content.decode()
    assert owner.phone not in page and owner.id_number not in page
