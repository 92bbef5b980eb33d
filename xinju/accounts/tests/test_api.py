import pytest

from xinju.accounts.services import issue_token

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


def test_me_with_a_bearer_token(client, world):
    user = world.users["community"][0]
    _token, key = issue_token(actor=user, user=user, name="script")
    body = client.get(ME, headers={"Authorization": f"Bearer {key}"}).json()
    assert body["username"] == user.username
    assert body["roles"][0]["role"] == "community"
    assert body["roles"][0]["scope_id"] == world.c1.pk


def test_me_with_the_browser_session(login, world):
    user = world.users["grid"][0]
    assert login(user).get(ME).json()["username"] == user.username


def test_no_or_a_wrong_token_answers_401_as_problem_json(client):
    for headers in ({}, {"Authorization": "Bearer xj_wrong"}):
        response = client.get(ME, headers=headers)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401
