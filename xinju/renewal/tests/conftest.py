"""Fixtures of the renewal tests: a batch, projects in every stage, the seeded catalog, a
designer, compounds with exactly the households a test needs, and real images."""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from xinju.accounts.models import Role, ScopeKind
from xinju.accounts.scope import forget
from xinju.areas.models import Estate
from xinju.core.testing import factories as f
from xinju.orgs.models import OrgKind
from xinju.renewal import services
from xinju.renewal.models import STAGE_ORDER, Batch, CatalogItem, Project, Stage

# The budgets of the two items every project past its survey holds (see `make_project`).
SEWERS_BUDGET = Decimal("300000.00")
PLAY_AREA_BUDGET = Decimal("100000.00")
STEP = dt.timedelta(days=5)


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def hq(world: Any) -> Any:
    return world.users["hq"][0]


@pytest.fixture
def batch(world: Any, hq: Any) -> Batch:
    return services.open_batch(
        actor=hq, district=world.district, year=2024, target_households=1000, name="2024 batch"
    )


@pytest.fixture
def catalog(db: Any) -> dict[str, CatalogItem]:
    """The catalog as migration 0002 seeds it, by code."""
    return {item.code: item for item in CatalogItem.objects.all()}


@pytest.fixture
def designer(db: Any) -> Any:
    return f.OrganizationFactory(kind=OrgKind.DESIGNER, name="南昌市规划设计研究院")


@pytest.fixture
def compound(world: Any) -> Callable[..., Estate]:
    """compound(households, built_year=..., community=...) → a compound with exactly that many
    dwellings (one building, one entrance)."""

    def make(households: int, *, built_year: int = 1995, community: Any = None) -> Estate:
        estate = f.EstateFactory(community=community or world.c1, built_year=built_year)
        entrance = f.EntranceFactory(building=f.BuildingFactory(estate=estate))
        f.DwellingFactory.create_batch(households, entrance=entrance)
        return estate

    return make


@pytest.fixture
def report(hq: Any) -> Callable[..., Any]:
    """report(project, {item: percent}, on=date) → a progress report by headquarters."""

    def send(project: Project, percents: dict[Any, Any], *, on: dt.date, **kwargs: Any) -> Any:
        kwargs.setdefault("actor", hq)
        return services.report_progress(
            project=project,
            reported_on=on,
            percents={item.pk: value for item, value in percents.items()},
            client_id=kwargs.pop("client_id", None) or uuid.uuid4(),
            **kwargs,
        )

    return send


@pytest.fixture
def make_ready(world: Any, hq: Any, designer: Any, catalog: Any, report: Any) -> Callable:
    """make_ready(project, to_stage, on=date) fulfils what the project needs to enter that
    stage: a designer and items for publicity, the contractor for construction, every item at
    100% (reported on `on`) for acceptance."""

    def ready(project: Project, to_stage: str, *, on: dt.date) -> Project:
        project = Project.objects.get(pk=project.pk)
        if to_stage == Stage.PUBLICITY:
            if project.designer_id is None:
                services.assign_organisations(
                    actor=hq, project=project, designer=designer, contractor=project.contractor
                )
            if not project.items.exists():
                services.add_item(
                    actor=hq,
                    project=project,
                    catalog_item=catalog["sewers"],
                    quantity="1.20",
                    budget=SEWERS_BUDGET,
                )
                services.add_item(
                    actor=hq,
                    project=project,
                    catalog_item=catalog["play-area"],
                    quantity="200",
                    budget=PLAY_AREA_BUDGET,
                )
        if to_stage == Stage.CONSTRUCTION and project.contractor_id is None:
            services.assign_organisations(
                actor=hq, project=project, designer=project.designer, contractor=world.contractor
            )
        if to_stage == Stage.ACCEPTANCE and project.progress < 100:
            report(project, dict.fromkeys(project.items.all(), 100), on=on)
        return Project.objects.get(pk=project.pk)

    return ready


@pytest.fixture
def make_project(world: Any, hq: Any, batch: Batch, make_ready: Any, today: dt.date) -> Callable:
    """make_project(stage, estate=...) → a project of the batch brought to that stage by the
    services, one move every five days, the last well before today. Only what the moves on
    the way need is set: a project in design has neither designer nor items yet, one in
    tender no contractor, one in construction is at 0%."""

    def make(stage: str = Stage.SURVEY, *, estate: Estate | None = None) -> Project:
        project = services.add_estate(actor=hq, batch=batch, estate=estate or world.e1)
        day = today - STEP * 20
        for step in STAGE_ORDER[1 : STAGE_ORDER.index(stage) + 1]:
            project = make_ready(project, step, on=day)
            day += STEP
            project = services.move_stage(actor=hq, project=project, to_stage=step, on=day)
        return Project.objects.get(pk=project.pk)

    return make


@pytest.fixture
def project(make_project: Any) -> Project:
    """A project in its needs survey: the renewal of e1."""
    return make_project(Stage.SURVEY)


@pytest.fixture
def building_project(make_project: Any) -> Project:
    """A project of e1 under construction: contractor `world.contractor`, two items
    (sewers 300,000 yuan, play area 100,000 yuan), both at 0%."""
    return make_project(Stage.CONSTRUCTION)


@pytest.fixture
def member(db: Any) -> Callable[..., Any]:
    """member(role, kind, scope_id) → a fresh user holding that one assignment."""

    def make(role: str, kind: str, scope_id: int) -> Any:
        user = f.UserFactory()
        f.RoleAssignmentFactory(user=user, role=role, scope_kind=kind, scope_id=scope_id)
        forget(user)
        return user

    return make


@pytest.fixture
def other_contractor(member: Any) -> Any:
    """Staff of a contractor that builds none of the projects."""
    company = f.OrganizationFactory(kind=OrgKind.CONTRACTOR, name="别家建设有限公司")
    return member(Role.CONTRACTOR, ScopeKind.ORGANIZATION, company.pk)


def _jpeg_bytes(size: tuple[int, int] = (2400, 1200), *, exif: Any = None) -> bytes:
    image = Image.new("RGB", size, (180, 120, 60))
    for x in range(0, size[0], 50):  # some detail, so resizing has something to do
        image.paste((30, 90, 200), (x, 0, x + 10, size[1]))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


@pytest.fixture
def jpeg() -> Callable[..., SimpleUploadedFile]:
    """jpeg(size=(w, h), name=..., exif=...) → an uploaded JPEG made in memory."""

    def make(
        size: tuple[int, int] = (2400, 1200), *, name: str = "photo.jpg", exif: Any = None
    ) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, _jpeg_bytes(size, exif=exif), content_type="image/jpeg")

    return make


@pytest.fixture
def noise_png() -> Callable[..., SimpleUploadedFile]:
    """noise_png(side) → a PNG of random pixels: about 3 × side² bytes, as it hardly packs."""

    def make(side: int = 800) -> SimpleUploadedFile:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = io.BytesIO()
        image.save(out, "PNG")
        return SimpleUploadedFile("noise.png", out.getvalue(), content_type="image/png")

    return make


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
