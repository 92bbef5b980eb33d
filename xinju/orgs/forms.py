from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinju.core.exceptions import InvalidInput

from .models import Organization
from .validation import normalised


class OrganizationForm(forms.ModelForm):
    """The admin's form. Codes are normalised and checked by the service's own rules, so
    the form accepts what people type (spaces, lower case, +86) and shows the same message
    the service would raise."""

    # Wider than the stored 18 and 11 characters: normalisation comes after typing.
    credit_code = forms.CharField(
        label=_("unified social credit code"), required=False, max_length=40
    )
    contact_phone = forms.CharField(label=_("contact mobile"), required=False, max_length=30)

    class Meta:
        model = Organization
        fields = [
            "kind",
            "name",
            "short_name",
            "credit_code",
            "contact_person",
            "contact_phone",
            "address",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            data.update(normalised(data))
        except InvalidInput as exc:
            self.add_error(exc.field, exc.message)
        return data
