from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .models import CatalogItem, Category


class _AuditedAdmin(admin.ModelAdmin):
    """Catalog data: every save goes through the service, which audits it; nothing is deleted
    (projects refer to the items — withdraw an item by unticking "offered")."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_catalog_entry(actor=request.user, entry=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(_AuditedAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(CatalogItem)
class CatalogItemAdmin(_AuditedAdmin):
    list_display = ["name", "category", "unit", "indicator", "is_active", "order"]
    list_filter = ["category", "indicator", "is_active"]
    search_fields = ["name", "code"]
