import pytest
from django.urls import reverse

from xinju.core.models import AuditEvent
from xinju.core.testing.factories import UserFactory
from xinju.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_validates_the_credit_code(admin_client):
    url = reverse("admin:orgs_organization_add")
    response = admin_client.post(
        url, {"kind": "property", "name": "测试物业", "credit_code": "91350100M000100Y44"}
    )
    assert response.status_code == 200
    assert "GB 32100" in response.content.decode()
    assert not Organization.objects.filter(name="测试物业").exists()


def test_saving_in_the_admin_goes_through_the_service(admin_client):
    url = reverse("admin:orgs_organization_add")
    response = admin_client.post(
        url, {"kind": "property", "name": "测试物业", "credit_code": "91350100m000100y43"}
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="测试物业")
    assert org.credit_code == "91350100M000100Y43"
    assert AuditEvent.objects.filter(verb="organization.create", target_id=str(org.pk)).exists()


def test_organisations_cannot_be_deleted_in_the_admin(admin_client, world):
    url = reverse("admin:orgs_organization_delete", args=[world.p1.pk])
    assert admin_client.get(url).status_code == 403


def test_the_admin_accepts_codes_and_phones_as_people_type_them(admin_client):
    url = reverse("admin:orgs_organization_add")
    data = {
        "kind": "contractor",
        "name": "某建设公司",
        "credit_code": " 9135 0100 m000 100y 43 ",
        "contact_phone": "+86 139-1234-5678",
    }
    assert admin_client.post(url, data).status_code == 302
    org = Organization.objects.get(name="某建设公司")
    assert (org.credit_code, org.contact_phone) == ("91350100M000100Y43", "13912345678")
