from django.http import HttpRequest
from ninja import Router

from xinju.core.api import Problem

from . import selectors
from .schemas import MeOut, RoleOut

router = Router(tags=["accounts"])


@router.get(
    "/me", response={200: MeOut, 401: Problem}, summary="The signed-in user and their roles"
)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    roles = [
        RoleOut(
            role=a.role,
            role_label=str(a.get_role_display()),
            scope_kind=a.scope_kind,
            scope_id=a.scope_id,
            scope_label=a.scope_label,
        )
        for a in selectors.roles_of(user)
    ]
    return MeOut(username=user.get_username(), display_name=user.display_name, roles=roles)
