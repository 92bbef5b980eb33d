import pytest

from xinju.core.exceptions import InvalidInput
from xinju.core.models import AuditEvent
from xinju.orgs import services
from xinju.orgs.models import Organization

pytestmark = pytest.mark.django_db
CODE = "91350100M000100Y43"


def test_codes_and_phones_are_normalised_and_the_change_audited(world):
    org = services.create_organization(
        actor=None,
        kind="contractor",
        name=" 江西测试建设有限公司 ",
        credit_code="91350100m000100y43",
        contact_phone="139 1234 5678",
    )
    assert (org.name, org.credit_code, org.contact_phone) == (
        "江西测试建设有限公司",
        CODE,
        "13912345678",
    )
    event = AuditEvent.objects.get(verb="organization.create", target_id=str(org.pk))
    assert event.after["contact_phone"] == "139****5678"  # no personal data in the trail


def test_a_wrong_credit_code_names_the_field(world):
    with pytest.raises(InvalidInput) as err:
        services.create_organization(
            actor=None, kind="contractor", name="某公司", credit_code=CODE[:-1] + "4"
        )
    assert err.value.field == "credit_code" and "GB 32100" in err.value.message
    assert not Organization.objects.filter(name="某公司").exists()


def test_a_duplicate_credit_code_is_refused(world):
    services.create_organization(actor=None, kind="contractor", name="甲公司", credit_code=CODE)
    with pytest.raises(InvalidInput) as err:
        services.create_organization(actor=None, kind="contractor", name="乙公司", credit_code=CODE)
    assert err.value.field == "credit_code"


def test_updates_record_before_and_after(world):
    org = services.create_organization(actor=None, kind="property", name="丙物业")
    services.update_organization(actor=None, organization=org, short_name="丙")
    event = AuditEvent.objects.get(verb="organization.update")
    assert event.changes == [("short_name", "", "丙")]


def test_a_blank_code_is_stored_as_none_so_many_can_lack_one(world):
    a = services.create_organization(actor=None, kind="designer", name="甲院", credit_code="")
    b = services.create_organization(actor=None, kind="designer", name="乙院", credit_code="  ")
    assert a.credit_code is None and b.credit_code is None
