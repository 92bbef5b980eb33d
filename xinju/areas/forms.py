"""Filter forms of the register lists and the import upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xinju.core.db import ID_MAX, parse_id
from xinju.core.forms import NoColonMixin
from xinju.core.identifiers import clean_text

from . import selectors
from .models import AreaSource, EstateKind

_SELECT = {"class": "form-select form-select-sm"}


_INPUT = {"class": "form-control form-control-sm"}


class ScopedFilterForm(NoColonMixin, forms.Form):
    """Choices of subdistricts and communities are those the user can see."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={**_INPUT, "type": "search"}),
    )
    subdistrict = forms.TypedChoiceField(
        label=_("Subdistrict"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
    )
    community = forms.TypedChoiceField(
        label=_("Community"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["subdistrict"].choices = everything + [
            (s.pk, s.name) for s in selectors.subdistricts(user)
        ]
        communities = selectors.communities(user)
        chosen = parse_id(self.data.get("subdistrict"))
        if chosen:
            communities = communities.filter(subdistrict_id=chosen)
        self.fields["community"].choices = everything + [(c.pk, c.name) for c in communities]

    def cleaned(self) -> dict[str, Any]:
        """Valid filters only: an unknown or foreign choice is dropped, never an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        data = {k: v for k, v in data.items() if k not in self.errors}
        if "q" in data:
            data["q"] = clean_text(data["q"])
        return data


class EstateFilterForm(ScopedFilterForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All")), *EstateKind.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    built_from = forms.IntegerField(
        label=_("Built from"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={**_INPUT, "placeholder": "1980"}),
    )
    built_to = forms.IntegerField(
        label=_("Built until"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={**_INPUT, "placeholder": "2000"}),
    )

    def filters(self) -> selectors.EstateFilters:
        return selectors.EstateFilters(**self.cleaned())


class DwellingFilterForm(ScopedFilterForm):
    estate = forms.TypedChoiceField(
        label=_("Compound"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
    )
    grid = forms.TypedChoiceField(
        label=_("Grid"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=_SELECT),
    )
    building = forms.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )
    area_source = forms.ChoiceField(
        label=_("Source of the area"),
        required=False,
        choices=[("", _("All")), *AreaSource.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    title = forms.ChoiceField(
        label=_("Title"),
        required=False,
        choices=[
            ("", _("All")),
            (selectors.TitleFilter.PERSON, _("Held by people")),
            (selectors.TitleFilter.CO_OWNED, _("Co-owned")),
            (selectors.TitleFilter.MULTIPLE, _("Owner of several dwellings")),
            (selectors.TitleFilter.ORGANIZATION, _("Held by an organisation")),
            (selectors.TitleFilter.NONE, _("No title recorded")),
        ],
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        everything = [("", _("All"))]
        community = parse_id(self.data.get("community"))
        # Compounds and grids are offered once a community narrows them to a short list.
        if community:
            estates = selectors.estates(user, selectors.EstateFilters(community=community))
            self.fields["estate"].choices = everything + [(e.pk, e.name) for e in estates]
            grids = selectors.grids(user).filter(community_id=community)
            self.fields["grid"].choices = everything + [(g.pk, g.name) for g in grids]
        else:
            estate, grid = parse_id(self.data.get("estate")), parse_id(self.data.get("grid"))
            chosen_estates = selectors.estates(user).filter(pk=estate) if estate else []
            chosen_grids = selectors.grids(user).filter(pk=grid) if grid else []
            self.fields["estate"].choices = everything + [(e.pk, e.name) for e in chosen_estates]
            self.fields["grid"].choices = everything + [(g.pk, g.name) for g in chosen_grids]

    def filters(self) -> selectors.DwellingFilters:
        return selectors.DwellingFilters(**self.cleaned())


class ImportForm(NoColonMixin, forms.Form):
    file = forms.FileField(
        label=_("Register file (.xlsx)"),
        help_text=_("Use the template. At most %(mb)s MB.")
        % {"mb": settings.XINJU_IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
