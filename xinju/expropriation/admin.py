from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ExpropriationProject


@admin.register(ExpropriationProject)
class ExpropriationProjectAdmin(admin.ModelAdmin):
    """Read-only here: projects are opened through `services.open_project`, which audits."""

    list_display = ("name", "district", "decided_on", "launched_on")
    list_filter = ("district",)
    search_fields = ("name", "estates__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
