"""Which compounds a supervisor's or a contractor's assignment reaches: their projects'."""

from __future__ import annotations

from django.db.models import QuerySet

from xinju.accounts.models import Role, ScopeKind
from xinju.areas.scoping import register_estate_resolver


def project_estates(ids: frozenset[int]) -> QuerySet:
    from .models import Project

    return Project.objects.filter(pk__in=ids).values("estate_id")


def contractor_estates(ids: frozenset[int]) -> QuerySet:
    from .models import Project

    return Project.objects.filter(contractor_id__in=ids).values("estate_id")


def register() -> None:
    register_estate_resolver(Role.SUPERVISOR, ScopeKind.PROJECT, project_estates)
    register_estate_resolver(Role.CONTRACTOR, ScopeKind.ORGANIZATION, contractor_estates)
