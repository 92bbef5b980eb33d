import pytest
from django.db import transaction

from xinju.core import audit
from xinju.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_record_needs_the_services_transaction():
    from xinju.core.testing.factories import DistrictFactory

    district = DistrictFactory()
    with pytest.raises(RuntimeError, match="transaction"):
        audit.record(actor=None, verb="x.y", target=district)


def test_record_keeps_who_what_and_the_change(world):
    hq = world.users["hq"][0]
    with transaction.atomic():
        event = audit.record(
            actor=hq,
            verb="estate.update",
            target=world.e1,
            before={"name": "a", "kind": "k"},
            after={"name": "b", "kind": "k"},
        )
    assert event.actor_label == hq.username
    assert event.target_label == world.e1.name
    assert event.changes == [("name", "a", "b")]


def test_events_are_append_only(world):
    with transaction.atomic():
        event = audit.record(actor=None, verb="demo.generate", target=world.district)
    assert event.actor_label == "system"
    event.verb = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_only_headquarters_reads_the_trail(world):
    with transaction.atomic():
        audit.record(actor=None, verb="demo.generate", target=world.district)
    assert AuditEvent.objects.visible_to(world.users["hq"][0]).count() == 1
    assert AuditEvent.objects.visible_to(world.users["hq"][1]).count() == 0  # another district
    for role in ("department", "subdistrict", "community", "grid", "resident", "property"):
        assert AuditEvent.objects.visible_to(world.users[role][0]).count() == 0
