"""One table from error classes to HTTP statuses, and the `{code, detail}` error body."""

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from api.context import request_id
from api.uploads import UnsupportedUploadError
from gis.errors import GisError, ScanTooLargeError
from plans.errors import (
    CheckInputError,
    ConflictError,
    ForbiddenError,
    ImportDataError,
    LimitExceededError,
    NotFoundError,
    PlanError,
    RuleFileError,
    StorageCRSMismatchError,
    StorageUnavailableError,
    UnauthenticatedError,
)
from plans.extracts.errors import ExtractInputError, ShapingUnavailableError

logger = logging.getLogger("mukhattat.api")


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str
    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "Bad parameter"),
        (401, "An API key is needed"),
        (403, "The key's role or municipality does not allow it"),
        (404, "Not found"),
        (409, "Conflicts with what is stored"),
        (413, "Over a size limit"),
        (415, "Unsupported file type"),
        (422, "Invalid input"),
        (500, "Internal error"),
        (503, "Database unavailable"),
    )
}
"""Documented on every route, so clients (and the fuzzer) know every answer's shape."""


class BadParameterError(ValueError):
    """A query parameter could not be parsed (OGC API answers 400 for these)."""


STATUS_BY_ERROR: dict[type[Exception], int] = {
    BadParameterError: 400,
    UnauthenticatedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    LimitExceededError: 413,
    ScanTooLargeError: 413,
    UnsupportedUploadError: 415,
    ConflictError: 409,
    ImportDataError: 422,
    CheckInputError: 422,
    ExtractInputError: 422,
    ShapingUnavailableError: 500,
    RuleFileError: 422,
    GisError: 422,
    StorageUnavailableError: 503,
    OperationalError: 503,
    DataError: 422,
    StorageCRSMismatchError: 500,
    PlanError: 400,
}


SERVER_FAULTS = {
    500: "internal error; it has been logged",
    503: "the database is unavailable; try again shortly",
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
        if isinstance(exc, DataError):
            # The database refused a value (a NUL byte in text, a number out of range); its
            # message quotes SQL, so the client gets the gist only.
            detail = "a value in the request is not valid for storage (out of range or bad text)"
            return error_response(422, "invalid_value", detail)
        if status < 500:
            return error_response(status, error_code(type(exc)), str(exc))
        # Server faults are logged with their traceback; the client gets no SQL, path or host.
        # An unavailable database is an expected state (a restart): one line, no traceback.
        if status == 503:
            logger.warning("%s %s: database unavailable", request.method, request.url.path)
        else:
            logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        detail = f"{SERVER_FAULTS.get(status, SERVER_FAULTS[500])} (request id {request_id.get()})"
        code = "unavailable" if status == 503 else error_code(type(exc))
        return error_response(status, code, detail)

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
    detail = f"internal error; it has been logged (request id {request_id.get()})"
    return error_response(500, "internal", detail)
