import datetime as dt

import pytest
from sqlalchemy import select

from plans.access import PUBLIC, Principal, authenticate, create_api_key, require
from plans.errors import ForbiddenError, NotFoundError, UnauthenticatedError
from plans.storage.api_keys import revoke_key
from plans.storage.models import ApiKey
from plans.storage.municipalities import ensure_municipality

PLANNER_A = Principal(role="planner", municipality="A", actor="t")


@pytest.mark.parametrize("permission", ["read", "check", "print"])
def test_public_may_read_check_print(permission):
    require(PUBLIC, permission)


@pytest.mark.parametrize(
    "permission", ["import", "publish", "load_rules", "manage_keys", "print_batch"]
)
def test_public_needs_a_key_for_writes(permission):
    with pytest.raises(UnauthenticatedError, match="needs an API key"):
        require(PUBLIC, permission, "A")


def test_planner_bounded_by_municipality_and_role():
    require(PLANNER_A, "publish", "A")
    with pytest.raises(ForbiddenError, match="a planner key of A may not publish of B"):
        require(PLANNER_A, "publish", "B")
    with pytest.raises(ForbiddenError, match="may not load rules"):
        require(PLANNER_A, "load_rules", "A")


def test_national_admin_may_everything():
    admin = Principal(role="admin", municipality=None, actor="t")
    for permission in ("import", "publish", "load_rules", "manage_keys", "read_register"):
        require(admin, permission, "ANY")


def test_key_round_trip_and_hash_only(session):
    ensure_municipality(session, "A")
    key = create_api_key(session, role="planner", municipality="A", label="office", created_by="t")
    principal = authenticate(session, key)
    assert (principal.role, principal.municipality) == ("planner", "A")
    stored = session.scalar(select(ApiKey))
    secret = key.split("_", 2)[2]  # the secret itself may contain "_"
    assert len(secret) >= 32 and secret not in stored.secret_hash
    assert stored.secret_hash.startswith("$argon2")


@pytest.mark.parametrize(
    "presented", ["", "garbage", "mk_nope_secret", "mk_abc", "'; DROP TABLE api_key; --"]
)
def test_bad_keys_refused_without_detail(session, presented):
    with pytest.raises(UnauthenticatedError, match=r"^invalid API key$"):
        authenticate(session, presented)


def test_wrong_secret_and_revoked_key_refused(session):
    ensure_municipality(session, "A")
    key = create_api_key(session, role="clerk", municipality="A", label="x", created_by="t")
    prefix = key.split("_")[1]
    with pytest.raises(UnauthenticatedError):
        authenticate(session, f"mk_{prefix}_wrong")
    revoke_key(session, prefix, now=dt.datetime.now(dt.UTC))
    with pytest.raises(UnauthenticatedError):
        authenticate(session, key)


def test_key_rules(session):
    with pytest.raises(ValueError, match="needs a municipality"):
        create_api_key(session, role="planner", municipality=None, label="x", created_by="t")
    with pytest.raises(ValueError, match="role must be one of"):
        create_api_key(session, role="public", municipality="A", label="x", created_by="t")
    with pytest.raises(NotFoundError, match="no municipality 'NOPE'"):
        create_api_key(session, role="clerk", municipality="NOPE", label="x", created_by="t")
