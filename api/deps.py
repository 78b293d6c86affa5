"""Dependencies shared by the routes: settings and a database session per request."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.settings import Settings


def get_app_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session in one transaction, committed when the route returns.

    Used with ``scope="function"``: the commit happens before the response is sent, so a
    failing commit (the database went away) answers 503 instead of a 200 for a lost write.
    """
    with request.app.state.sessions() as session, session.begin():
        yield session


MAX_ID = 2_147_483_647  # PostgreSQL integer keys; larger ids cannot exist

SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
