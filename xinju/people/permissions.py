"""Who sees personal data unmasked.

ID numbers and mobile numbers are shown in full only to the roles whose work needs them, and
only for households inside that role's own scope: community and grid workers (door-to-door
work), property companies (phones, to remind about fees); and residents for the people they
live with.
Everyone else sees them masked; nobody's are logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from xinju.accounts.models import Role
from xinju.accounts.scope import has_role
from xinju.areas.models import Dwelling
from xinju.core.identifiers import mask_id_number, mask_mobile

from .models import Residency

# Staff whose work needs them, for the households of their own scope.
PHONE_ROLES = (Role.COMMUNITY, Role.GRID, Role.PROPERTY)
ID_NUMBER_ROLES = (Role.COMMUNITY, Role.GRID)


class PiiPolicy:
    """Decides whether this user sees a person's phone and ID number in full.

    Staff roles see them for the dwellings their scope reaches. A resident sees them for
    the people who live in their own home — not for a landlord who lives elsewhere.
    Build it once per page with the dwellings on that page: three queries at most.
    """

    def __init__(self, user: Any, dwellings: Iterable[int] | QuerySet) -> None:
        """`dwellings`: the ids on the page, or a queryset of dwellings (an export)."""
        if not isinstance(dwellings, QuerySet):
            dwellings = list(dict.fromkeys(dwellings))
        self._phone = self._reach(user, dwellings, PHONE_ROLES)
        self._id = self._reach(user, dwellings, ID_NUMBER_ROLES)
        self._housemates: frozenset[int] = frozenset()
        if has_role(user, Role.RESIDENT):
            homes = Dwelling.objects.visible_to(user, roles=[Role.RESIDENT]).values("pk")
            self._housemates = frozenset(
                Residency.objects.current()
                .filter(dwelling__in=homes)
                .values_list("person_id", flat=True)
            )

    @staticmethod
    def _reach(user: Any, dwellings: Any, roles: tuple[str, ...]) -> frozenset[int]:
        if not isinstance(dwellings, QuerySet) and not dwellings:
            return frozenset()
        within = dwellings.values("pk") if isinstance(dwellings, QuerySet) else dwellings
        qs = Dwelling.objects.visible_to(user, roles=roles).filter(pk__in=within)
        return frozenset(qs.values_list("pk", flat=True))

    def _shows(
        self, allowed: frozenset[int], where: int | Iterable[int], person: int | None
    ) -> bool:
        if person is not None and person in self._housemates:
            return True
        if isinstance(where, int):
            return where in allowed
        return any(i in allowed for i in where)

    def phone(self, value: str, where: int | Iterable[int], *, person: int | None) -> str:
        """`person`'s phone in full if the user's roles reach the dwelling (or any of the
        dwellings), or the person lives in the user's own home."""
        return value if self._shows(self._phone, where, person) else mask_mobile(value)

    def id_number(
        self, value: str | None, where: int | Iterable[int], *, person: int | None
    ) -> str:
        return (value or "") if self._shows(self._id, where, person) else mask_id_number(value)
