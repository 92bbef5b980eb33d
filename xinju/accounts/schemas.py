from ninja import Schema


class RoleOut(Schema):
    role: str
    role_label: str
    scope_kind: str
    scope_id: int
    scope_label: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]
