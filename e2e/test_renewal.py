"""Running the renewal programme in a browser, on the small world: headquarters opens a
batch, adds a compound (and is told why another cannot join), plans it, moves it up to
construction and reports progress; the compound's file and the public page follow. The move
form offers only the moves the process allows and refuses a date in the future."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone, translation
from playwright.sync_api import Locator, Page, expect

from xinju.core.testing import factories as f
from xinju.core.testing.world import World
from xinju.orgs.models import OrgKind
from xinju.people.models import Person
from xinju.renewal import services
from xinju.renewal.models import TRANSITIONS, Batch, CatalogItem, Project, ProjectItem, Stage

pytestmark = pytest.mark.browser


def zh(message: str) -> str:
    """The Chinese text of a message id — itself while the catalogue lacks it, so the tests
    follow the translation as it grows instead of hard-coding either language."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def stage_label(stage: str) -> str:
    with translation.override("zh-hans"):
        return str(Stage(stage).label)


@pytest.fixture
def catalog(transactional_db: None) -> None:
    """The item catalog comes from a data migration, and the flush after every transactional
    test empties it; the migration's own function puts it back (get_or_create: idempotent)."""
    importlib.import_module("xinju.renewal.migrations.0002_seed_catalog").seed(apps, None)


def alert(page: Page, kind: str) -> Locator:
    """The page's message of that kind: success or danger (Bootstrap's alert classes)."""
    return page.locator(f".alert-{kind}")


def submit(page: Page, form: Locator, button: str) -> None:
    """Press the form's button and wait for the page it leads to (post, redirect, get)."""
    with page.expect_navigation():
        form.get_by_role("button", name=button, exact=True).click()


def move(page: Page, to_stage: str, on: dt.date) -> None:
    form = page.locator("#move-form")
    form.locator("select[name=to_stage]").select_option(to_stage)
    form.locator("input[name=on]").fill(on.isoformat())
    submit(page, form, zh("Move"))
    expect(alert(page, "success")).to_contain_text(zh("The project moved on."))
    expect(page.locator("#project-stage")).to_have_text(stage_label(to_stage))


def offered_moves(page: Page) -> list[str]:
    return page.locator("#move-form select[name=to_stage] option").evaluate_all(
        "options => options.map(o => o.value)"
    )


def test_headquarters_takes_a_compound_from_a_new_batch_to_construction_and_the_public_sees_it(
    page: Page, open_page: Any, sign_in: Any, world: World, catalog: None
) -> None:
    today = timezone.localdate()
    hongke = world.e1
    # A compound built in 2010: too new for the programme.
    young = f.EstateFactory(community=world.c1, name="洪科新苑", built_year=2010)
    building = f.BuildingFactory(estate=young, grid=world.g1, number="1")
    f.DwellingFactory(entrance=f.EntranceFactory(building=building, number="1"))
    designer = f.OrganizationFactory(kind=OrgKind.DESIGNER, name="测试规划设计研究院")
    contractor = world.contractor
    work = CatalogItem.objects.get(code="rain-sewage-separation")

    sign_in(page, world.users["hq"][0])

    # The programme page: no batch yet; the form to open one waits folded in a <details>.
    page.goto("/renewal/")
    expect(page.locator("h1")).to_have_text(zh("Renewal programme"))
    opening = page.locator("#open-batch")
    form = opening.locator("form")
    expect(form).to_be_hidden()
    opening.locator("summary").click()
    form.locator("input[name=year]").fill(str(today.year))
    form.locator("input[name=target_estates]").fill("2")
    form.locator("input[name=target_households]").fill("100")
    submit(page, form, zh("Open the batch"))
    batch = Batch.objects.get(district=world.district, year=today.year)
    expect(page).to_have_url(re.compile(rf"/renewal/batches/{batch.pk}/$"))
    expect(alert(page, "success")).to_contain_text(zh("The batch is open. Add its compounds."))
    with translation.override("zh-hans"):
        name = translation.gettext("%(year)s renewal batch") % {"year": today.year}
    expect(page.locator("h1")).to_contain_text(name)

    # 洪科小区 joins by its code; the compound built in 2010 is refused, with the reason.
    adding = page.locator("#add-estate")
    adding.locator("input[name=estate]").fill(hongke.code)
    submit(page, adding, zh("Add to the batch"))
    expect(alert(page, "success")).to_contain_text(
        zh("%(estate)s joined the batch with %(households)s households.")
        % {"estate": hongke.name, "households": 8}
    )
    adding.locator("input[name=estate]").fill(young.code)
    submit(page, adding, zh("Add to the batch"))
    refusal = zh(
        "%(estate)s was built in %(year)s: only compounds built up to the end of 2005 "
        "can be renewed."
    ) % {"estate": young.name, "year": 2010}
    expect(alert(page, "danger")).to_contain_text(f"{zh('Compound code or name')}: {refusal}")
    rows = page.locator("#projects tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(hongke.name)
    assert not Project.objects.filter(estate=young).exists()

    # The project: in its needs survey, with nothing planned yet.
    rows.get_by_role("link", name=hongke.name).click()
    project = Project.objects.get(estate=hongke)
    expect(page).to_have_url(re.compile(rf"/renewal/projects/{project.pk}/$"))
    expect(page.locator("#project-stage")).to_have_text(stage_label(Stage.SURVEY))

    # An item of the catalog, then the designer and the contractor.
    items = page.locator("#item-form")
    items.locator("select[name=catalog_item]").select_option(str(work.pk))
    items.locator("input[name=quantity]").fill("1.2")
    items.locator("input[name=budget]").fill("360000")
    submit(page, items, zh("Add"))
    expect(alert(page, "success")).to_contain_text(zh("The item is added."))
    expect(page.locator("#item-table tbody")).to_contain_text(work.name)

    orgs = page.locator("#organisations form")
    orgs.locator("select[name=designer]").select_option(label=designer.name)
    orgs.locator("select[name=contractor]").select_option(label=contractor.name)
    submit(page, orgs, zh("Save"))
    expect(alert(page, "success")).to_contain_text(zh("Designer and contractor are saved."))
    expect(page.locator("#organisations p")).to_contain_text(designer.name)
    expect(page.locator("#organisations p")).to_contain_text(contractor.name)

    # Stage by stage up to construction.
    for stage in (Stage.DESIGN, Stage.PUBLICITY, Stage.TENDER, Stage.CONSTRUCTION):
        move(page, stage, today)
    expect(page.locator('#timeline-stages li.current[data-stage="construction"]')).to_have_count(1)

    # Construction: the progress form appears. Half the works are done.
    item = ProjectItem.objects.get(project=project)
    report = page.locator("#report-form")
    report.locator("input[name=reported_on]").fill(today.isoformat())
    report.locator(f"input[name=item-{item.pk}]").fill("50")
    submit(page, report, zh("Send the report"))
    expect(alert(page, "success")).to_contain_text(zh("The progress report is recorded."))
    overall = page.locator("#item-table tfoot .progress-bar")
    expect(overall).to_have_text("50%")
    expect(overall).to_have_attribute("style", re.compile(r"width: 50(\.0+)?%"))
    expect(page.locator("#project-progress")).to_have_text(re.compile(r"^50(\.0+)?%$"))
    expect(page.locator("#progress")).to_contain_text(work.name)

    # The compound's file, renewal tab: the stage and the progress.
    page.goto(f"/register/compounds/{hongke.pk}/?tab=renewal")
    tab = page.locator("#renewal-tab")
    expect(tab.locator(".badge.stage-construction")).to_have_text(stage_label(Stage.CONSTRUCTION))
    expect(tab.locator(".progress-bar").first).to_have_text("50%")
    expect(tab.locator('li.current[data-stage="construction"]')).to_have_count(1)
    expect(tab.locator("#item-table")).to_contain_text(work.name)

    # The public page, signed out: the compound, its stage and works, no person's numbers.
    public = open_page("public")
    public.goto("/gongshi/")
    expect(public).to_have_url(re.compile(r"/gongshi/$"))  # not sent to the login page
    row = public.locator("#public-projects tbody tr", has_text=hongke.name)
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text(stage_label(Stage.CONSTRUCTION))
    expect(row).to_contain_text(work.name)
    expect(row.locator(".progress-bar")).to_have_text("50%")
    expect(public.locator("#public-projects")).not_to_contain_text(young.name)
    # The compound's public page, in a second signed-out window (each keeps its screenshot).
    link = row.get_by_role("link", name=hongke.name)
    expect(link).to_have_attribute("href", f"/gongshi/{project.pk}/")
    detail = open_page("public-project")
    detail.goto(f"/gongshi/{project.pk}/")
    expect(detail.locator("h1")).to_contain_text(hongke.name)
    expect(detail.locator("h1 .badge")).to_have_text(stage_label(Stage.CONSTRUCTION))
    pages = [public.content(), detail.content()]
    people = list(Person.objects.values_list("id_number", "phone"))
    assert len(people) == 40  # the world's two people in each of its twenty dwellings
    for html in pages:
        leaked = [n for pair in people for n in pair if n and n in html]
        assert not leaked, f"the public page shows personal numbers: {leaked}"


def test_the_move_form_offers_only_the_allowed_moves_and_refuses_a_future_date(
    page: Page, sign_in: Any, world: World, catalog: None
) -> None:
    today = timezone.localdate()
    hq = world.users["hq"][0]
    batch = services.open_batch(
        actor=hq, district=world.district, year=today.year, target_households=100
    )
    project = services.add_estate(actor=hq, batch=batch, estate=world.e1)
    url = f"/renewal/projects/{project.pk}/"

    sign_in(page, hq)
    page.goto(url)
    expect(page.locator("#project-stage")).to_have_text(stage_label(Stage.SURVEY))
    assert offered_moves(page) == [Stage.DESIGN]
    # The date starts at today, so a move made on the day needs no date typed. (A date input
    # takes only an ISO value: "2026/11/25", Chinese's own format, would leave it empty.)
    expect(page.locator("#move-form input[name=on]")).to_have_value(today.isoformat())

    # A date in the future: refused, and the message names the date field.
    tomorrow = today + dt.timedelta(days=1)
    form = page.locator("#move-form")
    form.locator("select[name=to_stage]").select_option(Stage.DESIGN)
    form.locator("input[name=on]").fill(tomorrow.isoformat())
    submit(page, form, zh("Move"))
    expect(alert(page, "danger")).to_have_text(
        f"{zh('On')}: {zh('The date cannot be in the future.')}"
    )
    expect(page.locator("#project-stage")).to_have_text(stage_label(Stage.SURVEY))

    # A move the select does not offer, forced into it by hand: the server refuses it too.
    form.locator("select[name=to_stage]").evaluate(
        "(select, value) => { select.add(new Option(value, value)); select.value = value; }",
        Stage.CONSTRUCTION,
    )
    form.locator("input[name=on]").fill(today.isoformat())
    submit(page, form, zh("Move"))
    with translation.override("zh-hans"):
        refusal = translation.gettext("A project in “%(from)s” cannot move to “%(to)s”.") % {
            "from": stage_label(Stage.SURVEY),
            "to": stage_label(Stage.CONSTRUCTION),
        }
    expect(alert(page, "danger")).to_have_text(refusal)
    project.refresh_from_db()
    assert project.stage == Stage.SURVEY

    # Along the whole process, the select offers exactly the moves the process allows.
    move(page, Stage.DESIGN, today)
    assert offered_moves(page) == [Stage.PUBLICITY]
    designer = f.OrganizationFactory(kind=OrgKind.DESIGNER, name="测试规划设计研究院")
    services.assign_organisations(
        actor=hq, project=project, designer=designer, contractor=world.contractor
    )
    services.add_item(
        actor=hq,
        project=project,
        catalog_item=CatalogItem.objects.get(code="roads"),
        quantity="800",
        budget="120000",
    )
    steps = [Stage.PUBLICITY, Stage.TENDER, Stage.CONSTRUCTION, Stage.ACCEPTANCE]
    for stage in steps:
        if stage == Stage.ACCEPTANCE:
            item = ProjectItem.objects.get(project=project)
            services.report_progress(
                actor=hq, project=project, reported_on=today, percents={item.pk: "100"}
            )
        project.refresh_from_db()
        services.move_stage(actor=hq, project=project, to_stage=stage, on=today)
        page.goto(url)
        expect(page.locator("#project-stage")).to_have_text(stage_label(stage))
        assert set(offered_moves(page)) == set(TRANSITIONS[stage]), stage
        if stage == Stage.CONSTRUCTION:  # the progress report's date starts at today too
            expect(page.locator("#report-form input[name=reported_on]")).to_have_value(
                today.isoformat()
            )
    project.refresh_from_db()
    services.move_stage(actor=hq, project=project, to_stage=Stage.HANDOVER, on=today)
    page.goto(url)
    expect(page.locator("#project-stage")).to_have_text(stage_label(Stage.HANDOVER))
    expect(page.locator("#move-form")).to_have_count(0)  # the last stage: nowhere to go
