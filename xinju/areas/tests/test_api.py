import pytest

from xinju.accounts.services import issue_token
from xinju.core.testing.world import REGISTER_ROLES

pytestmark = pytest.mark.django_db
BASE = "/api/v1/register"


def _get(client, user, url):
    _token, key = issue_token(actor=user, user=user, name="test")
    return client.get(url, headers={"Authorization": f"Bearer {key}"})


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_insiders_read_the_target_and_neighbours_get_404(client, world, role):
    insider, neighbour = world.users[role]
    for url in (
        f"{BASE}/dwellings/{world.d1.pk}",
        f"{BASE}/estates/{world.e1.pk}",
        f"{BASE}/buildings/{world.b1.pk}",
    ):
        assert _get(client, insider, url).status_code == 200, url
        response = _get(client, neighbour, url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        assert response.json() == _get(client, neighbour, f"{BASE}/estates/987654").json()


def test_anonymous_callers_get_401(client, world):
    for url in (f"{BASE}/estates", f"{BASE}/dwellings", f"{BASE}/dwellings/{world.d1.pk}"):
        assert client.get(url).status_code == 401


def test_lists_are_scoped_and_paginated(client, world):
    body = _get(client, world.users["community"][0], f"{BASE}/dwellings").json()
    assert body["count"] == 8
    assert {item["estate_id"] for item in body["items"]} == {world.e1.pk}
    estates = _get(client, world.users["hq"][0], f"{BASE}/estates?built_from=1900").json()
    assert estates["count"] == 3  # e9 belongs to the other district
    assert _get(client, world.users["hq"][0], f"{BASE}/dwellings?page=2").json()["items"] == []


def test_areas_are_exact_decimal_strings(client, world):
    body = _get(client, world.users["committee"][0], f"{BASE}/estates/{world.e1.pk}").json()
    assert body["figures"] == {
        "households": 8,
        "residents": 16,
        "exclusive_area": "523.20",
        "buildings": 2,
    }


def test_personal_data_follows_the_role(client, world):
    owner = world.d1.ownerships.get().owners.get().person
    url = f"{BASE}/dwellings/{world.d1.pk}"
    full = _get(client, world.users["grid"][0], url).json()["title"]["owners"][0]
    assert (full["id_number"], full["phone"]) == (owner.id_number, owner.phone)
    masked = _get(client, world.users["hq"][0], url).json()["title"]["owners"][0]
    assert masked["id_number"] != owner.id_number and "*" in masked["id_number"]
    assert masked["phone"] == owner.phone[:3] + "****" + owner.phone[-4:]
    own = _get(client, world.users["resident"][0], url).json()
    assert own["residents"][0]["phone"] == owner.phone


def test_a_bad_query_parameter_is_a_422_problem(client, world):
    response = _get(client, world.users["hq"][0], f"{BASE}/dwellings?estate=abc")
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "invalid-input" and body["errors"][0]["field"].endswith("estate")


def test_the_session_works_too(login, world):
    assert login(world.users["grid"][0]).get(f"{BASE}/dwellings").json()["count"] == 4


def test_absurd_ids_are_a_422_not_a_crash(client, world):
    hq = world.users["hq"][0]
    huge = "9" * 25
    for url in (
        f"{BASE}/dwellings?estate={huge}",
        f"{BASE}/estates?community={huge}",
        f"{BASE}/buildings?grid={huge}",
        f"{BASE}/dwellings/{huge}",
        f"{BASE}/estates?built_from=99999",
    ):
        response = _get(client, hq, url)
        assert response.status_code == 422, url
        assert response["Content-Type"] == "application/problem+json"
