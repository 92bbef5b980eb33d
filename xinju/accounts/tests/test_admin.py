"""The admin: roles are given through the service's checks, and changes are audited."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    from xinju.core.testing.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("kind", "scope_id", "words"),
    [("district", None, "cannot be scoped"), ("grid", 987654, "does not exist")],
)
def test_a_wrong_role_in_the_admin_is_a_form_error_not_a_crash(
    admin_client, world, kind, scope_id, words
):
    from xinju.accounts.models import RoleAssignment

    user = world.users["grid"][1]
    data = {
        "user": user.pk,
        "role": "grid",
        "scope_kind": kind,
        "scope_id": scope_id or world.district.pk,
    }
    response = admin_client.post(reverse("admin:accounts_roleassignment_add"), data)
    assert response.status_code == 200 and words in response.content.decode()
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_a_role_given_in_the_admin_is_audited(admin_client, world):
    from xinju.core.models import AuditEvent

    user = world.users["grid"][1]
    data = {"user": user.pk, "role": "grid", "scope_kind": "grid", "scope_id": world.g2.pk}
    assert admin_client.post(reverse("admin:accounts_roleassignment_add"), data).status_code == 302
    assert AuditEvent.objects.filter(verb="role.assign", after__scope_id=world.g2.pk).exists()


def test_a_password_changed_in_the_admin_is_audited(admin_client, world):
    from xinju.core.models import AuditEvent

    user = world.users["grid"][0]
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    data = {
        "password1": "a-new-long-password-9",
        "password2": "a-new-long-password-9",
        "usable_password": "true",
    }
    assert admin_client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(verb="user.password", target_id=str(user.pk))
    assert event.after == {"password": "changed"}
