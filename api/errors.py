"""One table from error classes to HTTP statuses, and the `{code, detail}` error body."""

import logging
import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from gis.errors import GisError
from plans.errors import (
    CheckInputError,
    ConflictError,
    ImportDataError,
    NotFoundError,
    PlanError,
    RuleFileError,
    StorageCRSMismatchError,
    StorageUnavailableError,
)

logger = logging.getLogger("mukhattat.api")


class BadParameterError(ValueError):
    """A query parameter could not be parsed (OGC API answers 400 for these)."""


STATUS_BY_ERROR: dict[type[Exception], int] = {
    BadParameterError: 400,
    NotFoundError: 404,
    ConflictError: 409,
    ImportDataError: 422,
    CheckInputError: 422,
    RuleFileError: 422,
    GisError: 422,
    StorageUnavailableError: 503,
    OperationalError: 503,
    StorageCRSMismatchError: 500,
    PlanError: 400,
}


def error_code(error_class: type[Exception]) -> str:
    """Return the snake-case code of an error class: `NotFoundError` -> `not_found`."""
    name = error_class.__name__.removesuffix("Error") or error_class.__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def error_response(status: int, code: str, detail: object) -> JSONResponse:
    """Return the JSON error body every failing request gets."""
    return JSONResponse(status_code=status, content={"code": code, "detail": detail})


def register_error_handlers(app: FastAPI) -> None:
    """Install the handlers that turn exceptions into `{code, detail}` responses."""
    for error_class, status in STATUS_BY_ERROR.items():
        app.add_exception_handler(error_class, _handler(status))
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(HTTPException, _http_handler)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_handler)


def _handler(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        if status >= 500:
            # Server faults are logged with their traceback; client errors are the client's.
            logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        detail = (
            "the database is unavailable; try again shortly"
            if isinstance(exc, OperationalError)
            else str(exc)
        )
        return error_response(status, error_code(type(exc)), detail)

    return handle


async def _validation_handler(_request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors
    )
    return error_response(422, "invalid_request", detail or "invalid request")


async def _http_handler(_request: Request, exc: HTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed"}
    return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), exc.detail)


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "internal error; it has been logged")
