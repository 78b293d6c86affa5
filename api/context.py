"""Per-request context shared by middleware, logs and error handlers."""

import contextvars

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
"""The id of the request being served (`X-Request-ID`), '-' outside a request."""
