"""The district register: District → Subdistrict → Community → Grid, and in each community its
compounds (Estate) → Building → Entrance → Dwelling. A building belongs to one grid of its
compound's community. Counting households (户) means counting dwellings.

Every queryset has `visible_to(user)`: rows reached by the union of the user's role
assignments (see `scoping.py`); nothing for anonymous users.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinju.accounts.models import ScopeKind

from .scoping import Path, restrict


def _sub(model_name: str, lookup: str, value: str) -> Any:
    """A path through a reverse relation, as `pk IN (subquery)` so rows are not repeated."""

    def build(ids: frozenset[int]) -> Q:
        model = apps.get_model("areas", model_name)
        return Q(pk__in=model.objects.filter(**{f"{lookup}__in": ids}).values(value))

    return build


def _above(value: str) -> Any:
    """How a model above the compound is reached from a set of compound ids."""

    def build(estate_ids: Any) -> Q:
        estate = apps.get_model("areas", "Estate")
        return Q(pk__in=estate.objects.filter(pk__in=estate_ids).values(value))

    return build


def _estates_where(lookup: str, path: str = "estate_id") -> Any:
    """A path through the compound, as `estate_id IN (compounds where …)`: the compounds are
    few, so the database picks them first instead of joining every dwelling up the tree."""

    def build(ids: frozenset[int]) -> Q:
        estate = apps.get_model("areas", "Estate")
        return Q(**{f"{path}__in": estate.objects.filter(**{f"{lookup}__in": ids}).values("pk")})

    return build


class AreaQuerySet(models.QuerySet):
    SCOPE_PATHS: dict[str, Path] = {}
    # The lookup to the compound's id, or a function of compound ids: how assignments that
    # resolve to compounds (a property company's, a project's) reach this model.
    ESTATE_PATH: Path = None

    def visible_to(self, user: Any, *, roles: Any = None) -> AreaQuerySet:
        """Rows the user's assignments reach (optionally only those of the given roles)."""
        return restrict(self, user, self.SCOPE_PATHS, roles=roles, estate_path=self.ESTATE_PATH)


class DistrictQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: "pk",
        ScopeKind.SUBDISTRICT: "subdistricts",
        ScopeKind.COMMUNITY: "subdistricts__communities",
        ScopeKind.GRID: "subdistricts__communities__grids",
        ScopeKind.ESTATE: "subdistricts__communities__estates",
        ScopeKind.DWELLING: "subdistricts__communities__estates__dwellings",
    }

    ESTATE_PATH = staticmethod(_above("community__subdistrict__district_id"))

    def visible_to(self, user: Any, *, roles: Any = None) -> DistrictQuerySet:
        # Joins through reverse relations repeat the district; there are few districts.
        return super().visible_to(user, roles=roles).distinct()


class District(models.Model):
    code = models.CharField(_("administrative code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    city = models.CharField(_("city"), max_length=64, blank=True)
    province = models.CharField(_("province"), max_length=64, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.pk


class SubdistrictQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: "district_id",
        ScopeKind.SUBDISTRICT: "pk",
        ScopeKind.COMMUNITY: _sub("Community", "pk", "subdistrict_id"),
        ScopeKind.GRID: _sub("Grid", "pk", "community__subdistrict_id"),
        ScopeKind.ESTATE: _sub("Estate", "pk", "community__subdistrict_id"),
        ScopeKind.DWELLING: _sub("Dwelling", "pk", "estate__community__subdistrict_id"),
    }
    ESTATE_PATH = staticmethod(_above("community__subdistrict_id"))


class Subdistrict(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="subdistricts"
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)

    objects = SubdistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unique_subdistrict_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.district_id


class CommunityQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: "subdistrict__district_id",
        ScopeKind.SUBDISTRICT: "subdistrict_id",
        ScopeKind.COMMUNITY: "pk",
        ScopeKind.GRID: _sub("Grid", "pk", "community_id"),
        ScopeKind.ESTATE: _sub("Estate", "pk", "community_id"),
        ScopeKind.DWELLING: _sub("Dwelling", "pk", "estate__community_id"),
    }
    ESTATE_PATH = staticmethod(_above("community_id"))


class Community(models.Model):
    subdistrict = models.ForeignKey(
        Subdistrict,
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="communities",
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "name"], name="unique_community_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.subdistrict.district_id


class GridQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: "community__subdistrict__district_id",
        ScopeKind.SUBDISTRICT: "community__subdistrict_id",
        ScopeKind.COMMUNITY: "community_id",
        ScopeKind.GRID: "pk",
        ScopeKind.ESTATE: _sub("Building", "estate_id", "grid_id"),
        ScopeKind.DWELLING: _sub("Dwelling", "pk", "building__grid_id"),
    }
    ESTATE_PATH = staticmethod(_sub("Building", "estate_id", "grid_id"))


class Grid(models.Model):
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=64)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="unique_grid_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.community.subdistrict.district_id


class EstateKind(models.TextChoices):
    COMMODITY = "commodity", _("Commodity housing")
    STAFF = "staff", _("Staff housing of an enterprise or institution")
    REFORMED = "reformed", _("Housing-reform housing")
    RESETTLEMENT = "resettlement", _("Resettlement housing")
    SCATTERED = "scattered", _("Scattered buildings")


class EstateQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: "community__subdistrict__district_id",
        ScopeKind.SUBDISTRICT: "community__subdistrict_id",
        ScopeKind.COMMUNITY: "community_id",
        ScopeKind.GRID: _sub("Building", "grid_id", "estate_id"),
        ScopeKind.ESTATE: "pk",
        ScopeKind.DWELLING: _sub("Dwelling", "pk", "estate_id"),
    }
    ESTATE_PATH = "pk"


class Estate(models.Model):
    """A compound (小区): the unit that is renewed, governed and served — "one compound, one file"."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="estates"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=255, blank=True)
    built_year = models.PositiveSmallIntegerField(
        _("year built"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("type"), max_length=16, choices=EstateKind.choices)
    is_open = models.BooleanField(
        _("open compound"), default=False, help_text=_("Unfenced, with no single gate.")
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    property_company = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_estates",
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EstateQuerySet.as_manager()

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="unique_estate_name"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="estate_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_district_id(self) -> int:
        return self.community.subdistrict.district_id

    def as_audit(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "community": self.community_id,
            "address": self.address,
            "built_year": self.built_year,
            "kind": self.kind,
            "is_open": self.is_open,
            "latitude": str(self.latitude) if self.latitude is not None else None,
            "longitude": str(self.longitude) if self.longitude is not None else None,
            "property_company": self.property_company_id,
        }


class BuildingQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: _estates_where("community__subdistrict__district_id"),
        ScopeKind.SUBDISTRICT: _estates_where("community__subdistrict_id"),
        ScopeKind.COMMUNITY: _estates_where("community_id"),
        ScopeKind.GRID: "grid_id",
        ScopeKind.ESTATE: "estate_id",
        ScopeKind.DWELLING: _sub("Dwelling", "pk", "building_id"),
    }
    ESTATE_PATH = "estate_id"


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="buildings"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="buildings"
    )
    number = models.CharField(_("building number"), max_length=16)
    floors = models.PositiveSmallIntegerField(
        _("floors"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    built_year = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Only where it differs from the compound's."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="unique_building_number")
        ]

    def __str__(self) -> str:
        return _("%(estate)s building %(number)s") % {
            "estate": self.estate.name,
            "number": self.number,
        }

    @property
    def audit_district_id(self) -> int:
        return self.estate.audit_district_id

    @property
    def label(self) -> str:
        return _("Building %(number)s") % {"number": self.number}


class EntranceQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: _estates_where(
            "community__subdistrict__district_id", "building__estate_id"
        ),
        ScopeKind.SUBDISTRICT: _estates_where("community__subdistrict_id", "building__estate_id"),
        ScopeKind.COMMUNITY: _estates_where("community_id", "building__estate_id"),
        ScopeKind.GRID: "building__grid_id",
        ScopeKind.ESTATE: "building__estate_id",
        ScopeKind.DWELLING: _sub("Dwelling", "pk", "entrance_id"),
    }
    ESTATE_PATH = "building__estate_id"


class Entrance(models.Model):
    """A stairwell (单元) of a building; a lift serves one entrance."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="entrances"
    )
    number = models.CharField(_("entrance number"), max_length=8)

    objects = EntranceQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")
        ordering = ["building_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unique_entrance_number")
        ]

    def __str__(self) -> str:
        return _("Entrance %(number)s") % {"number": self.number}


class AreaSource(models.TextChoices):
    """Where an exclusive area comes from, in the order Interp. art. 8 prefers them."""

    REGISTERED = "registered", _("Real-estate register")
    SURVEYED = "surveyed", _("Surveyed")
    CONTRACT = "contract", _("Sale contract")


class DwellingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    BUSINESS = "business", _("Converted to business use")


class DwellingQuerySet(AreaQuerySet):
    SCOPE_PATHS = {
        ScopeKind.DISTRICT: _estates_where("community__subdistrict__district_id"),
        ScopeKind.SUBDISTRICT: _estates_where("community__subdistrict_id"),
        ScopeKind.COMMUNITY: _estates_where("community_id"),
        ScopeKind.GRID: "building__grid_id",
        ScopeKind.ESTATE: "estate_id",
        ScopeKind.DWELLING: "pk",
    }
    ESTATE_PATH = "estate_id"

    def with_place(self) -> DwellingQuerySet:
        return self.select_related("estate", "building", "entrance")


class Dwelling(models.Model):
    """A unit (户): one exclusive part in the sense of the Civil Code, one household.

    `building` and `estate` repeat what `entrance` implies; they are set by the services that
    create dwellings and never change, and they spare every scoped list two joins.
    """

    entrance = models.ForeignKey(
        Entrance, verbose_name=_("entrance"), on_delete=models.PROTECT, related_name="dwellings"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="dwellings"
    )
    estate = models.ForeignKey(
        Estate, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="dwellings"
    )
    floor = models.SmallIntegerField(_("floor"))
    number = models.CharField(_("unit number"), max_length=16)
    exclusive_area = models.DecimalField(
        _("exclusive area (m²)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    area_source = models.CharField(
        _("source of the area"), max_length=16, choices=AreaSource.choices
    )
    use = models.CharField(
        _("use"), max_length=16, choices=DwellingUse.choices, default=DwellingUse.RESIDENTIAL
    )

    objects = DwellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        ordering = ["building_id", "entrance_id", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entrance", "number"], name="unique_dwelling_number"),
            models.CheckConstraint(
                condition=Q(exclusive_area__gt=0), name="dwelling_area_positive"
            ),
        ]
        indexes = [models.Index(fields=["estate", "building", "entrance", "floor", "number"])]

    def __str__(self) -> str:
        return self.address

    @property
    def audit_district_id(self) -> int:
        return self.estate.audit_district_id

    @property
    def address(self) -> str:
        """洪科小区 10栋 2单元 301 — needs estate, building and entrance loaded (with_place)."""
        return _("%(estate)s bldg %(building)s ent. %(entrance)s no. %(number)s") % {
            "estate": self.estate.name,
            "building": self.building.number,
            "entrance": self.entrance.number,
            "number": self.number,
        }

    def as_audit(self) -> dict[str, Any]:
        return {
            "entrance": self.entrance_id,
            "floor": self.floor,
            "number": self.number,
            "exclusive_area": str(self.exclusive_area),
            "area_source": self.area_source,
            "use": self.use,
        }


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    READING = "reading", _("Checking rows")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: see the problems")
    FAILED = "failed", _("Failed")


IMPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ImportStatus.PENDING: (ImportStatus.READING, ImportStatus.REJECTED, ImportStatus.FAILED),
    ImportStatus.READING: (ImportStatus.WRITING, ImportStatus.REJECTED, ImportStatus.FAILED),
    ImportStatus.WRITING: (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED),
    ImportStatus.DONE: (),
    ImportStatus.REJECTED: (),
    ImportStatus.FAILED: (),
}


class BackgroundJob:
    """What an import and an export have in common: a status moved along TRANSITIONS (by
    the services), a progress count, and the district the audit trail files it under."""

    TRANSITIONS: dict[str, tuple[str, ...]] = {}
    DONE = "done"

    @property
    def finished(self) -> bool:
        return not self.TRANSITIONS[self.status]

    @property
    def percent(self) -> int:
        if self.status == self.DONE:
            return 100
        return min(99, 100 * self.processed_rows // self.total_rows) if self.total_rows else 0

    @property
    def audit_district_id(self) -> int | None:
        """A job belongs to the district its maker works in."""
        from .selectors import home_district_id

        return home_district_id(self.created_by)


class RegisterImportQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RegisterImportQuerySet:
        """A user sees the imports they started; headquarters sees every import."""
        from xinju.accounts.scope import has_role

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if has_role(user, "hq"):
            return self.all()
        return self.filter(created_by=user)


class RegisterImport(BackgroundJob, models.Model):
    """One uploaded register file and what became of it.

    Its status moves only along IMPORT_TRANSITIONS (services enforce it). The uploaded file is
    deleted once the import ends; problems and counts stay.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RegisterImportQuerySet.as_manager()

    TRANSITIONS = IMPORT_TRANSITIONS

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]
        constraints = [
            # The same file sent twice while the first is still running is one import.
            models.UniqueConstraint(
                fields=["created_by", "sha256"],
                condition=Q(status__in=["pending", "reading", "writing"]),
                name="one_running_import_per_file",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Writing the workbook")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


EXPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ExportStatus.PENDING: (ExportStatus.RUNNING, ExportStatus.FAILED),
    ExportStatus.RUNNING: (ExportStatus.DONE, ExportStatus.FAILED),
    ExportStatus.DONE: (),
    ExportStatus.FAILED: (),
}


class RegisterExportQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RegisterExportQuerySet:
        """An export holds personal data as its maker may see it: only its maker reads it."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(created_by=user)


class RegisterExport(BackgroundJob, models.Model):
    """A register export too large to write during the request, written by a task."""

    id = models.UUIDField(primary_key=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    filters_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RegisterExportQuerySet.as_manager()

    TRANSITIONS = EXPORT_TRANSITIONS

    class Meta:
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")
        ordering = ["-created_at"]
        constraints = [
            # A double click asks once: one running export per user and set of filters.
            models.UniqueConstraint(
                fields=["created_by", "filters_hash"],
                condition=Q(status__in=["pending", "running"]),
                name="one_running_export_per_request",
            )
        ]

    def __str__(self) -> str:
        # Labels are stored in the audit trail: local time, as the trail's own times show.
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
