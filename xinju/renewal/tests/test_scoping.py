"""Who sees which project: the compound's area tree, the contractor's staff, the supervisors
assigned to the project — and nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from xinju.accounts.models import Role, RoleAssignment, ScopeKind
from xinju.accounts.scope import forget
from xinju.areas.models import Dwelling, Estate
from xinju.core.testing.world import REGISTER_ROLES
from xinju.renewal import services
from xinju.renewal.models import (
    Batch,
    CatalogItem,
    FundingLine,
    ProgressEntry,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectStage,
    Stage,
    StageMove,
)

pytestmark = pytest.mark.django_db


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.fixture
def projects(world, make_project):
    """e1 under construction by world.contractor, reported on; e2 and e3 in their surveys."""
    p1 = make_project(Stage.CONSTRUCTION)
    item = p1.items.first()
    began = p1.stages.get(stage=Stage.CONSTRUCTION).actual_start
    services.report_progress(actor=None, project=p1, reported_on=began, percents={item.pk: 10})
    services.add_funding(actor=None, project=p1, source="central", amount=100)
    p2 = services.add_estate(actor=None, batch=p1.batch, estate=world.e2)
    p3 = services.add_estate(actor=None, batch=p1.batch, estate=world.e3)
    return p1, p2, p3


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_the_insider_sees_the_project_of_e1_and_the_neighbour_does_not(world, projects, role):
    p1 = projects[0]
    insider, neighbour = world.users[role]
    assert Project.objects.visible_to(insider).filter(pk=p1.pk).exists()
    assert not Project.objects.visible_to(neighbour).filter(pk=p1.pk).exists()
    # The project's rows follow the project.
    for model in (ProjectItem, ProjectStage, StageMove, FundingLine, ProgressReport):
        rows = model.objects.filter(project=p1)
        assert rows.exists(), model
        assert _ids(model.objects.visible_to(insider)) >= _ids(rows), model
        assert not _ids(model.objects.visible_to(neighbour)) & _ids(rows), model
    entries = ProgressEntry.objects.filter(report__project=p1)
    assert _ids(ProgressEntry.objects.visible_to(insider)) == _ids(entries)
    assert not ProgressEntry.objects.visible_to(neighbour).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("hq", {"e1", "e2", "e3"}),
        ("department", {"e1", "e2", "e3"}),
        ("subdistrict", {"e1", "e2"}),
        ("community", {"e1"}),
        ("grid", {"e1"}),
        ("supervisor", {"e1"}),
        ("property", {"e1"}),
        ("committee", {"e1"}),
        ("resident", {"e1"}),
    ],
)
def test_each_role_sees_exactly_the_projects_of_its_scope(world, projects, role, expected):
    by_estate = {p.estate_id: p.pk for p in projects}
    wanted = {by_estate[getattr(world, key).pk] for key in expected}
    assert _ids(Project.objects.visible_to(world.users[role][0])) == wanted


def test_headquarters_of_another_district_sees_none_of_them(world, projects):
    assert not Project.objects.visible_to(world.users["hq"][1]).exists()
    assert not Batch.objects.visible_to(world.users["hq"][1]).exists()
    assert Batch.objects.visible_to(world.users["hq"][0]).filter(pk=projects[0].batch_id).exists()


def test_anonymous_users_see_nothing(projects):
    anonymous = AnonymousUser()
    for model in (
        Project,
        ProjectItem,
        ProjectStage,
        StageMove,
        FundingLine,
        ProgressReport,
        ProgressEntry,
        Batch,
        CatalogItem,
    ):
        assert not model.objects.visible_to(anonymous).exists(), model


def test_a_deactivated_user_sees_nothing(world, projects):
    hq = world.users["hq"][0]
    hq.is_active = False
    assert not Project.objects.visible_to(hq).exists()


def test_the_contractor_sees_exactly_its_projects(world, projects):
    contractor = world.users["contractor"][0]
    p1, p2, _p3 = projects
    assert _ids(Project.objects.visible_to(contractor)) == {p1.pk}
    assert _ids(ProjectItem.objects.visible_to(contractor)) == _ids(p1.items.all())
    # Given a second project, it sees that one too.
    services.assign_organisations(
        actor=None, project=p2, designer=None, contractor=world.contractor
    )
    assert _ids(Project.objects.visible_to(contractor)) == {p1.pk, p2.pk}


def test_a_contractor_of_no_project_sees_none(projects, other_contractor):
    assert not Project.objects.visible_to(other_contractor).exists()


def test_the_catalog_is_for_every_signed_in_user(world, other_contractor):
    resident = world.users["resident"][1]
    assert CatalogItem.objects.visible_to(resident).filter(code="lifts").exists()
    assert CatalogItem.objects.visible_to(other_contractor).count() == CatalogItem.objects.count()


def test_a_supervisor_assigned_to_a_project_sees_it_and_its_compound(world, projects, member):
    p1, p2, _p3 = projects
    supervisor = member(Role.SUPERVISOR, ScopeKind.PROJECT, p2.pk)
    assert _ids(Project.objects.visible_to(supervisor)) == {p2.pk}
    assert _ids(Estate.objects.visible_to(supervisor)) == {world.e2.pk}
    assert _ids(Dwelling.objects.visible_to(supervisor)) == _ids(
        Dwelling.objects.filter(estate=world.e2)
    )
    # A second assignment adds the other project; removing them takes both away.
    RoleAssignment.objects.create(
        user=supervisor, role=Role.SUPERVISOR, scope_kind=ScopeKind.PROJECT, scope_id=p1.pk
    )
    forget(supervisor)
    assert _ids(Project.objects.visible_to(supervisor)) == {p1.pk, p2.pk}
    assert _ids(Estate.objects.visible_to(supervisor)) == {world.e1.pk, world.e2.pk}
    RoleAssignment.objects.filter(user=supervisor).delete()
    forget(supervisor)
    assert not Project.objects.visible_to(supervisor).exists()
    assert not Estate.objects.visible_to(supervisor).exists()


def test_a_project_assignment_of_another_role_reaches_nothing(projects, member):
    # Only supervisors are assigned to projects; a stray assignment must not open them.
    stray = member(Role.COMMUNITY, ScopeKind.PROJECT, projects[0].pk)
    assert not Project.objects.visible_to(stray).exists()
    assert not Estate.objects.visible_to(stray).exists()


def test_permissions_follow_the_roles(world, projects):
    from xinju.renewal import permissions

    p1 = projects[0]
    assert permissions.can_plan(world.users["hq"][0], p1)
    assert not permissions.can_plan(world.users["hq"][1], p1)
    assert not permissions.can_plan(world.users["community"][0], p1)
    assert permissions.can_report(world.users["contractor"][0], p1)
    assert not permissions.can_report(world.users["supervisor"][0], p1)
    assert permissions.can_add_photos(world.users["community"][0], p1)
    assert not permissions.can_add_photos(world.users["community"][1], p1)
    assert not permissions.can_add_photos(AnonymousUser(), p1)
    assert permissions.can_plan_batch(world.users["hq"][0], p1.batch)
    assert not permissions.can_plan_batch(world.users["hq"][1], p1.batch)
    assert not permissions.can_open_batch(world.users["department"][0])
