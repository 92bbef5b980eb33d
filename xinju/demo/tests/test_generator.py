"""The demo district reproduces the report's figures exactly and is the same on every run."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from xinju.accounts.models import Role, RoleAssignment, User
from xinju.areas.models import Building, Dwelling, Estate
from xinju.demo import spec
from xinju.demo.generator import Generator
from xinju.people.models import Owner, Ownership, Residency
from xinju.renewal.models import Batch, Project


def test_the_full_plan_has_the_programmes_compounds_and_households():
    plans = Generator().estate_plan()
    for year, (compounds, households) in spec.PROGRAMME.items():
        of_year = [e for e in plans if e.year == year]
        assert sum(e.households for e in of_year) == households, year
        if compounds is not None:
            assert len(of_year) == compounds, year
    assert sum(e.households for e in plans if e.year) == spec.PROGRAMME_HOUSEHOLDS == 58_000
    names = {e.name for e in plans}
    assert {"洪科小区", "洪都六区", "四机宿舍"} <= names
    siji = next(e for e in plans if e.name == "四机宿舍")
    assert siji.year is None and siji.community == "二进社区" and siji.built_year <= 1961


def test_buildings_add_up_to_each_compounds_households_exactly():
    generator = Generator()
    for n, plan in enumerate(generator.estate_plan()):
        buildings = generator._buildings(n, plan)
        assert sum(b["households"] for b in buildings) == plan.households, plan.name
        for b in buildings:
            units = [u for e in b["entrances"] for u in e["units"]]
            assert all(40 <= u[2] <= 90 or plan.name == "洪科小区" for u in units)
        if plan.buildings:
            assert len(buildings) == plan.buildings, plan.name


def test_late_built_compounds_stay_within_fifteen_percent_of_their_year():
    plans = Generator().estate_plan()
    for year, (_c, households) in spec.PROGRAMME.items():
        late = sum(e.households for e in plans if e.year == year and 2001 <= e.built_year <= 2005)
        assert 100 * late <= 15 * households, year
        assert not [e for e in plans if e.year == year and e.built_year > 2005]


def test_two_runs_plan_the_same_district():
    a, b = Generator(seed=7).estate_plan(), Generator(seed=7).estate_plan()
    assert a == b


def test_a_larger_district_has_n_times_each_years_compounds_and_households():
    one, three = Generator().estate_plan(), Generator(compounds=3).estate_plan()
    for year, (compounds, households) in spec.PROGRAMME.items():
        of_one = [e for e in one if e.year == year]
        of_three = [e for e in three if e.year == year]
        assert len(of_three) == 3 * len(of_one) == 3 * (compounds or len(of_one)), year
        assert sum(e.households for e in of_three) == 3 * households, year
        late = sum(e.households for e in of_three if 2001 <= e.built_year <= 2005)
        assert 100 * late <= 15 * 3 * households, year
    # The named compounds are there once; the names within a community stay distinct.
    for named in spec.NAMED_ESTATES:
        assert sum(1 for e in three if e.name == named.name) == 1, named.name
    assert len({(e.community, e.name) for e in three}) == len(three)
    assert [e for e in three if e.year is None] == [e for e in one if e.year is None]


@pytest.mark.django_db
def test_a_larger_district_has_n_times_the_batch_targets():
    result = Generator(scale=0.02, compounds=2).run()
    c = result.counts
    assert c["programme_dwellings"] == 2 * sum(round(h * 0.02) for _n, h in spec.PROGRAMME.values())
    assert c["programme_residents"] == 2 * round(spec.PROGRAMME_RESIDENTS * 0.02)
    batches = Batch.objects.order_by("year")
    assert [(b.target_estates, b.target_households) for b in batches] == [
        (2 * n if n is not None else None, 2 * round(h * 0.02)) for n, h in spec.PROGRAMME.values()
    ]
    for batch, (year, (compounds, _h)) in zip(batches, spec.PROGRAMME.items(), strict=True):
        planned = compounds or spec.GENERATED_COMPOUNDS[year]
        assert Project.objects.filter(batch=batch).count() == 2 * planned, year
        figures = Project.objects.filter(batch=batch).aggregate(h=Sum("households"))
        assert figures["h"] == batch.target_households, year


@pytest.mark.django_db
def test_a_small_district_is_written_whole():
    result = Generator(scale=0.05).run()
    c = result.counts
    assert c["programme_dwellings"] == sum(round(h * 0.05) for _n, h in spec.PROGRAMME.values())
    assert c["programme_residents"] == round(spec.PROGRAMME_RESIDENTS * 0.05)
    # The same figures read back from the database: every compound but the Siji dormitory
    # (due for expropriation) is in the programme.
    programme = Dwelling.objects.exclude(estate__name=spec.SIJI.name)
    assert programme.count() == c["programme_dwellings"]
    assert Residency.objects.filter(dwelling__in=programme).count() == c["programme_residents"]
    assert Dwelling.objects.count() == c["dwellings"]
    assert Residency.objects.count() == c["residents"]
    # Every dwelling has exactly one current title; some are co-owned, some enterprise-held.
    assert Ownership.objects.current().count() == Dwelling.objects.count()
    assert Owner.objects.filter(organization__name="洪都集团").exists()
    assert c["co_owned"] > 0 and c["second_homes"] > 0
    hongke = Estate.objects.get(name="洪科小区")
    assert hongke.is_open and not hongke.is_demo and hongke.property_company is not None
    assert Building.objects.filter(estate=hongke, note__contains="苏式").exists()
    assert all(
        b.grid.community_id == b.estate.community_id
        for b in Building.objects.select_related("grid", "estate")
    )


@pytest.mark.django_db
def test_demo_setup_prints_one_account_per_role_and_reuses_on_a_second_run():
    out = io.StringIO()
    call_command("demo_setup", "--scale", "0.02", stdout=out)
    text = out.getvalue()
    assert spec.DEMO_PASSWORD in text
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for username in (
        "hq",
        "zhujian",
        "jiedao",
        "shequ",
        "wangge",
        "jiandu",
        "shigong",
        "wuye",
        "yeweihui",
        "jumin",
        "admin",
    ):
        assert username in text and User.objects.filter(username=username).exists()
    dwellings = Dwelling.objects.count()
    again = io.StringIO()
    call_command("demo_setup", "--scale", "0.02", stdout=again)
    assert "reusing" in again.getvalue()
    assert Dwelling.objects.count() == dwellings and User.objects.count() == 11
    resident = User.objects.get(username="jumin")
    home = Dwelling.objects.visible_to(resident).get()
    assert home.residencies.filter(person__ownerships__ownership__dwelling=home).exists()


@pytest.mark.django_db
def test_the_demo_programme_stands_where_the_report_stood():
    """Year one handed over, year two all under construction, years three and four in their
    needs survey; the reservoir park is an item of Hongdu District 6; Siji is expropriated."""
    from xinju.expropriation.models import ExpropriationProject
    from xinju.renewal.models import ProjectItem, Stage
    from xinju.renewal.rules import rolled_up_progress

    Generator(scale=0.05).run()
    stages = {
        b.year: set(Project.objects.filter(batch=b).values_list("stage", flat=True))
        for b in Batch.objects.order_by("year")
    }
    first = min(stages)
    assert stages == {
        first: {Stage.HANDOVER},
        first + 1: {Stage.CONSTRUCTION},
        first + 2: {Stage.SURVEY},
        first + 3: {Stage.SURVEY},
    }
    park = ProjectItem.objects.get(description__contains="洪都儿童飞行乐园")
    assert park.project.estate.name == spec.HONGDU_6.name
    siji = Estate.objects.get(name=spec.SIJI.name)
    assert ExpropriationProject.objects.filter(estates=siji).exists()
    assert not Project.objects.filter(estate=siji).exists()
    # Each project's progress is its items' roll-up, as the services would compute it.
    for project in Project.objects.filter(stage=Stage.CONSTRUCTION)[:5]:
        items = project.items.values_list("budget", "percent")
        assert project.progress == rolled_up_progress(items) and 0 < project.progress < 100
    assert all(p.progress == 100 for p in Project.objects.filter(stage=Stage.HANDOVER))
