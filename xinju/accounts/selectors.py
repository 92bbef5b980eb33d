"""Reads of accounts: a user's own roles and tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken, RoleAssignment


def roles_of(user: Any) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.visible_to(user).filter(user_id=user.pk)


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(user)


def token_for(user: Any, pk: Any) -> ApiToken:
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token
