"""Every write of the renewal programme: batches, compounds joining them, stages, items,
funding, progress and photos — with the edges and the messages a user reads."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from PIL import Image

from xinju.accounts.models import Role
from xinju.areas.models import Dwelling
from xinju.core.exceptions import Conflict, IllegalTransition, InvalidInput, PermissionDenied
from xinju.core.models import AuditEvent
from xinju.core.testing import factories as f
from xinju.expropriation.models import ExpropriationProject
from xinju.expropriation.services import open_project
from xinju.orgs.models import OrgKind
from xinju.people.models import Residency
from xinju.renewal import services
from xinju.renewal.models import (
    STAGE_ORDER,
    TRANSITIONS,
    Batch,
    CatalogItem,
    Category,
    FundingLine,
    FundingStatus,
    PhotoKind,
    ProgressEntry,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
    ProjectStage,
    Stage,
    StageMove,
)

from .conftest import SEWERS_BUDGET, STEP

pytestmark = pytest.mark.django_db

D = Decimal
NOT_HQ = [r for r in Role.values if r not in (Role.HQ, Role.CONTRACTOR)]


def _events(verb, target=None):
    qs = AuditEvent.objects.filter(verb=verb)
    if target is not None:
        qs = qs.filter(target_id=str(target.pk))
    return qs


def _stage(project, stage):
    return ProjectStage.objects.get(project=project, stage=stage)


def _items(project):
    sewers = project.items.get(catalog_item__code="sewers")
    play = project.items.get(catalog_item__code="play-area")
    return sewers, play


# --- open_batch ----------------------------------------------------------------------------


def test_headquarters_opens_a_batch(world, hq):
    batch = services.open_batch(
        actor=hq,
        district=world.district,
        year=2025,
        target_households=1200,
        target_estates=10,
        consent_numerator=3,
        consent_denominator=4,
    )
    batch.refresh_from_db()
    assert (batch.year, batch.target_households, batch.target_estates) == (2025, 1200, 10)
    assert (batch.consent_numerator, batch.consent_denominator) == (3, 4)
    assert batch.name == "2025 renewal batch"  # a name when none is given
    event = _events("renewal.batch.open", batch).get()
    assert event.actor == hq
    assert event.district_id == world.district.pk
    assert event.after["consent"] == "3/4"


def test_the_default_consent_rule_is_two_thirds(world):
    batch = services.open_batch(
        actor=None, district=world.district, year=2023, target_households=10
    )
    assert (batch.consent_numerator, batch.consent_denominator) == (2, 3)


def test_a_second_batch_for_the_same_year_is_a_conflict_naming_the_year(world, hq, batch):
    with pytest.raises(Conflict) as exc:
        services.open_batch(actor=hq, district=world.district, year=2024, target_households=500)
    assert exc.value.field == "year"
    assert "2024" in exc.value.message
    assert Batch.objects.filter(district=world.district, year=2024).count() == 1
    assert _events("renewal.batch.open").count() == 1


def test_the_same_year_in_another_district_is_another_batch(world, batch):
    other = services.open_batch(
        actor=None, district=world.district2, year=2024, target_households=300
    )
    assert other.pk != batch.pk


@pytest.mark.parametrize(("numerator", "denominator"), [(0, 3), (4, 3), (1, 0), (0, 0)])
def test_an_invalid_consent_share_is_refused(world, hq, numerator, denominator):
    with pytest.raises(InvalidInput) as exc:
        services.open_batch(
            actor=hq,
            district=world.district,
            year=2025,
            target_households=100,
            consent_numerator=numerator,
            consent_denominator=denominator,
        )
    assert exc.value.field == "consent_numerator"
    assert "consent share" in exc.value.message
    assert not Batch.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": 1999}, "year"),
        ({"year": 2101}, "year"),
        ({"target_households": 0}, "target_households"),
        ({"target_households": -5}, "target_households"),
        ({"target_estates": 0}, "target_estates"),
    ],
)
def test_invalid_batch_figures_are_refused_naming_the_field(world, hq, changes, field):
    kwargs = {"year": 2025, "target_households": 100, **changes}
    with pytest.raises(InvalidInput) as exc:
        services.open_batch(actor=hq, district=world.district, **kwargs)
    assert exc.value.field == field
    assert not Batch.objects.exists()


@pytest.mark.parametrize("role", NOT_HQ)
def test_only_headquarters_opens_a_batch(world, role):
    insider = world.users[role][0]
    with pytest.raises(PermissionDenied):
        services.open_batch(
            actor=insider, district=world.district, year=2025, target_households=100
        )
    assert not Batch.objects.exists()


def test_headquarters_of_another_district_cannot_open_this_districts_batch(world):
    other_hq = world.users["hq"][1]
    with pytest.raises(PermissionDenied):
        services.open_batch(
            actor=other_hq, district=world.district, year=2025, target_households=100
        )
    # … but it plans its own district.
    assert (
        services.open_batch(
            actor=other_hq, district=world.district2, year=2025, target_households=100
        ).district
        == world.district2
    )


# --- add_estate: eligibility ---------------------------------------------------------------


@pytest.fixture
def small_batch(world, hq):
    """A batch of 100 households: compounds built 2001–2005 may hold 15 of them."""
    return services.open_batch(actor=hq, district=world.district, year=2025, target_households=100)


def test_a_compound_joins_a_batch_in_its_needs_survey(world, hq, batch):
    project = services.add_estate(actor=hq, batch=batch, estate=world.e1, note="首批")
    assert project.stage == Stage.SURVEY
    assert project.batch == batch
    assert project.late_built is False
    assert project.progress == D("0.00")
    assert sorted(project.stages.values_list("stage", flat=True)) == sorted(STAGE_ORDER)
    event = _events("renewal.project.add", project).get()
    assert event.district_id == world.district.pk


def test_the_project_counts_the_registers_figures(world, hq, batch):
    project = services.add_estate(actor=hq, batch=batch, estate=world.e1)
    dwellings = Dwelling.objects.filter(estate=world.e1)
    assert project.households == dwellings.count() == 8
    residents = Residency.objects.current().filter(dwelling__estate=world.e1).count()
    assert project.residents == residents == 16
    assert project.buildings == dwellings.values("building").distinct().count() == 2
    area = dwellings.aggregate(a=Sum("exclusive_area"))["a"]
    assert project.floor_area == area == D("523.20")
    project.refresh_from_db()  # as stored
    assert (project.households, project.residents, project.buildings) == (8, 16, 2)
    assert project.floor_area == D("523.20")


@pytest.mark.parametrize("year", [1950, 1999, 2000])
def test_compounds_built_up_to_2000_qualify(compound, hq, batch, year):
    project = services.add_estate(actor=hq, batch=batch, estate=compound(4, built_year=year))
    assert project.late_built is False


@pytest.mark.parametrize("year", [2006, 2015])
def test_compounds_built_after_2005_are_refused_naming_the_year(compound, hq, batch, year):
    estate = compound(4, built_year=year)
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=batch, estate=estate)
    assert exc.value.field == "estate"
    assert str(year) in exc.value.message
    assert estate.name in exc.value.message
    assert "2005" in exc.value.message
    assert not Project.objects.exists()


@pytest.mark.parametrize("year", [2001, 2005])
def test_late_built_compounds_fill_exactly_15_percent_and_no_more(compound, hq, small_batch, year):
    first = services.add_estate(actor=hq, batch=small_batch, estate=compound(10, built_year=year))
    second = services.add_estate(actor=hq, batch=small_batch, estate=compound(5, built_year=2003))
    assert first.late_built and second.late_built  # 15 of 100: exactly the cap
    one_more = compound(1, built_year=year)
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=small_batch, estate=one_more)
    assert exc.value.field == "estate"
    message = exc.value.message
    assert str(year) in message and "15%" in message
    assert "15 are taken" in message and "has 1." in message
    assert Project.objects.filter(batch=small_batch).count() == 2
    # A compound built up to 2000 does not count against the cap.
    assert services.add_estate(actor=hq, batch=small_batch, estate=compound(3)).late_built is False


def test_a_late_built_compound_one_household_beyond_the_cap_is_refused(compound, hq, small_batch):
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=small_batch, estate=compound(16, built_year=2004))
    assert "has 16" in exc.value.message
    assert services.add_estate(
        actor=hq, batch=small_batch, estate=compound(15, built_year=2004)
    ).late_built


def test_where_15_percent_is_not_a_whole_number_the_cap_rounds_down(world, compound, hq):
    batch = services.open_batch(
        actor=hq, district=world.district, year=2026, target_households=101
    )  # cap 15.15
    services.add_estate(actor=hq, batch=batch, estate=compound(15, built_year=2002))
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=batch, estate=compound(1, built_year=2002))
    assert "15.15" in exc.value.message


def test_the_cap_counts_each_batch_on_its_own(world, compound, hq, small_batch):
    services.add_estate(actor=hq, batch=small_batch, estate=compound(15, built_year=2003))
    other = services.open_batch(actor=hq, district=world.district, year=2026, target_households=100)
    assert services.add_estate(
        actor=hq, batch=other, estate=compound(15, built_year=2003)
    ).late_built


def test_a_compound_to_be_expropriated_is_refused_naming_the_expropriation(world, hq, batch):
    open_project(actor=None, district=world.district, name="洪都棚改一期", estates=[world.e2])
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=batch, estate=world.e2)
    assert exc.value.field == "estate"
    assert "洪都棚改一期" in exc.value.message
    assert "expropriation" in exc.value.message
    assert not Project.objects.exists()
    # Other compounds are not affected.
    assert services.add_estate(actor=hq, batch=batch, estate=world.e1)


def test_the_same_compound_cannot_join_twice(world, hq, batch):
    services.add_estate(actor=hq, batch=batch, estate=world.e1)
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=batch, estate=world.e1)
    assert "already in the 2024 batch" in exc.value.message
    later = services.open_batch(actor=hq, district=world.district, year=2025, target_households=100)
    with pytest.raises(InvalidInput):
        services.add_estate(actor=hq, batch=later, estate=world.e1)
    assert Project.objects.filter(estate=world.e1).count() == 1
    assert _events("renewal.project.add").count() == 1


def test_a_compound_of_another_district_is_refused(world, hq, batch):
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=batch, estate=world.e9)
    assert world.e9.name in exc.value.message
    assert world.district.name in exc.value.message
    assert not Project.objects.exists()


def test_every_problem_is_listed(world, hq, batch):
    other_batch = services.open_batch(
        actor=None, district=world.district2, year=2024, target_households=100
    )
    services.add_estate(actor=None, batch=other_batch, estate=world.e9)
    # A state the services no longer let arise (expropriation refuses a compound being
    # renewed), written directly: every problem must still be listed.
    ExpropriationProject.objects.create(district=world.district2, name="东湖征收").estates.add(
        world.e9
    )
    world.e9.built_year = 2010
    world.e9.save()
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=batch, estate=world.e9)
    messages = [e["message"] for e in exc.value.errors]
    assert len(messages) == 4
    assert {e["field"] for e in exc.value.errors} == {"estate"}
    assert any("already in" in m for m in messages)
    assert any(world.district.name in m for m in messages)
    assert any("东湖征收" in m for m in messages)
    assert any("2010" in m for m in messages)
    assert exc.value.message == messages[0]


def test_a_compound_without_households_is_refused(world, hq, batch):
    empty = f.EstateFactory(community=world.c1)
    with pytest.raises(InvalidInput) as exc:
        services.add_estate(actor=hq, batch=batch, estate=empty)
    assert "no households" in exc.value.message
    assert not Project.objects.exists()


@pytest.mark.parametrize("role", ["community", "subdistrict", "department"])
def test_only_headquarters_adds_compounds(world, batch, role):
    with pytest.raises(PermissionDenied):
        services.add_estate(actor=world.users[role][0], batch=batch, estate=world.e1)
    with pytest.raises(PermissionDenied):
        services.add_estate(actor=world.users["hq"][1], batch=batch, estate=world.e1)
    assert not Project.objects.exists()


# --- change_batch --------------------------------------------------------------------------


def _change(batch, actor, **changes):
    kwargs = {
        "target_households": batch.target_households,
        "target_estates": batch.target_estates,
        "name": batch.name,
        "consent_numerator": batch.consent_numerator,
        "consent_denominator": batch.consent_denominator,
        **changes,
    }
    return services.change_batch(actor=actor, batch=batch, **kwargs)


def test_a_target_that_would_push_late_built_households_beyond_15_percent_is_refused(
    compound, hq, small_batch
):
    services.add_estate(actor=hq, batch=small_batch, estate=compound(15, built_year=2003))
    with pytest.raises(InvalidInput) as exc:
        _change(small_batch, hq, target_households=99)  # cap 14.85 < 15
    assert exc.value.field == "target_households"
    assert "15 households" in exc.value.message and "99" in exc.value.message
    small_batch.refresh_from_db()
    assert small_batch.target_households == 100
    assert not _events("renewal.batch.change").exists()


def test_a_batch_change_is_saved_and_audited(compound, hq, small_batch):
    services.add_estate(actor=hq, batch=small_batch, estate=compound(15, built_year=2003))
    _change(small_batch, hq, name="  ", consent_numerator=3, consent_denominator=5)
    small_batch.refresh_from_db()
    assert small_batch.name == "2025 renewal batch"  # a blank name keeps the old one
    assert (small_batch.consent_numerator, small_batch.consent_denominator) == (3, 5)
    event = _events("renewal.batch.change", small_batch).get()
    assert event.before["consent"] == "2/3" and event.after["consent"] == "3/5"


def test_a_batch_change_checks_consent_and_headquarters(world, batch):
    with pytest.raises(InvalidInput) as exc:
        _change(batch, world.users["hq"][0], consent_numerator=5, consent_denominator=4)
    assert exc.value.field == "consent_numerator"
    with pytest.raises(PermissionDenied):
        _change(batch, world.users["hq"][1], target_households=5000)
    batch.refresh_from_db()
    assert batch.target_households == 1000


# --- withdraw ------------------------------------------------------------------------------


def test_a_project_in_its_survey_can_be_withdrawn(world, hq, batch, project):
    services.withdraw_project(actor=hq, project=project, reason="居民同意率不足")
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not ProjectStage.objects.filter(project_id=project.pk).exists()
    event = AuditEvent.objects.get(verb="renewal.project.withdraw")
    assert event.after == {"reason": "居民同意率不足"}
    assert event.before["estate"] == world.e1.pk
    assert event.district_id == world.district.pk
    # The compound may join again later.
    assert services.add_estate(actor=hq, batch=batch, estate=world.e1)


@pytest.mark.parametrize("stage", [Stage.DESIGN, Stage.CONSTRUCTION])
def test_a_project_past_its_survey_cannot_be_withdrawn(make_project, hq, stage):
    project = make_project(stage)
    with pytest.raises(IllegalTransition) as exc:
        services.withdraw_project(actor=hq, project=project, reason="不做了")
    assert "needs survey" in exc.value.message
    assert Project.objects.filter(pk=project.pk).exists()


def test_withdrawing_needs_a_reason(world, hq, project):
    with pytest.raises(InvalidInput) as exc:
        services.withdraw_project(actor=hq, project=project, reason="   ")
    assert exc.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.withdraw_project(actor=world.users["community"][0], project=project, reason="x")
    assert Project.objects.filter(pk=project.pk).exists()


# --- move_stage ----------------------------------------------------------------------------

LEGAL = [(a, str(b)) for a in STAGE_ORDER for b in sorted(TRANSITIONS[a])]
ILLEGAL = [(a, b) for a in STAGE_ORDER for b in STAGE_ORDER if b not in TRANSITIONS[a]]


def test_the_tables_cover_every_pair():
    assert len(LEGAL) == 8
    assert len(LEGAL) + len(ILLEGAL) == len(STAGE_ORDER) ** 2


@pytest.mark.parametrize(("from_stage", "to_stage"), LEGAL)
def test_every_legal_move_succeeds(make_project, make_ready, hq, today, from_stage, to_stage):
    project = make_ready(make_project(from_stage), to_stage, on=today)
    moves = StageMove.objects.filter(project=project).count()
    entered_before = _stage(project, to_stage).actual_start
    moved = services.move_stage(actor=hq, project=project, to_stage=to_stage, on=today)
    assert moved.stage == to_stage
    assert Project.objects.get(pk=project.pk).stage == to_stage
    move = StageMove.objects.filter(project=project).order_by("-pk").first()
    assert StageMove.objects.filter(project=project).count() == moves + 1
    assert (move.from_stage, move.to_stage, move.moved_on, move.moved_by) == (
        from_stage,
        to_stage,
        today,
        hq,
    )
    assert _stage(project, from_stage).actual_end == today
    entered = _stage(project, to_stage)
    # A stage entered for the first time starts today; one entered again keeps its start.
    assert entered.actual_start == (entered_before or today)
    assert entered.actual_end == (today if to_stage == Stage.HANDOVER else None)
    event = _events("renewal.project.move", project).order_by("-id").first()
    assert event.before["stage"] == from_stage and event.after["stage"] == to_stage
    assert event.after["on"] == today.isoformat()


@pytest.mark.parametrize(("from_stage", "to_stage"), ILLEGAL)
def test_every_other_move_is_illegal(make_project, make_ready, hq, today, from_stage, to_stage):
    project = make_project(from_stage)
    for ready_for in TRANSITIONS[from_stage]:  # so only the table can refuse
        project = make_ready(project, ready_for, on=today)
    moves = StageMove.objects.filter(project=project).count()
    events = _events("renewal.project.move", project).count()
    with pytest.raises(IllegalTransition) as exc:
        services.move_stage(actor=hq, project=project, to_stage=to_stage, on=today)
    assert exc.value.field == "stage"
    assert exc.value.status == 409
    assert "cannot move to" in exc.value.message
    assert str(Stage(to_stage).label) in exc.value.message
    assert Project.objects.get(pk=project.pk).stage == from_stage
    assert StageMove.objects.filter(project=project).count() == moves
    assert _events("renewal.project.move", project).count() == events


def test_an_unknown_stage_is_refused(hq, project, today):
    with pytest.raises(InvalidInput) as exc:
        services.move_stage(actor=hq, project=project, to_stage="demolition", on=today)
    assert exc.value.field == "stage"


def test_publicity_needs_a_designer_and_items(make_project, hq, designer, catalog, today):
    project = make_project(Stage.DESIGN)
    with pytest.raises(IllegalTransition) as exc:
        services.move_stage(actor=hq, project=project, to_stage=Stage.PUBLICITY, on=today)
    # IllegalTransition carries every problem in its context (the views list them all).
    messages = [e["message"] for e in exc.value.errors]
    assert len(messages) == 2
    assert "designer" in messages[0] and "items" in messages[1]
    services.assign_organisations(actor=hq, project=project, designer=designer, contractor=None)
    with pytest.raises(IllegalTransition) as exc:
        services.move_stage(actor=hq, project=project, to_stage=Stage.PUBLICITY, on=today)
    assert len(exc.value.errors) == 1 and "items" in exc.value.message
    services.add_item(
        actor=hq, project=project, catalog_item=catalog["lifts"], quantity=2, budget="500000"
    )
    moved = services.move_stage(actor=hq, project=project, to_stage=Stage.PUBLICITY, on=today)
    assert moved.stage == Stage.PUBLICITY


def test_construction_needs_a_contractor(world, make_project, hq, today):
    project = make_project(Stage.TENDER)
    with pytest.raises(IllegalTransition) as exc:
        services.move_stage(actor=hq, project=project, to_stage=Stage.CONSTRUCTION, on=today)
    assert "contractor" in exc.value.message
    assert Project.objects.get(pk=project.pk).stage == Stage.TENDER
    services.assign_organisations(
        actor=hq, project=project, designer=project.designer, contractor=world.contractor
    )
    assert services.move_stage(
        actor=hq, project=project, to_stage=Stage.CONSTRUCTION, on=today
    ).is_started


def test_acceptance_needs_every_item_at_100_percent(building_project, hq, report, today):
    project = building_project
    with pytest.raises(IllegalTransition) as exc:
        services.move_stage(actor=hq, project=project, to_stage=Stage.ACCEPTANCE, on=today)
    assert "0.00%" in exc.value.message
    sewers, play = _items(project)
    # (300,000 × 100 + 100,000 × 99.99) / 400,000 = 99.9975, shown as 100.00%: not done.
    report(project, {sewers: 100, play: "99.99"}, on=today)
    project.refresh_from_db()
    assert project.progress == D("100.00")
    with pytest.raises(IllegalTransition) as exc:
        services.move_stage(actor=hq, project=project, to_stage=Stage.ACCEPTANCE, on=today)
    assert str(play) in exc.value.message and "99.99%" in exc.value.message
    assert Project.objects.get(pk=project.pk).stage == Stage.CONSTRUCTION
    report(project, {play: 100}, on=today)
    moved = services.move_stage(actor=hq, project=project, to_stage=Stage.ACCEPTANCE, on=today)
    assert moved.is_completed


def test_a_move_cannot_be_dated_in_the_future(hq, project, today):
    with pytest.raises(InvalidInput) as exc:
        services.move_stage(
            actor=hq, project=project, to_stage=Stage.DESIGN, on=today + dt.timedelta(days=1)
        )
    assert exc.value.field == "on"
    assert "future" in exc.value.message
    assert Project.objects.get(pk=project.pk).stage == Stage.SURVEY


def test_a_move_cannot_be_dated_before_the_stage_it_leaves_began(make_project, make_ready, hq):
    project = make_project(Stage.DESIGN)
    began = _stage(project, Stage.DESIGN).actual_start
    project = make_ready(project, Stage.PUBLICITY, on=began)
    with pytest.raises(InvalidInput) as exc:
        services.move_stage(
            actor=hq, project=project, to_stage=Stage.PUBLICITY, on=began - dt.timedelta(days=1)
        )
    assert exc.value.field == "on"
    assert began.isoformat() in exc.value.message
    assert "Design" in exc.value.message
    # The day it began is fine: a stage may last a day.
    moved = services.move_stage(actor=hq, project=project, to_stage=Stage.PUBLICITY, on=began)
    assert moved.stage == Stage.PUBLICITY


def test_the_timeline_holds_the_actual_dates(make_project, today):
    project = make_project(Stage.CONSTRUCTION)
    d1, d2, d3, d4 = (today - STEP * 20 + STEP * n for n in (1, 2, 3, 4))
    rows = {s.stage: (s.actual_start, s.actual_end) for s in project.stages.all()}
    assert rows == {
        Stage.SURVEY: (d1, d1),
        Stage.DESIGN: (d1, d2),
        Stage.PUBLICITY: (d2, d3),
        Stage.TENDER: (d3, d4),
        Stage.CONSTRUCTION: (d4, None),
        Stage.ACCEPTANCE: (None, None),
        Stage.HANDOVER: (None, None),
    }
    moves = list(
        StageMove.objects.filter(project=project).values_list("from_stage", "to_stage", "moved_on")
    )
    assert moves == [
        (Stage.SURVEY, Stage.DESIGN, d1),
        (Stage.DESIGN, Stage.PUBLICITY, d2),
        (Stage.PUBLICITY, Stage.TENDER, d3),
        (Stage.TENDER, Stage.CONSTRUCTION, d4),
    ]
    assert _events("renewal.project.move", project).count() == 4


def test_handover_is_a_day(make_project, today):
    project = make_project(Stage.HANDOVER)
    handover = _stage(project, Stage.HANDOVER)
    assert handover.actual_start == handover.actual_end == _stage(project, "acceptance").actual_end


def test_a_failed_acceptance_reopens_construction(make_project, hq, today):
    project = make_project(Stage.ACCEPTANCE)
    began = _stage(project, Stage.CONSTRUCTION).actual_start
    services.move_stage(
        actor=hq, project=project, to_stage=Stage.CONSTRUCTION, on=today, note="验收不合格"
    )
    construction = _stage(project, Stage.CONSTRUCTION)
    assert (construction.actual_start, construction.actual_end) == (began, None)
    assert _stage(project, Stage.ACCEPTANCE).actual_end == today
    assert StageMove.objects.filter(project=project).last().note == "验收不合格"


def test_the_same_move_sent_twice_changes_nothing(hq, project, today):
    day = today - dt.timedelta(days=3)
    services.move_stage(actor=hq, project=project, to_stage=Stage.DESIGN, on=day)
    again = services.move_stage(actor=hq, project=project, to_stage=Stage.DESIGN, on=day)
    assert again.stage == Stage.DESIGN
    assert StageMove.objects.filter(project=project).count() == 1
    assert _events("renewal.project.move", project).count() == 1
    design = _stage(project, Stage.DESIGN)
    assert (design.actual_start, design.actual_end) == (day, None)
    # The same move with another date is a second move the table does not allow.
    with pytest.raises(IllegalTransition):
        services.move_stage(actor=hq, project=project, to_stage=Stage.DESIGN, on=today)
    assert StageMove.objects.filter(project=project).count() == 1


@pytest.mark.parametrize("role", ["community", "contractor", "supervisor"])
def test_only_headquarters_moves_projects(world, project, today, role):
    with pytest.raises(PermissionDenied):
        services.move_stage(
            actor=world.users[role][0], project=project, to_stage=Stage.DESIGN, on=today
        )
    assert not StageMove.objects.exists()


# --- plan_stages ---------------------------------------------------------------------------


def test_planned_dates_are_saved_and_audited(hq, project):
    start = dt.date(2025, 3, 1)
    services.plan_stages(
        actor=hq,
        project=project,
        plans={
            Stage.SURVEY: (start, start + dt.timedelta(days=30)),
            Stage.DESIGN: (start + dt.timedelta(days=30), start + dt.timedelta(days=90)),
        },
    )
    design = _stage(project, Stage.DESIGN)
    assert (design.planned_start, design.planned_end) == (
        dt.date(2025, 3, 31),
        dt.date(2025, 5, 30),
    )
    event = _events("renewal.project.plan", project).get()
    assert event.after[Stage.DESIGN] == ["2025-03-31", "2025-05-30"]


def test_a_stage_cannot_end_before_it_starts(hq, project):
    with pytest.raises(InvalidInput) as exc:
        services.plan_stages(
            actor=hq,
            project=project,
            plans={Stage.DESIGN: (dt.date(2025, 5, 1), dt.date(2025, 4, 30))},
        )
    assert exc.value.field == Stage.DESIGN
    assert "cannot end before it starts" in exc.value.message
    assert _stage(project, Stage.DESIGN).planned_start is None
    assert not _events("renewal.project.plan").exists()


def test_a_stage_cannot_start_before_the_previous_one(hq, project):
    with pytest.raises(InvalidInput) as exc:
        services.plan_stages(
            actor=hq,
            project=project,
            plans={
                Stage.SURVEY: (dt.date(2025, 3, 1), None),
                Stage.DESIGN: (dt.date(2025, 2, 28), None),
            },
        )
    assert exc.value.field == Stage.DESIGN
    assert "Needs survey" in exc.value.message
    # Against dates planned earlier, too.
    services.plan_stages(
        actor=hq, project=project, plans={Stage.TENDER: (dt.date(2025, 6, 1), None)}
    )
    with pytest.raises(InvalidInput) as exc:
        services.plan_stages(
            actor=hq, project=project, plans={Stage.CONSTRUCTION: (dt.date(2025, 5, 31), None)}
        )
    assert exc.value.field == Stage.CONSTRUCTION
    assert _stage(project, Stage.CONSTRUCTION).planned_start is None


def test_every_planning_problem_is_listed(hq, project):
    with pytest.raises(InvalidInput) as exc:
        services.plan_stages(
            actor=hq,
            project=project,
            plans={
                "demolition": (dt.date(2025, 1, 1), None),
                Stage.TENDER: (dt.date(2025, 5, 1), dt.date(2025, 4, 1)),
            },
        )
    assert {e["field"] for e in exc.value.errors} == {"demolition", Stage.TENDER}


# --- items ---------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, "0", -1, "-1", "abc", "", "1.234", "NaN", "1e30"])
def test_an_item_quantity_must_be_a_positive_number(hq, project, catalog, quantity):
    with pytest.raises(InvalidInput) as exc:
        services.add_item(
            actor=hq, project=project, catalog_item=catalog["sewers"], quantity=quantity, budget=1
        )
    assert exc.value.field == "quantity"
    assert exc.value.errors[0]["field"] == "quantity"
    assert not ProjectItem.objects.exists()


@pytest.mark.parametrize("budget", [-1, "-0.01", "12.345", "x", "1e30", "1000000000000"])
def test_an_item_budget_is_yuan_not_negative_with_two_places(hq, project, catalog, budget):
    with pytest.raises(InvalidInput) as exc:
        services.add_item(
            actor=hq, project=project, catalog_item=catalog["sewers"], quantity=1, budget=budget
        )
    assert exc.value.field == "budget"
    assert not ProjectItem.objects.exists()


def test_item_messages_say_what_is_wrong(hq, project, catalog):
    with pytest.raises(InvalidInput) as exc:
        services.add_item(
            actor=hq, project=project, catalog_item=catalog["sewers"], quantity="0", budget="1.5x"
        )
    assert exc.value.errors == [
        {"field": "quantity", "message": "Must be at least 0.01."},
        {"field": "budget", "message": "Enter a number."},
    ]
    with pytest.raises(InvalidInput) as exc:
        services.add_item(
            actor=hq, project=project, catalog_item=catalog["sewers"], quantity="1.234", budget=0
        )
    assert exc.value.message == "Use at most 2 decimal places."


def test_an_item_is_added_with_exact_figures(hq, project, catalog):
    item = services.add_item(
        actor=hq,
        project=project,
        catalog_item=catalog["wall-insulation"],
        quantity="1,250.5",
        budget="0",
        description=" 1号楼 ",
    )
    item.refresh_from_db()
    assert (item.quantity, item.budget, item.description) == (D("1250.50"), D("0.00"), "1号楼")
    assert _events("renewal.item.add", item).get().after["quantity"] == "1250.50"


def test_the_same_item_twice_is_a_conflict(hq, project, catalog):
    services.add_item(
        actor=hq, project=project, catalog_item=catalog["lifts"], quantity=1, budget=1
    )
    with pytest.raises(Conflict) as exc:
        services.add_item(
            actor=hq, project=project, catalog_item=catalog["lifts"], quantity=2, budget=2
        )
    assert exc.value.field == "catalog_item"
    assert "already has" in exc.value.message
    # The same kind of work elsewhere in the compound is another item.
    services.add_item(
        actor=hq,
        project=project,
        catalog_item=catalog["lifts"],
        quantity=1,
        budget=1,
        description="2号楼",
    )
    assert project.items.count() == 2


def test_an_item_no_longer_offered_cannot_be_added(hq, project, catalog):
    lifts = catalog["lifts"]
    lifts.is_active = False
    lifts.save()
    with pytest.raises(InvalidInput) as exc:
        services.add_item(actor=hq, project=project, catalog_item=lifts, quantity=1, budget=1)
    assert exc.value.field == "catalog_item"


def test_changing_an_item_rolls_progress_up_again(building_project, hq, report, today):
    project = building_project
    sewers, play = _items(project)
    report(project, {sewers: 100}, on=today)
    project.refresh_from_db()
    assert project.progress == D("75.00")  # 300,000 of 400,000
    services.change_item(actor=hq, item=play, quantity="250", budget="300000", description="")
    project.refresh_from_db()
    assert project.progress == D("50.00")
    event = _events("renewal.item.change", play).get()
    assert event.before["budget"] == "100000.00" and event.after["budget"] == "300000.00"
    with pytest.raises(InvalidInput) as exc:
        services.change_item(actor=hq, item=play, quantity="-1", budget="1", description="")
    assert exc.value.field == "quantity"


def test_an_item_cannot_be_removed_once_progress_was_reported(building_project, hq, report, today):
    project = building_project
    sewers, play = _items(project)
    report(project, {sewers: 10}, on=today)
    with pytest.raises(IllegalTransition) as exc:
        services.remove_item(actor=hq, item=sewers)
    assert exc.value.field == "item"
    assert "cannot be removed" in exc.value.message
    assert ProjectItem.objects.filter(pk=sewers.pk).exists()
    # The other item, without progress, can go; the progress is rolled up again.
    services.remove_item(actor=hq, item=play)
    project.refresh_from_db()
    assert project.progress == D("10.00")
    assert _events("renewal.item.remove").get().before["budget"] == "100000.00"


@pytest.mark.parametrize("stage", [Stage.ACCEPTANCE, Stage.HANDOVER])
def test_items_are_frozen_once_the_works_are_completed(make_project, hq, catalog, stage):
    project = make_project(stage)
    sewers, _play = _items(project)
    with pytest.raises(IllegalTransition):
        services.add_item(
            actor=hq, project=project, catalog_item=catalog["lifts"], quantity=1, budget=1
        )
    with pytest.raises(IllegalTransition):
        services.change_item(actor=hq, item=sewers, quantity=5, budget=5, description="")
    with pytest.raises(IllegalTransition) as exc:
        services.remove_item(actor=hq, item=sewers)
    assert "completed" in exc.value.message
    sewers.refresh_from_db()
    assert (sewers.quantity, sewers.budget) == (D("1.20"), SEWERS_BUDGET)
    assert project.items.count() == 2


def test_only_headquarters_keeps_items(world, project, catalog):
    with pytest.raises(PermissionDenied):
        services.add_item(
            actor=world.users["community"][0],
            project=project,
            catalog_item=catalog["lifts"],
            quantity=1,
            budget=1,
        )
    assert not ProjectItem.objects.exists()


# --- organisations -------------------------------------------------------------------------


def test_organisations_must_be_of_the_right_kind(world, hq, project, designer):
    with pytest.raises(InvalidInput) as exc:
        services.assign_organisations(
            actor=hq, project=project, designer=world.contractor, contractor=None
        )
    assert exc.value.field == "designer"
    with pytest.raises(InvalidInput) as exc:
        services.assign_organisations(
            actor=hq, project=project, designer=designer, contractor=designer
        )
    assert exc.value.field == "contractor"
    project.refresh_from_db()
    assert project.designer is None and project.contractor is None


def test_the_contractor_cannot_change_once_construction_started(building_project, hq):
    other = f.OrganizationFactory(kind=OrgKind.CONTRACTOR)
    with pytest.raises(IllegalTransition) as exc:
        services.assign_organisations(
            actor=hq, project=building_project, designer=building_project.designer, contractor=other
        )
    assert exc.value.field == "contractor"
    assert Project.objects.get(pk=building_project.pk).contractor != other


# --- funding -------------------------------------------------------------------------------


def test_funding_goes_committed_received_spent(hq, project):
    line = services.add_funding(actor=hq, project=project, source="central", amount="1200000")
    assert line.status == FundingStatus.COMMITTED and line.amount == D("1200000.00")
    line = services.advance_funding(actor=hq, line=line, to_status=FundingStatus.RECEIVED)
    line = services.advance_funding(actor=hq, line=line, to_status=FundingStatus.SPENT)
    assert FundingLine.objects.get(pk=line.pk).status == FundingStatus.SPENT
    steps = [
        (e.before["status"], e.after["status"])
        for e in _events("renewal.funding.advance", line).order_by("id")
    ]
    assert steps == [("committed", "received"), ("received", "spent")]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (FundingStatus.COMMITTED, FundingStatus.SPENT),  # no skipping
        (FundingStatus.RECEIVED, FundingStatus.COMMITTED),  # no going back
        (FundingStatus.SPENT, FundingStatus.RECEIVED),
        (FundingStatus.SPENT, FundingStatus.COMMITTED),
        (FundingStatus.COMMITTED, "refunded"),
    ],
)
def test_other_funding_moves_are_refused(hq, project, start, to):
    line = services.add_funding(
        actor=hq, project=project, source="district", amount=100, status=start
    )
    with pytest.raises(IllegalTransition) as exc:
        services.advance_funding(actor=hq, line=line, to_status=to)
    assert exc.value.field == "status"
    assert "cannot become" in exc.value.message
    assert FundingLine.objects.get(pk=line.pk).status == start
    assert not _events("renewal.funding.advance").exists()


def test_sending_a_funding_move_again_changes_nothing(hq, project):
    line = services.add_funding(actor=hq, project=project, source="residents", amount="3.5")
    services.advance_funding(actor=hq, line=line, to_status=FundingStatus.RECEIVED)
    again = services.advance_funding(actor=hq, line=line, to_status=FundingStatus.RECEIVED)
    assert again.status == FundingStatus.RECEIVED
    assert _events("renewal.funding.advance", line).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"source": "lottery"}, "source"),
        ({"status": "promised"}, "status"),
    ],
)
def test_invalid_funding_is_refused_naming_the_field(hq, project, changes, field):
    kwargs = {"source": "central", "amount": "100", **changes}
    with pytest.raises(InvalidInput) as exc:
        services.add_funding(actor=hq, project=project, **kwargs)
    assert exc.value.field == field
    assert not FundingLine.objects.exists()


def test_only_headquarters_keeps_funding(world, project):
    with pytest.raises(PermissionDenied):
        services.add_funding(
            actor=world.users["subdistrict"][0], project=project, source="central", amount=1
        )
    line = services.add_funding(actor=None, project=project, source="central", amount=1)
    with pytest.raises(PermissionDenied):
        services.advance_funding(
            actor=world.users["hq"][1], line=line, to_status=FundingStatus.RECEIVED
        )


# --- report_progress -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "stage", [Stage.SURVEY, Stage.DESIGN, Stage.TENDER, Stage.ACCEPTANCE, Stage.HANDOVER]
)
def test_progress_is_reported_only_during_construction(make_project, make_ready, hq, today, stage):
    project = make_project(stage)
    if not project.items.exists():
        project = make_ready(project, Stage.PUBLICITY, on=today)  # give it items
    item = project.items.first()
    reports, percent = ProgressReport.objects.count(), item.percent
    with pytest.raises(IllegalTransition) as exc:
        services.report_progress(
            actor=hq, project=project, reported_on=today, percents={item.pk: 50}
        )
    assert exc.value.status == 409
    assert exc.value.field == "stage"
    assert str(Stage(stage).label) in exc.value.message
    assert ProgressReport.objects.count() == reports
    item.refresh_from_db()
    assert item.percent == percent


def test_the_projects_contractor_reports_progress(world, building_project, today):
    contractor = world.users["contractor"][0]
    sewers, play = _items(building_project)
    result = services.report_progress(
        actor=contractor,
        project=building_project,
        reported_on=today,
        percents={sewers.pk: "50", play.pk: 20},
        note=" 管网开挖 ",
    )
    assert result.reported_by == contractor
    assert result.note == "管网开挖"
    assert result.progress == D("42.50")  # (300,000 × 50 + 100,000 × 20) / 400,000
    assert Project.objects.get(pk=building_project.pk).progress == D("42.50")
    entries = dict(result.entries.values_list("item_id", "percent"))
    assert entries == {sewers.pk: D("50.00"), play.pk: D("20.00")}
    sewers.refresh_from_db()
    assert (sewers.percent, sewers.percent_on) == (D("50.00"), today)
    event = _events("renewal.progress.report", result).get()
    assert event.after["progress"] == "42.50"


@pytest.mark.parametrize("role", ["community", "subdistrict", "supervisor", "grid"])
def test_others_may_not_report_progress(world, building_project, today, role):
    sewers, _play = _items(building_project)
    with pytest.raises(PermissionDenied):
        services.report_progress(
            actor=world.users[role][0],
            project=building_project,
            reported_on=today,
            percents={sewers.pk: 50},
        )
    assert not ProgressReport.objects.exists()


def test_another_contractor_may_not_report(building_project, other_contractor, today):
    sewers, _play = _items(building_project)
    with pytest.raises(PermissionDenied):
        services.report_progress(
            actor=other_contractor,
            project=building_project,
            reported_on=today,
            percents={sewers.pk: 50},
        )
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("value", ["100.01", 101, -1, "abc", "50.555"])
def test_a_percentage_out_of_range_is_refused_naming_the_item(hq, building_project, today, value):
    sewers, play = _items(building_project)
    with pytest.raises(InvalidInput) as exc:
        services.report_progress(
            actor=hq,
            project=building_project,
            reported_on=today,
            percents={play.pk: 40, sewers.pk: value},
        )
    assert exc.value.field == f"item-{sewers.pk}"
    assert [e["field"] for e in exc.value.errors] == [f"item-{sewers.pk}"]
    assert str(sewers) in exc.value.message
    assert not ProgressReport.objects.exists()
    play.refresh_from_db()
    assert play.percent == D("0.00")


def test_an_item_of_another_project_is_refused(make_project, world, hq, building_project, today):
    other = make_project(Stage.CONSTRUCTION, estate=world.e2)
    foreign, _ = _items(other)
    mine, _ = _items(building_project)
    with pytest.raises(InvalidInput) as exc:
        services.report_progress(
            actor=hq,
            project=building_project,
            reported_on=today,
            percents={mine.pk: 10, foreign.pk: 90},
        )
    assert exc.value.field == f"item-{foreign.pk}"
    assert "Not an item of this project" in exc.value.message
    foreign.refresh_from_db()
    assert foreign.percent == D("0.00")
    assert not ProgressReport.objects.exists()


def test_a_report_needs_at_least_one_percentage(hq, building_project, today):
    sewers, _ = _items(building_project)
    with pytest.raises(InvalidInput) as exc:
        services.report_progress(
            actor=hq, project=building_project, reported_on=today, percents={sewers.pk: " "}
        )
    assert exc.value.field == "percents"


def test_a_report_is_dated_during_construction(hq, building_project, today):
    sewers, _ = _items(building_project)
    began = _stage(building_project, Stage.CONSTRUCTION).actual_start
    for day, words in [
        (today + dt.timedelta(days=1), "future"),
        (began - dt.timedelta(1), "began"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            services.report_progress(
                actor=hq, project=building_project, reported_on=day, percents={sewers.pk: 5}
            )
        assert exc.value.field == "reported_on"
        assert words in exc.value.message
    assert not ProgressReport.objects.exists()
    assert services.report_progress(
        actor=hq, project=building_project, reported_on=began, percents={sewers.pk: 5}
    )


def test_a_resent_report_is_the_same_report(hq, building_project, today):
    sewers, _ = _items(building_project)
    client_id = uuid.uuid4()
    first = services.report_progress(
        actor=hq,
        project=building_project,
        reported_on=today,
        percents={sewers.pk: 30},
        client_id=client_id,
    )
    counts = (
        ProgressReport.objects.count(),
        ProgressEntry.objects.count(),
        AuditEvent.objects.count(),
    )
    again = services.report_progress(
        actor=hq,
        project=building_project,
        reported_on=today,
        percents={sewers.pk: 80},  # whatever it says: it is the same report
        client_id=client_id,
    )
    assert again.pk == first.pk
    assert counts == (
        ProgressReport.objects.count(),
        ProgressEntry.objects.count(),
        AuditEvent.objects.count(),
    )
    sewers.refresh_from_db()
    assert sewers.percent == D("30.00")


def test_a_client_id_used_for_another_project_is_a_conflict(
    make_project, world, hq, building_project, today
):
    other = make_project(Stage.CONSTRUCTION, estate=world.e2)
    client_id = uuid.uuid4()
    services.report_progress(
        actor=hq,
        project=building_project,
        reported_on=today,
        percents={_items(building_project)[0].pk: 30},
        client_id=client_id,
    )
    with pytest.raises(Conflict) as exc:
        services.report_progress(
            actor=hq,
            project=other,
            reported_on=today,
            percents={_items(other)[0].pk: 30},
            client_id=client_id,
        )
    assert exc.value.field == "client_id"
    assert not ProgressReport.objects.filter(project=other).exists()
    assert Project.objects.get(pk=other.pk).progress == D("0.00")


def test_progress_rolls_up_by_budget_exactly(hq, building_project, report, today):
    project = building_project
    sewers, play = _items(project)
    report(project, {sewers: 50, play: 20}, on=today)
    assert Project.objects.get(pk=project.pk).progress == D("42.50")
    report(project, {play: 25}, on=today)  # the sewers keep their 50%
    assert Project.objects.get(pk=project.pk).progress == D("43.75")
    report(project, {sewers: "33.33"}, on=today)  # (9,999,000 + 2,500,000) / 400,000
    assert Project.objects.get(pk=project.pk).progress == D("31.25")
    report(project, {sewers: 40, play: "10.02"}, on=today)  # 13,002,000 / 400,000 = 32.505
    assert Project.objects.get(pk=project.pk).progress == D("32.51")  # half up, not to even


def test_progress_rounds_half_up_at_the_half_cent(hq, building_project, report, today):
    project = building_project
    sewers, play = _items(project)
    for item in (sewers, play):
        services.change_item(actor=hq, item=item, quantity=1, budget="100.00", description="")
    report(project, {sewers: "10.01", play: "10.00"}, on=today)  # exactly 10.005
    assert Project.objects.get(pk=project.pk).progress == D("10.01")
    report(project, {sewers: "0.01", play: 0}, on=today)  # exactly 0.005
    assert Project.objects.get(pk=project.pk).progress == D("0.01")


def test_an_older_report_does_not_override_a_newer_percentage(hq, building_project, report, today):
    project = building_project
    sewers, play = _items(project)
    newer = today - dt.timedelta(days=1)
    report(project, {sewers: 60}, on=newer)
    late = report(project, {sewers: 30, play: 40}, on=today - dt.timedelta(days=3))
    sewers.refresh_from_db()
    play.refresh_from_db()
    assert (sewers.percent, sewers.percent_on) == (D("60.00"), newer)
    assert play.percent == D("40.00")  # nothing newer about the play area
    # (300,000 × 60 + 100,000 × 40) / 400,000 = 55
    assert late.progress == D("55.00")
    assert Project.objects.get(pk=project.pk).progress == D("55.00")
    # The late report keeps what it said.
    assert late.entries.get(item=sewers).percent == D("30.00")


def test_a_report_may_bring_photos(media, hq, building_project, jpeg, today):
    sewers, _ = _items(building_project)
    result = services.report_progress(
        actor=hq,
        project=building_project,
        reported_on=today,
        percents={sewers.pk: 10},
        photos=[jpeg()],
    )
    photo = ProjectPhoto.objects.get()
    assert photo.report == result and photo.kind == PhotoKind.PROGRESS
    assert _events("renewal.progress.report", result).get().after["photos"] == 1


def test_a_report_with_a_bad_photo_writes_nothing(media, hq, building_project, today):
    sewers, _ = _items(building_project)
    with pytest.raises(InvalidInput) as exc:
        services.report_progress(
            actor=hq,
            project=building_project,
            reported_on=today,
            percents={sewers.pk: 10},
            photos=[SimpleUploadedFile("x.jpg", b"not a photo")],
        )
    assert exc.value.field == "photos"
    assert not ProgressReport.objects.exists()
    sewers.refresh_from_db()
    assert sewers.percent == D("0.00")


# --- add_photo -----------------------------------------------------------------------------


def test_a_photo_is_stored_resized_with_a_thumbnail(media, settings, hq, project, jpeg):
    upload = jpeg((2400, 1200))
    raw = upload.read()
    upload.seek(0)
    photo = services.add_photo(
        actor=hq, project=project, upload=upload, kind=PhotoKind.BEFORE, caption="破损路面"
    )
    photo.refresh_from_db()
    side = settings.XINJU_PHOTO_MAX_SIDE
    assert (photo.width, photo.height) == (side, side // 2)
    assert photo.sha256 == hashlib.sha256(raw).hexdigest()
    stored = Path(photo.image.path)
    thumb = Path(photo.thumbnail.path)
    assert stored.is_file() and thumb.is_file()
    assert media in stored.parents and media in thumb.parents
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (photo.width, photo.height)
    with Image.open(thumb) as image:
        assert max(image.size) <= 360
    assert photo.uploaded_by == hq
    assert _events("renewal.photo.add", photo).get().after["caption"] == "破损路面"


def test_a_small_photo_keeps_its_size(media, hq, project, jpeg):
    photo = services.add_photo(
        actor=hq, project=project, upload=jpeg((800, 600)), kind=PhotoKind.AFTER
    )
    assert (photo.width, photo.height) == (800, 600)


def test_the_capture_time_is_read_from_exif(media, hq, project, jpeg):
    exif = Image.Exif()
    exif[0x0132] = "2024:05:01 10:30:00"
    photo = services.add_photo(
        actor=hq, project=project, upload=jpeg((640, 480), exif=exif), kind=PhotoKind.BEFORE
    )
    taken = photo.taken_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert taken.replace(tzinfo=None) == dt.datetime(2024, 5, 1, 10, 30)


def test_the_same_photo_twice_is_one_photo(media, hq, project, jpeg):
    upload = jpeg()
    first = services.add_photo(actor=hq, project=project, upload=upload, kind=PhotoKind.BEFORE)
    upload.seek(0)
    second = services.add_photo(actor=hq, project=project, upload=upload, kind=PhotoKind.BEFORE)
    assert first.pk == second.pk
    assert ProjectPhoto.objects.count() == 1
    assert _events("renewal.photo.add").count() == 1


def test_a_text_file_named_jpg_is_refused(media, hq, project):
    upload = SimpleUploadedFile("photo.jpg", b"hello, this is text", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as exc:
        services.add_photo(actor=hq, project=project, upload=upload, kind=PhotoKind.BEFORE)
    assert exc.value.field == "photo"
    assert "not a photo" in exc.value.message
    assert not ProjectPhoto.objects.exists()
    assert not list(media.rglob("*.jpg"))


def test_an_empty_file_is_refused(media, hq, project):
    with pytest.raises(InvalidInput) as exc:
        services.add_photo(
            actor=hq, project=project, upload=SimpleUploadedFile("a.jpg", b""), kind="before"
        )
    assert exc.value.field == "photo" and "empty" in exc.value.message


def test_a_photo_over_the_size_limit_is_refused(media, settings, hq, project, noise_png, jpeg):
    settings.XINJU_PHOTO_MAX_BYTES = 2**20
    big = noise_png(800)
    assert big.size > 2**20
    with pytest.raises(InvalidInput) as exc:
        services.add_photo(actor=hq, project=project, upload=big, kind=PhotoKind.BEFORE)
    assert exc.value.field == "photo"
    assert "larger than 1.0\xa0MB" in exc.value.message
    assert not ProjectPhoto.objects.exists()
    # A photo within the limit is taken.
    assert services.add_photo(actor=hq, project=project, upload=jpeg(), kind=PhotoKind.BEFORE)


def test_a_photo_needs_a_known_kind(media, hq, project, jpeg):
    with pytest.raises(InvalidInput) as exc:
        services.add_photo(actor=hq, project=project, upload=jpeg(), kind="selfie")
    assert exc.value.field == "kind"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("community", True),
        ("subdistrict", True),
        ("contractor", True),
        ("resident", False),
        ("supervisor", False),
        ("committee", False),
    ],
)
def test_who_may_add_photos(media, world, building_project, jpeg, role, allowed):
    actor = world.users[role][0]
    if allowed:
        photo = services.add_photo(
            actor=actor, project=building_project, upload=jpeg(), kind=PhotoKind.PROGRESS
        )
        assert photo.uploaded_by == actor
    else:
        with pytest.raises(PermissionDenied):
            services.add_photo(
                actor=actor, project=building_project, upload=jpeg(), kind=PhotoKind.PROGRESS
            )
        assert not ProjectPhoto.objects.exists()


def test_a_neighbouring_community_may_not_add_photos(media, world, project, jpeg):
    with pytest.raises(PermissionDenied):
        services.add_photo(
            actor=world.users["community"][1], project=project, upload=jpeg(), kind="before"
        )


# --- the catalog ---------------------------------------------------------------------------


def test_the_catalog_is_seeded(catalog):
    assert {"sewers", "lifts", "play-area", "wall-insulation"} <= set(catalog)
    assert catalog["lifts"].unit == "lift" and catalog["lifts"].indicator == "lifts"
    assert set(Category.objects.values_list("code", flat=True)) >= {
        "basic",
        "improvement",
        "upgrade",
    }


def test_an_item_feeding_an_indicator_must_use_its_unit(hq, catalog):
    lifts = catalog["lifts"]
    lifts.unit = "m"
    with pytest.raises(ValidationError) as exc:
        services.save_catalog_entry(actor=hq, entry=lifts)
    assert "unit" in exc.value.message_dict
    assert "Lifts added" in exc.value.message_dict["unit"][0]
    assert CatalogItem.objects.get(pk=lifts.pk).unit == "lift"
    assert not AuditEvent.objects.filter(verb__startswith="renewal.catalog").exists()


def test_a_catalog_change_is_audited(hq, catalog):
    lifts = catalog["lifts"]
    lifts.name = "既有住宅加装电梯"
    services.save_catalog_entry(actor=hq, entry=lifts)
    assert CatalogItem.objects.get(pk=lifts.pk).name == "既有住宅加装电梯"
    event = _events("renewal.catalog.item.change", lifts).get()
    assert event.before["name"] == "加装电梯"
    assert event.after["name"] == "既有住宅加装电梯"
    assert event.actor == hq


def test_new_catalog_entries_are_audited_as_added(hq):
    safety = services.save_catalog_entry(
        actor=hq, entry=Category(code="safety", name="安全类", order=40)
    )
    item = services.save_catalog_entry(
        actor=hq,
        entry=CatalogItem(category=safety, code="gas-alarms", name="燃气报警器", unit="set"),
    )
    assert _events("renewal.catalog.category.add", safety).exists()
    assert _events("renewal.catalog.item.add", item).get().after["unit"] == "set"


def test_a_funding_form_resent_is_one_line_and_its_id_belongs_to_one_project(
    hq, make_project, compound
):
    first = make_project(Stage.SURVEY)
    other = make_project(Stage.SURVEY, estate=compound(3))
    key = uuid.uuid4()
    line = services.add_funding(
        actor=hq, project=first, source="district", amount="5000", client_id=key
    )
    again = services.add_funding(
        actor=hq, project=first, source="district", amount="5000", client_id=key
    )
    assert again.pk == line.pk and first.funding.count() == 1
    assert AuditEvent.objects.filter(verb="renewal.funding.add").count() == 1
    with pytest.raises(Conflict) as exc:
        services.add_funding(actor=hq, project=other, source="district", amount="1", client_id=key)
    assert exc.value.field == "client_id" and not other.funding.exists()


def test_the_unit_of_an_item_projects_use_cannot_change(hq, make_project):
    make_project(Stage.PUBLICITY)  # its items include the sewers, counted in km
    sewers = CatalogItem.objects.get(code="sewers")
    sewers.unit, sewers.indicator = "m", ""
    with pytest.raises(InvalidInput) as exc:
        services.save_catalog_entry(actor=hq, entry=sewers)
    assert exc.value.field == "unit"
    assert CatalogItem.objects.get(code="sewers").unit == "km"


def test_withdrawing_keeps_what_went_with_the_project_in_the_audit_trail(
    hq, project, catalog, django_capture_on_commit_callbacks
):
    services.add_funding(actor=hq, project=project, source="district", amount="800")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_project(actor=hq, project=project, reason="居民同意率不足")
    event = AuditEvent.objects.get(verb="renewal.project.withdraw")
    assert event.before["funding"][0]["amount"] == "800.00"
    assert not Project.objects.filter(pk=project.pk).exists()
