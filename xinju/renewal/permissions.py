"""Who may do what in the renewal programme, beyond reading what their scope reaches.

- Headquarters plans: opens batches, adds compounds, runs projects through their stages, keeps
  items, funding, designer and contractor.
- Headquarters and the project's contractor report progress.
- Headquarters, the subdistrict and community of the compound, and the contractor add photos.
"""

from __future__ import annotations

from typing import Any

from xinju.accounts.models import Role
from xinju.accounts.scope import has_role

from .models import Batch, Project

PLAN_ROLES = (Role.HQ,)
REPORT_ROLES = (Role.HQ, Role.CONTRACTOR)
PHOTO_ROLES = (Role.HQ, Role.SUBDISTRICT, Role.COMMUNITY, Role.CONTRACTOR)


def _reaches(user: Any, project: Project, roles: tuple[str, ...]) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Project.objects.visible_to(user, roles=roles).filter(pk=project.pk).exists()


def can_plan(user: Any, project: Project) -> bool:
    return _reaches(user, project, PLAN_ROLES)


def can_report(user: Any, project: Project) -> bool:
    return _reaches(user, project, REPORT_ROLES)


def can_add_photos(user: Any, project: Project) -> bool:
    return _reaches(user, project, PHOTO_ROLES)


def can_open_batch(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and has_role(user, Role.HQ)
    )


def can_plan_batch(user: Any, batch: Batch) -> bool:
    from xinju.areas.models import District

    if not can_open_batch(user):
        return False
    return District.objects.visible_to(user, roles=PLAN_ROLES).filter(pk=batch.district_id).exists()
