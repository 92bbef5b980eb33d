"""The cockpit's downloads through the API: same readers, same areas, problem JSON."""

import pytest

from xinju.accounts.services import issue_token

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cockpit"


def _get(client, user, url, **params):
    _token, key = issue_token(actor=user, user=user, name="test")
    return client.get(url, params, headers={"Authorization": f"Bearer {key}"})


def test_headquarters_downloads_the_statistics_and_the_report(client, world):
    hq = world.users["hq"][0]
    xlsx = _get(client, hq, f"{BASE}/statistics.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = _get(client, hq, f"{BASE}/report.pdf", month="2025-03")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert "progress-" in pdf["Content-Disposition"] and "2025-03" in pdf["Content-Disposition"]


def test_areas_outside_the_scope_and_roles_without_a_cockpit_get_404(client, world):
    insider, neighbour = world.users["subdistrict"]
    assert (
        _get(client, insider, f"{BASE}/statistics.xlsx", subdistrict=world.s1.pk).status_code == 200
    )
    response = _get(client, neighbour, f"{BASE}/statistics.xlsx", subdistrict=world.s1.pk)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert _get(client, world.users["grid"][0], f"{BASE}/statistics.xlsx").status_code == 404


def test_a_month_that_is_not_one_is_refused_and_anonymous_callers_get_401(client, world):
    response = _get(client, world.users["hq"][0], f"{BASE}/report.pdf", month="2025-13")
    assert response.status_code == 422 and "month" in response.content.decode()
    assert client.get(f"{BASE}/statistics.xlsx").status_code == 401
