"""Structured (JSON) logs, one object a line, each with the request id."""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from api.context import request_id


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(level: str = "INFO") -> None:
    """Send the app's and uvicorn's logs to stderr as JSON lines (idempotent).

    uvicorn's access log stays off when uvicorn was told so (``--no-access-log`` leaves its
    logger without handlers): a JSON line per request costs about 0.1 ms of a 1 ms answer.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    )
    handler.addFilter(_RequestIdFilter())
    for name in ("mukhattat", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        if name == "uvicorn.access" and not logger.handlers:
            continue
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
