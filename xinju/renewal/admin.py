from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import selectors, services
from .models import CatalogItem, Category


class _AuditedAdmin(admin.ModelAdmin):
    """Catalog data: every save goes through the service, which audits it; nothing is deleted
    (projects refer to the items — withdraw an item by unticking "offered")."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_catalog_entry(actor=request.user, entry=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CatalogItemForm(forms.ModelForm):
    class Meta:
        model = CatalogItem
        fields = [
            "category",
            "code",
            "name",
            "unit",
            "indicator",
            "description",
            "order",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        """The service's rule, told on the form: a unit in use stays (see save_catalog_entry)."""
        data = super().clean()
        item = self.instance
        if (
            item.pk
            and ("unit" in self.changed_data or "indicator" in self.changed_data)
            and selectors.catalog_item_in_use(item)
        ):
            self.add_error(
                "unit",
                _("Projects already count this item in its unit; add a new item instead."),
            )
        return data


@admin.register(Category)
class CategoryAdmin(_AuditedAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(CatalogItem)
class CatalogItemAdmin(_AuditedAdmin):
    form = CatalogItemForm
    list_display = ["name", "category", "unit", "indicator", "is_active", "order"]
    list_filter = ["category", "indicator", "is_active"]
    search_fields = ["name", "code"]
