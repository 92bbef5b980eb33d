"""The renewal programme: the item catalog, annual batches, one project per compound, its items,
funding, stages, progress reports and photos (renewal.md).

Who sees what: a project is seen by whoever sees its compound (the area tree), by the
supervisors assigned to it and by the staff of its contractor (resolvers in `scoping.py`).
Batches are the district's plan: whoever sees the district sees its batches. The catalog and
its categories are reference data for every signed-in user.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinju.accounts.models import ScopeKind
from xinju.areas.models import Building, District, Estate
from xinju.areas.scoping import restrict
from xinju.core.models import AppendOnlyModel, AppendOnlyQuerySet

ZERO = Decimal("0.00")
HUNDRED = Decimal("100.00")


class Unit(models.TextChoices):
    """Units of measure of catalog items; indicators add quantities of one unit only."""

    METRE = "m", _("m")
    SQUARE_METRE = "m2", _("m²")
    KILOMETRE = "km", _("km")
    UNIT = "unit", pgettext_lazy("quantity", "unit")
    LIFT = "lift", _("lift")
    SPACE = "space", _("parking space")
    BUILDING = "building", pgettext_lazy("quantity", "building")
    SET = "set", _("set")


class Indicator(models.TextChoices):
    """The physical indicators headquarters reports (renewal.md), each in one unit."""

    PIPELINES = "pipelines", _("Pipelines renewed (km)")
    LIFTS = "lifts", _("Lifts added")
    PARKING = "parking", _("Parking spaces")
    CHARGING = "charging", _("Charging points")
    FACILITIES = "facilities", _("Service facilities")
    LEISURE = "leisure", _("Leisure space (m²)")


# The unit each indicator is counted in: an item feeding an indicator must use it.
INDICATOR_UNITS: dict[str, str] = {
    Indicator.PIPELINES: Unit.KILOMETRE,
    Indicator.LIFTS: Unit.LIFT,
    Indicator.PARKING: Unit.SPACE,
    Indicator.CHARGING: Unit.UNIT,
    Indicator.FACILITIES: Unit.UNIT,
    Indicator.LEISURE: Unit.SQUARE_METRE,
}


class ReferenceQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ReferenceQuerySet:
        """Reference data: every signed-in user reads the catalog."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()


class Category(models.Model):
    """A category of works: basic, improvement, upgrade (and safety where a city adds it).
    Data, not code: the list is kept in the admin."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("item category")
        verbose_name_plural = _("item categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CatalogItem(models.Model):
    """A kind of work a project may contain, with the unit its quantities are counted in."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    indicator = models.CharField(
        _("indicator"), max_length=12, choices=Indicator.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        ordering = ["category__order", "order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        wanted = INDICATOR_UNITS.get(self.indicator)
        if wanted and self.unit != wanted:
            raise ValidationError(
                {
                    "unit": _("The indicator “%(indicator)s” is counted in %(unit)s.")
                    % {
                        "indicator": Indicator(self.indicator).label,
                        "unit": Unit(wanted).label,
                    }
                }
            )


class BatchQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> BatchQuerySet:
        """A batch is its district's plan: seen by whoever sees the district."""
        return self.filter(district__in=District.objects.visible_to(user).values("pk"))


class Batch(models.Model):
    """A year's renewal plan in a district: its targets and the consent rule its surveys use."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="batches"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=100)
    target_estates = models.PositiveIntegerField(
        _("target compounds"), null=True, blank=True, help_text=_("Leave empty if not set.")
    )
    target_households = models.PositiveIntegerField(_("target households"))
    consent_numerator = models.PositiveSmallIntegerField(_("consent share, numerator"), default=2)
    consent_denominator = models.PositiveSmallIntegerField(
        _("consent share, denominator"), default=3
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual batch")
        verbose_name_plural = _("annual batches")
        ordering = ["district", "year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_batch_per_year"),
            models.CheckConstraint(
                condition=Q(consent_numerator__gt=0)
                & Q(consent_numerator__lte=models.F("consent_denominator")),
                name="batch_consent_share_valid",
            ),
            models.CheckConstraint(
                condition=Q(target_households__gt=0), name="batch_target_households_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.district_id

    def as_audit(self) -> dict[str, Any]:
        return {
            "district": self.district_id,
            "year": self.year,
            "name": self.name,
            "target_estates": self.target_estates,
            "target_households": self.target_households,
            "consent": f"{self.consent_numerator}/{self.consent_denominator}",
        }


class Stage(models.TextChoices):
    """A project's stages, in order (renewal.md)."""

    SURVEY = "survey", _("Needs survey")
    DESIGN = "design", _("Design")
    PUBLICITY = "publicity", _("Design publicity")
    TENDER = "tender", _("Tender")
    CONSTRUCTION = "construction", _("Construction")
    ACCEPTANCE = "acceptance", _("Completion acceptance")
    HANDOVER = "handover", _("Handed over")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
# Works started (开工) once construction began; completed (完工) once construction ended.
STARTED_STAGES = (Stage.CONSTRUCTION, Stage.ACCEPTANCE, Stage.HANDOVER)
COMPLETED_STAGES = (Stage.ACCEPTANCE, Stage.HANDOVER)

# The moves a project may make. Forward one stage at a time; back only where the process
# sends it back: objections in the publicity period return the design, a failed acceptance
# returns the works.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.SURVEY: frozenset({Stage.DESIGN}),
    Stage.DESIGN: frozenset({Stage.PUBLICITY}),
    Stage.PUBLICITY: frozenset({Stage.TENDER, Stage.DESIGN}),
    Stage.TENDER: frozenset({Stage.CONSTRUCTION}),
    Stage.CONSTRUCTION: frozenset({Stage.ACCEPTANCE}),
    Stage.ACCEPTANCE: frozenset({Stage.HANDOVER, Stage.CONSTRUCTION}),
    Stage.HANDOVER: frozenset(),
}


def _grid_estates(ids: frozenset[int]) -> Q:
    return Q(estate_id__in=Building.objects.filter(grid_id__in=ids).values("estate_id"))


def _dwelling_estates(ids: frozenset[int]) -> Q:
    from xinju.areas.models import Dwelling

    return Q(estate_id__in=Dwelling.objects.filter(pk__in=ids).values("estate_id"))


class ProjectQuerySet(models.QuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: "batch__district_id",
        ScopeKind.SUBDISTRICT: "estate__community__subdistrict_id",
        ScopeKind.COMMUNITY: "estate__community_id",
        ScopeKind.GRID: _grid_estates,
        ScopeKind.ESTATE: "estate_id",
        ScopeKind.DWELLING: _dwelling_estates,
    }

    def visible_to(self, user: Any, *, roles: Any = None) -> ProjectQuerySet:
        """Projects of the compounds the user sees, and those of their project or company."""
        return restrict(self, user, self.SCOPE_PATHS, roles=roles, estate_path="estate_id")

    def started(self) -> ProjectQuerySet:
        return self.filter(stage__in=STARTED_STAGES)

    def completed(self) -> ProjectQuerySet:
        return self.filter(stage__in=COMPLETED_STAGES)


class Project(models.Model):
    """The renewal of one compound in one batch. A compound is renewed by one project.

    `households`, `residents`, `buildings` and `floor_area` are the compound's figures when it
    joined the batch: what the programme counts as benefited. `progress` is the construction
    progress rolled up from the items by budget (see `rules.rolled_up_progress`).
    """

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="projects"
    )
    estate = models.OneToOneField(
        Estate,
        verbose_name=_("compound"),
        on_delete=models.PROTECT,
        related_name="renewal_project",
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.SURVEY, db_index=True
    )
    designer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("designer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designed_projects",
    )
    contractor = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("contractor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="built_projects",
    )
    households = models.PositiveIntegerField(_("households"))
    residents = models.PositiveIntegerField(_("residents"))
    buildings = models.PositiveIntegerField(_("buildings"))
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=12, decimal_places=2)
    late_built = models.BooleanField(
        _("built 2001–2005"),
        default=False,
        help_text=_(
            "Counts against the batch's cap on compounds built 2001–2005: fifteen per cent of "
            "its households."
        ),
    )
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=ZERO)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("renewal project")
        verbose_name_plural = _("renewal projects")
        ordering = ["batch__year", "estate__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="project_progress_percent",
            ),
        ]
        indexes = [models.Index(fields=["batch", "stage"], name="project_batch_stage")]

    def __str__(self) -> str:
        return str(_("Renewal of %(estate)s") % {"estate": self.estate.name})

    @property
    def audit_district_id(self) -> int:
        return self.batch.district_id

    @property
    def is_started(self) -> bool:
        return self.stage in STARTED_STAGES

    @property
    def is_completed(self) -> bool:
        return self.stage in COMPLETED_STAGES

    def as_audit(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id,
            "estate": self.estate_id,
            "stage": self.stage,
            "designer": self.designer_id,
            "contractor": self.contractor_id,
            "households": self.households,
            "residents": self.residents,
            "progress": str(self.progress),
        }


class ProjectPartQuerySet(models.QuerySet):
    """Rows that belong to a project are seen by whoever sees the project. `PROJECT_PATH` is
    the lookup from the row to its project (other apps' rows of a project reuse this)."""

    PROJECT_PATH = "project"

    def visible_to(self, user: Any) -> ProjectPartQuerySet:
        return self.filter(
            **{f"{self.PROJECT_PATH}__in": Project.objects.visible_to(user).values("pk")}
        )


class ProjectPart:
    """A row of a project: its audit events belong to the project's district."""

    project: Project

    @property
    def audit_district_id(self) -> int:
        return self.project.audit_district_id


class ProjectStage(models.Model):
    """A stage of a project with its planned and actual dates: the project's timeline."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stages"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="one_row_per_stage"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="stage_planned_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="stage_actual_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage}"

    @property
    def position(self) -> int:
        return STAGE_ORDER.index(self.stage)


class ProjectRecordQuerySet(AppendOnlyQuerySet, ProjectPartQuerySet):
    """Append-only rows of a project (moves, reports), seen by whoever sees the project."""


class StageMove(AppendOnlyModel):
    """One move of a project from stage to stage, kept for the timeline."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="moves"
    )
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    moved_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ProjectRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage move")
        verbose_name_plural = _("stage moves")
        ordering = ["moved_on", "created_at"]


class ProjectItem(ProjectPart, models.Model):
    """A work of the project: a catalog item with its quantity, budget and latest progress."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="items"
    )
    catalog_item = models.ForeignKey(
        CatalogItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    percent = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=ZERO)
    percent_on = models.DateField(_("progress as of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("project item")
        verbose_name_plural = _("project items")
        ordering = ["project", "catalog_item__category__order", "catalog_item__order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="item_quantity_positive"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="item_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="item_percent_range"
            ),
            models.UniqueConstraint(
                fields=["project", "catalog_item", "description"], name="unique_project_item"
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.catalog_item.name

    def as_audit(self) -> dict[str, Any]:
        return {
            "project": self.project_id,
            "item": self.catalog_item_id,
            "description": self.description,
            "quantity": str(self.quantity),
            "budget": str(self.budget),
            "percent": str(self.percent),
        }


class FundingSource(models.TextChoices):
    """Who pays (renewal.md): government, residents, society."""

    CENTRAL = "central", _("Central subsidy")
    PROVINCIAL = "provincial", _("Provincial funds")
    MUNICIPAL = "municipal", _("Municipal funds")
    DISTRICT = "district", _("District funds")
    BONDS = "bonds", _("Special bonds")
    RESIDENTS = "residents", _("Residents' payment")
    MAINTENANCE_FUND = "maintenance_fund", _("Maintenance fund")
    COMMON_INCOME = "common_income", _("Compound's common income")
    DONATIONS = "donations", _("Donations")
    SOCIAL_CAPITAL = "social_capital", _("Social capital")
    UTILITIES = "utilities", _("Utility companies")
    ENTERPRISES = "enterprises", _("Enterprises")


class FunderGroup(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    RESIDENTS = "residents", _("Residents")
    SOCIETY = "society", _("Society")


FUNDER_GROUPS: dict[str, str] = {
    FundingSource.CENTRAL: FunderGroup.GOVERNMENT,
    FundingSource.PROVINCIAL: FunderGroup.GOVERNMENT,
    FundingSource.MUNICIPAL: FunderGroup.GOVERNMENT,
    FundingSource.DISTRICT: FunderGroup.GOVERNMENT,
    FundingSource.BONDS: FunderGroup.GOVERNMENT,
    FundingSource.RESIDENTS: FunderGroup.RESIDENTS,
    FundingSource.MAINTENANCE_FUND: FunderGroup.RESIDENTS,
    FundingSource.COMMON_INCOME: FunderGroup.RESIDENTS,
    FundingSource.DONATIONS: FunderGroup.SOCIETY,
    FundingSource.SOCIAL_CAPITAL: FunderGroup.SOCIETY,
    FundingSource.UTILITIES: FunderGroup.SOCIETY,
    FundingSource.ENTERPRISES: FunderGroup.SOCIETY,
}


class FundingStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    RECEIVED = "received", _("Received")
    SPENT = "spent", _("Spent")


FUNDING_TRANSITIONS: dict[str, frozenset[str]] = {
    FundingStatus.COMMITTED: frozenset({FundingStatus.RECEIVED}),
    FundingStatus.RECEIVED: frozenset({FundingStatus.SPENT}),
    FundingStatus.SPENT: frozenset(),
}


class FundingLine(ProjectPart, models.Model):
    """An amount from one source for one project, with how far it has come."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding"
    )
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FundingStatus.choices,
        default=FundingStatus.COMMITTED,
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    # The form's id: the same form sent twice (a double click) is one line.
    client_id = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"

    def as_audit(self) -> dict[str, Any]:
        return {
            "project": self.project_id,
            "source": self.source,
            "amount": str(self.amount),
            "status": self.status,
        }


class ProgressReport(ProjectPart, AppendOnlyModel):
    """A dated report of the works: a percentage per item and a note. Never changed; a later
    report supersedes it. `client_id` makes a resent report the same report."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    progress = models.DecimalField(
        _("progress after this report (%)"), max_digits=5, decimal_places=2
    )
    client_id = models.UUIDField(_("client id"), unique=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ProjectRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.progress}%"


class ProgressEntryQuerySet(AppendOnlyQuerySet, ProjectPartQuerySet):
    PROJECT_PATH = "report__project"


class ProgressEntry(AppendOnlyModel):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="entries"
    )
    item = models.ForeignKey(
        ProjectItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="entries"
    )
    percent = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )

    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="one_entry_per_item"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="entry_percent_range"
            ),
        ]


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("Before")
    PROGRESS = "progress", _("During the works")
    AFTER = "after", _("After")


class ProjectPhoto(ProjectPart, models.Model):
    """A photo of the compound before, during or after the works. The same image sent twice
    to a project is one photo (`sha256`)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PhotoKind.choices)
    image = models.ImageField(_("image"), upload_to="renewal/photos/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="renewal/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    spot = models.CharField(
        _("spot"),
        max_length=100,
        blank=True,
        help_text=_("Where it was taken; a before and an after photo of one spot pair up."),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("project photo")
        verbose_name_plural = _("project photos")
        ordering = ["project", "kind", "spot", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sha256"], name="one_photo_per_image"),
        ]

    def __str__(self) -> str:
        return self.caption or self.image.name
