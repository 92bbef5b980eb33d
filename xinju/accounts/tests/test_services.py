import pytest
from django.db import transaction

from xinju.accounts import services
from xinju.accounts.models import ApiToken, Role, RoleAssignment, ScopeKind
from xinju.accounts.scope import has_role, scope_for
from xinju.core.exceptions import Conflict, InvalidInput, NotFound
from xinju.core.models import AuditEvent
from xinju.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_assigning_a_role_is_audited_and_idempotent(world):
    user = UserFactory()
    first = services.assign_role(
        actor=None, user=user, role=Role.GRID, scope_kind=ScopeKind.GRID, scope_id=world.g1.pk
    )
    again = services.assign_role(
        actor=None, user=user, role=Role.GRID, scope_kind=ScopeKind.GRID, scope_id=world.g1.pk
    )
    assert first.pk == again.pk
    assert first.scope_label == world.g1.name
    assert AuditEvent.objects.filter(verb="role.assign", target_id=str(first.pk)).count() == 1


def test_a_role_cannot_be_scoped_to_the_wrong_kind(world):
    user = UserFactory()
    with pytest.raises(InvalidInput, match="cannot be scoped") as err:
        services.assign_role(
            actor=None,
            user=user,
            role=Role.GRID,
            scope_kind=ScopeKind.COMMUNITY,
            scope_id=world.c1.pk,
        )
    assert err.value.field == "scope_kind"
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_scope_that_does_not_exist_is_refused(world):
    with pytest.raises(NotFound):
        services.assign_role(
            actor=None,
            user=UserFactory(),
            role=Role.COMMUNITY,
            scope_kind=ScopeKind.COMMUNITY,
            scope_id=999999,
        )


def test_a_user_may_hold_several_roles_and_sees_their_union(world):
    user = UserFactory()
    services.assign_role(
        actor=None, user=user, role=Role.GRID, scope_kind=ScopeKind.GRID, scope_id=world.g1.pk
    )
    services.assign_role(
        actor=None,
        user=user,
        role=Role.COMMITTEE,
        scope_kind=ScopeKind.ESTATE,
        scope_id=world.e3.pk,
    )
    scope = scope_for(user)
    assert scope.ids(ScopeKind.GRID) == {world.g1.pk}
    assert scope.ids(ScopeKind.ESTATE) == {world.e3.pk}
    assert scope.ids(ScopeKind.ESTATE, roles=[Role.GRID]) == set()
    assert has_role(user, Role.GRID) and not has_role(user, Role.HQ)
    from xinju.areas.models import Estate

    assert set(Estate.objects.visible_to(user)) == {world.e1, world.e3}


def test_revoking_a_role_takes_the_scope_away(world):
    user = UserFactory()
    a = services.assign_role(
        actor=None,
        user=user,
        role=Role.COMMUNITY,
        scope_kind=ScopeKind.COMMUNITY,
        scope_id=world.c1.pk,
    )
    services.revoke_role(actor=None, assignment=a)
    assert scope_for(user).empty
    assert AuditEvent.objects.filter(verb="role.revoke").exists()


def test_user_names_are_unique(world):
    services.create_user(actor=None, username="dup", password="x-secret-1")
    with pytest.raises(Conflict):
        services.create_user(actor=None, username="dup", password="x-secret-2")


def test_tokens_are_stored_as_hashes_and_can_be_revoked(world):
    user = world.users["community"][0]
    token, key = services.issue_token(actor=user, user=user, name="statistics")
    assert key.startswith("xj_") and key not in token.key_hash
    assert services.authenticate_token(key) == user
    assert services.authenticate_token(key + "x") is None
    services.revoke_token(actor=user, token=token)
    assert services.authenticate_token(key) is None


def test_a_token_of_a_deactivated_user_stops_working(world):
    user = world.users["grid"][0]
    _token, key = services.issue_token(actor=user, user=user, name="phone")
    user.is_active = False
    user.save()
    assert services.authenticate_token(key) is None


def test_a_token_needs_a_name(world):
    user = world.users["grid"][0]
    with pytest.raises(InvalidInput):
        services.issue_token(actor=user, user=user, name="  ")
    assert not ApiToken.objects.filter(user=user).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_assignment_leaves_no_audit_event():
    from xinju.core.testing.world import build_world

    world = build_world()
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput), transaction.atomic():
        services.assign_role(
            actor=None,
            user=UserFactory(),
            role=Role.HQ,
            scope_kind=ScopeKind.GRID,
            scope_id=world.g1.pk,
        )
    assert AuditEvent.objects.count() == before
