"""The principal behind a request, from its `X-API-Key` header; permission dependencies."""

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header

from api.deps import SessionDep
from plans.access import PUBLIC, Permission, Principal, authenticate, require

_CACHE_TTL_S = 60.0
_CACHE_MAX = 1024


class _KeyCache:
    """Verified keys for a minute: argon2 costs ~150 ms a verification, far too slow per request.

    Keyed by the SHA-256 of the presented key, so the cache never holds a usable secret.
    A revoked key keeps working here for at most the TTL.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get(digest)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, digest: str, principal: Principal) -> None:
        with self._lock:
            if len(self._entries) >= _CACHE_MAX:
                self._entries.clear()
            self._entries[digest] = (time.monotonic() + _CACHE_TTL_S, principal)


_CACHE = _KeyCache()


def get_principal(
    session: SessionDep, x_api_key: Annotated[str | None, Header(max_length=200)] = None
) -> Principal:
    """Return the caller: the public without a key, else the key's principal (401 if invalid)."""
    if not x_api_key:
        return PUBLIC
    digest = hashlib.sha256(x_api_key.encode()).hexdigest()
    cached = _CACHE.get(digest)
    if cached is not None:
        return cached
    principal = authenticate(session, x_api_key)
    _CACHE.put(digest, principal)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def permission(needed: Permission) -> Callable[[Principal], Principal]:
    """Return a dependency that lets the request through only with `needed` (any municipality).

    Routes that act on one municipality call `plans.access.require` with it as well.
    """

    def check(principal: PrincipalDep) -> Principal:
        require(principal, needed)
        return principal

    return check
