"""Who may do what: roles, their permissions, API keys and the principal behind a request.

Reading, checking, verifying and printing a single extract are public. Keys carry one role and
are scoped to one municipality (an admin key without a municipality is national). The secret
part of a key is stored only as an argon2 hash; the prefix identifies the key in logs and in the
audit columns (`created_by`, `published_by`, `issued_by`).
"""

import secrets
from dataclasses import dataclass
from typing import Literal, cast, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from plans.errors import ForbiddenError, NotFoundError, UnauthenticatedError
from plans.storage.api_keys import add_key, find_active_key
from plans.storage.municipalities import find_municipality

Role = Literal["public", "clerk", "planner", "admin"]
ROLES: tuple[Role, ...] = ("public", "clerk", "planner", "admin")
KEY_ROLES: tuple[Role, ...] = ("clerk", "planner", "admin")
Permission = Literal[
    "read",
    "check",
    "print",
    "print_batch",
    "read_register",
    "import",
    "publish",
    "load_rules",
    "manage_keys",
]

_PUBLIC: frozenset[Permission] = frozenset({"read", "check", "print"})
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    "public": _PUBLIC,
    "clerk": _PUBLIC | {"print_batch", "read_register"},
    "planner": _PUBLIC | {"import", "publish"},
    "admin": frozenset(get_args(Permission)),  # every permission there is
}
_HASHER = PasswordHasher()
_KEY_PREFIX = "mk"


@dataclass(frozen=True)
class Principal:
    """Who is asking: a role, the municipality the key is scoped to, and a name for the audit."""

    role: Role
    municipality: str | None
    actor: str

    def may(self, permission: Permission, municipality: str | None = None) -> bool:
        """Return whether this principal holds `permission` over `municipality`."""
        if permission not in PERMISSIONS[self.role]:
            return False
        in_scope = self.municipality is None or municipality in (None, self.municipality)
        return self.role == "public" or in_scope


PUBLIC = Principal(role="public", municipality=None, actor="public")


def require(principal: Principal, permission: Permission, municipality: str | None = None) -> None:
    """Raise unless `principal` may do `permission` over `municipality`.

    Raises
    ------
    UnauthenticatedError
        The anonymous public asked for something that needs a key.
    ForbiddenError
        The key's role or municipality does not allow it.
    """
    if principal.may(permission, municipality):
        return
    if principal.role == "public":
        raise UnauthenticatedError(f"{permission} needs an API key (header X-API-Key)")
    scope = f" of {municipality}" if municipality else ""
    raise ForbiddenError(
        f"a {principal.role} key of {principal.municipality or 'all municipalities'} may not "
        f"{permission.replace('_', ' ')}{scope}"
    )


def create_api_key(
    session: Session, *, role: Role, municipality: str | None, label: str, created_by: str
) -> str:
    """Store a new key and return it in full (the only time it is ever shown)."""
    if role not in KEY_ROLES:
        raise ValueError(f"role must be one of {KEY_ROLES}, got {role!r}")
    if municipality is None and role != "admin":
        raise ValueError(f"a {role} key needs a municipality; only admin keys may be national")
    municipality_id = find_municipality(session, municipality).id if municipality else None
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
    add_key(
        session,
        prefix=prefix,
        secret_hash=_HASHER.hash(secret),
        role=role,
        municipality_id=municipality_id,
        label=label,
        created_by=created_by,
    )
    return f"{_KEY_PREFIX}_{prefix}_{secret}"


def authenticate(session: Session, presented: str) -> Principal:
    """Return the principal of a presented key, or raise `UnauthenticatedError` (never says why)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != _KEY_PREFIX:
        raise UnauthenticatedError("invalid API key")
    try:
        key, municipality = find_active_key(session, parts[1])
    except NotFoundError as exc:
        raise UnauthenticatedError("invalid API key") from exc
    try:
        _HASHER.verify(key.secret_hash, parts[2])
    except (VerificationError, InvalidHashError) as exc:
        raise UnauthenticatedError("invalid API key") from exc
    role = cast("Role", key.role)  # the database's CHECK constraint limits it to KEY_ROLES
    return Principal(role=role, municipality=municipality, actor=f"key:{key.prefix}:{key.label}")
