"""What may be assigned to whom: the checks shared by the service and the admin's form."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from xinju.core.exceptions import InvalidInput, NotFound

from .models import ROLE_SCOPES, Role, ScopeKind

# The model each scope kind points at. Kinds whose app is not installed yet cannot be assigned.
SCOPE_MODELS: dict[str, str] = {
    ScopeKind.DISTRICT: "areas.District",
    ScopeKind.SUBDISTRICT: "areas.Subdistrict",
    ScopeKind.COMMUNITY: "areas.Community",
    ScopeKind.GRID: "areas.Grid",
    ScopeKind.ESTATE: "areas.Estate",
    ScopeKind.DWELLING: "areas.Dwelling",
    ScopeKind.ORGANIZATION: "orgs.Organization",
    ScopeKind.PROJECT: "renewal.Project",
}


def _scope_node(kind: str, scope_id: int) -> Any:
    try:
        model = apps.get_model(SCOPE_MODELS[kind])
    except (KeyError, LookupError) as exc:
        raise InvalidInput(
            _("Unknown scope kind: %(kind)s") % {"kind": kind}, field="scope_kind"
        ) from exc
    node = model._default_manager.filter(pk=scope_id).first()
    if node is None:
        raise NotFound(
            _("The scope %(kind)s #%(id)s does not exist.") % {"kind": kind, "id": scope_id}
        )
    return node


def check_assignment(*, role: str, scope_kind: str, scope_id: int) -> Any:
    """The node a (role, kind, id) assignment would point at, or InvalidInput / NotFound.

    One check for the service and for the admin's form, so the admin shows the same message
    the service would raise instead of failing.
    """
    if role not in Role.values:
        raise InvalidInput(_("Unknown role: %(role)s") % {"role": role}, field="role")
    if scope_kind not in ROLE_SCOPES[role]:
        raise InvalidInput(
            _("The role %(role)s cannot be scoped to a %(kind)s.")
            % {"role": Role(role).label, "kind": ScopeKind(scope_kind).label},
            field="scope_kind",
        )
    return _scope_node(scope_kind, scope_id)
