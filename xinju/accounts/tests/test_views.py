import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_speaks_chinese_by_default(client, chinese):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-hans"' in page and "登录新居" in page


@pytest.mark.parametrize(
    ("role", "home"), [("community", "cockpit:dashboard"), ("grid", "areas:home")]
)
def test_signing_in_lands_on_the_cockpit_or_the_register(client, world, role, home):
    """Those who answer for an area land on its cockpit; the others on their register."""
    user = world.users[role][0]
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "pw-for-tests"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cockpit:home")
    assert client.get(reverse("cockpit:home"))["Location"] == reverse(home)


def test_a_wrong_password_is_told_without_saying_which_part(client, world):
    user = world.users["community"][0]
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_english_is_a_switch_away(client, world, chinese):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in page and "Sign in" in page


def test_signing_out_needs_a_post(login, world):
    client = login(world.users["grid"][0])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("areas:home")).status_code == 302


def test_the_profile_page_issues_a_token_shown_once(login, world):
    user = world.users["grid"][0]
    client = login(user)
    page = client.post(reverse("accounts:profile"), {"name": "field app"}).content.decode()
    token = user.api_tokens.get()
    assert 'id="new-token"' in page and token.prefix in page
    assert 'id="new-token"' not in client.get(reverse("accounts:profile")).content.decode()


def test_one_cannot_revoke_someone_elses_token(login, world):
    owner, other = world.users["grid"]
    from xinju.accounts.services import issue_token

    token, _key = issue_token(actor=owner, user=owner, name="mine")
    response = login(other).post(reverse("accounts:revoke-token", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_welcome_page_is_public(client):
    response = client.get("/")
    assert response.status_code == 200 and reverse("accounts:login") in response.content.decode()


def test_a_browser_asking_for_english_still_gets_chinese_until_the_switch(client, chinese):
    page = client.get(
        reverse("accounts:login"), headers={"Accept-Language": "en-US,en;q=0.9"}
    ).content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
