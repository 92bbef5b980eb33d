from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinju.core.identifiers import mask_mobile

from . import services
from .forms import OrganizationForm
from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Reference data. Saving goes through the service, so every change is audited."""

    form = OrganizationForm
    list_display = ["name", "kind", "credit_code", "contact_person", "masked_phone", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "short_name", "credit_code"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]

    @admin.display(description=_("contact mobile"))
    def masked_phone(self, obj: Organization) -> str:
        return mask_mobile(obj.contact_phone)

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        values = {
            name: form.cleaned_data.get(name)
            for name in services.EDITABLE
            if name in form.cleaned_data
        }
        if change:
            services.update_organization(actor=request.user, organization=obj, **values)
        else:
            saved = services.create_organization(actor=request.user, **values)
            obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Organization | None = None) -> bool:
        return False  # organisations are referenced by registers and contracts; never deleted
