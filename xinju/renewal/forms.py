"""Forms of the renewal pages. They parse; the services decide (and name the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinju.areas.forms import ScopedFilterForm
from xinju.core.forms import NoColonMixin
from xinju.orgs.models import Organization, OrgKind

from . import selectors
from .models import STAGE_ORDER, FundingSource, FundingStatus, Indicator, PhotoKind, Stage

_SELECT = {"class": "form-select form-select-sm"}
_INPUT = {"class": "form-control form-control-sm"}
_DATE = {**_INPUT, "type": "date"}

STATE_CHOICES = [
    ("", _("All")),
    ("not_started", _("Not started")),
    ("started", _("Started")),
    ("under_way", _("Under construction")),
    ("completed", _("Completed")),
]


class ProjectFilterForm(ScopedFilterForm):
    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All")), *Stage.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=STATE_CHOICES, widget=forms.Select(attrs=_SELECT)
    )
    batch = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    source = forms.ChoiceField(
        required=False, choices=[("", ""), *FundingSource.choices], widget=forms.HiddenInput
    )
    indicator = forms.ChoiceField(
        required=False, choices=[("", ""), *Indicator.choices], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        years = sorted({b.year for b in selectors.batches(user)})
        self.fields["year"].choices = [("", _("All")), *((y, str(y)) for y in years)]

    def filters(self) -> selectors.ProjectFilters:
        return selectors.ProjectFilters(**self.cleaned())


class BatchForm(NoColonMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=_INPUT)
    )
    name = forms.CharField(
        label=_("Name"), required=False, max_length=100, widget=forms.TextInput(attrs=_INPUT)
    )
    target_estates = forms.IntegerField(
        label=_("Target compounds"),
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        widget=forms.NumberInput(attrs=_INPUT),
    )
    target_households = forms.IntegerField(
        label=_("Target households"),
        min_value=1,
        max_value=2_147_483_647,
        widget=forms.NumberInput(attrs=_INPUT),
    )
    consent_numerator = forms.IntegerField(
        label=_("Consent needed (numerator)"),
        initial=2,
        min_value=1,
        max_value=32_767,
        widget=forms.NumberInput(attrs=_INPUT),
    )
    consent_denominator = forms.IntegerField(
        label=_("Consent needed (denominator)"),
        initial=3,
        min_value=1,
        max_value=32_767,
        widget=forms.NumberInput(attrs=_INPUT),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**_INPUT, "rows": 2})
    )


class AddEstateForm(NoColonMixin, forms.Form):
    estate = forms.CharField(
        label=_("Compound code or name"),
        max_length=100,
        widget=forms.TextInput(attrs={**_INPUT, "list": "estate-options", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=_INPUT)
    )


class MoveForm(NoColonMixin, forms.Form):
    to_stage = forms.ChoiceField(
        label=_("Move to"), choices=Stage.choices, widget=forms.Select(attrs=_SELECT)
    )
    on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=255, widget=forms.TextInput(attrs=_INPUT)
    )


class PlanForm(NoColonMixin, forms.Form):
    """Planned start and end of every stage."""

    def __init__(self, *args: Any, stages: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for s in STAGE_ORDER:
            row = stages.get(s)
            self.fields[f"{s}-start"] = forms.DateField(
                label=_("Start"),
                required=False,
                initial=row.planned_start if row else None,
                widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
            )
            self.fields[f"{s}-end"] = forms.DateField(
                label=_("End"),
                required=False,
                initial=row.planned_end if row else None,
                widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
            )

    def rows(self) -> list[tuple[str, Any, Any, Any]]:
        return [(s, Stage(s).label, self[f"{s}-start"], self[f"{s}-end"]) for s in STAGE_ORDER]

    def plans(self) -> dict[str, tuple[Any, Any]]:
        return {
            s: (self.cleaned_data[f"{s}-start"], self.cleaned_data[f"{s}-end"]) for s in STAGE_ORDER
        }


class OrganisationsForm(NoColonMixin, forms.Form):
    designer = forms.ModelChoiceField(
        label=_("Designer"),
        required=False,
        queryset=Organization.objects.none(),
        widget=forms.Select(attrs=_SELECT),
    )
    contractor = forms.ModelChoiceField(
        label=_("Contractor"),
        required=False,
        queryset=Organization.objects.none(),
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user)
        self.fields["designer"].queryset = orgs.of_kind(OrgKind.DESIGNER).order_by("name")
        self.fields["contractor"].queryset = orgs.of_kind(OrgKind.CONTRACTOR).order_by("name")


class ItemForm(NoColonMixin, forms.Form):
    catalog_item = forms.ModelChoiceField(
        label=_("Item"),
        queryset=selectors.CatalogItem.objects.none(),
        widget=forms.Select(attrs=_SELECT),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=255, widget=forms.TextInput(attrs=_INPUT)
    )
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=20,
        widget=forms.TextInput(attrs={**_INPUT, "inputmode": "decimal"}),
    )
    budget = forms.CharField(
        label=_("Budget (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={**_INPUT, "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_item"].queryset = selectors.offered_items(user)
        self.fields["catalog_item"].label_from_instance = lambda i: (
            f"{i.category.name} · {i.name} ({i.get_unit_display()})"
        )


class FundingForm(NoColonMixin, forms.Form):
    source = forms.ChoiceField(
        label=_("Source"), choices=FundingSource.choices, widget=forms.Select(attrs=_SELECT)
    )
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={**_INPUT, "inputmode": "decimal"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=FundingStatus.choices, widget=forms.Select(attrs=_SELECT)
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=255, widget=forms.TextInput(attrs=_INPUT)
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput)


class PhotoForm(NoColonMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("When"), choices=PhotoKind.choices, widget=forms.Select(attrs=_SELECT)
    )
    spot = forms.CharField(
        label=_("Spot"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_INPUT),
        help_text=_("Give a before and an after photo the same spot to show them side by side."),
    )
    caption = forms.CharField(
        label=_("Caption"), required=False, max_length=200, widget=forms.TextInput(attrs=_INPUT)
    )
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(
            attrs={**_INPUT, "accept": "image/*", "capture": "environment"}
        ),
    )


class ReportForm(NoColonMixin, forms.Form):
    """A progress report: the date, a percentage per item, a note and photos. The client id
    is generated with the form, so a resent form is the same report.

    Each item's field starts at its current percentage, which the form also carries hidden
    (`was-<id>`): only the items the reporter changed are sent, so two people reporting on
    the same day do not put back each other's figures."""

    reported_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**_INPUT, "rows": 2})
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item-{item.pk}"] = forms.CharField(
                label=str(item),
                required=False,
                max_length=10,
                initial=item.percent,
                widget=forms.TextInput(
                    attrs={**_INPUT, "inputmode": "decimal", "style": "max-width:7em"}
                ),
            )
            self.fields[f"was-{item.pk}"] = forms.CharField(
                required=False, max_length=10, initial=item.percent, widget=forms.HiddenInput
            )

    def item_fields(self) -> list[tuple[Any, Any, Any]]:
        return [(item, self[f"item-{item.pk}"], self[f"was-{item.pk}"]) for item in self.items]

    def percents(self) -> dict[int, str]:
        """The percentages the reporter changed (all given ones when the form had none)."""
        out = {}
        for item in self.items:
            value = (self.cleaned_data.get(f"item-{item.pk}") or "").strip()
            was = (self.cleaned_data.get(f"was-{item.pk}") or "").strip()
            if value and value != was:
                out[item.pk] = value
        return out
