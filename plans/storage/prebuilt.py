"""Statements compiled once to the driver's SQL, for the hottest paths (tiles, permit checks).

Building a SQLAlchemy statement and executing it through a session costs about 1.1 ms of
Python a query here, more than a z17 tile takes PostgreSQL to encode (bench/RESULTS.md,
2026-12-04). A `Prebuilt` statement is still written with SQLAlchemy and the GeoAlchemy2
models, but compiled once; each use only binds its parameters and hands the SQL to psycopg.
The SQL text never changes, so psycopg prepares it on the server from its fifth run (planned
for each call's values: `database.SHORT_QUERY_OPTIONS`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ClauseElement

if TYPE_CHECKING:
    from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT = PGDialect_psycopg()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Prebuilt:
    """One statement's SQL (psycopg's ``%(name)s`` placeholders) and its fixed bound values."""

    sql: str
    constants: Mapping[str, Any]
    required: frozenset[str]

    @classmethod
    def compile(cls, statement: ClauseElement) -> "Prebuilt":
        """Compile `statement`; its `bindparam`s without a value are the per-call parameters."""
        compiled = cast("SQLCompiler", statement.compile(dialect=_DIALECT))
        if "POSTCOMPILE" in str(compiled):
            raise ValueError("prebuilt statements cannot expand lists (IN): compare one by one")
        required = frozenset(name for name, bind in compiled.binds.items() if bind.required)
        constants = {
            name: _processed(compiled, name, value)
            for name, value in compiled.params.items()
            if name not in required
        }
        return cls(sql=str(compiled), constants=constants, required=required)

    def bind(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return the parameters of one call: the fixed values and `params` (all required)."""
        if missing := self.required - params.keys():
            raise TypeError(f"prebuilt statement needs parameters {sorted(missing)}")
        return {**self.constants, **params}

    def scalar(self, session: Session | Connection, params: Mapping[str, Any]) -> Any:
        """Run the statement in `session`'s transaction; return the first column of its row."""
        rows = self.rows(session, params)
        return rows[0][0] if rows else None

    def rows(self, session: Session | Connection, params: Mapping[str, Any]) -> list[Any]:
        """Run the statement in `session`'s transaction on its driver cursor; return every row.

        Rows are the driver's tuples. Skipping SQLAlchemy's execution context saves about
        0.3 ms a statement (bench/checks.py --profile); a driver error still comes out as
        SQLAlchemy's (`OperationalError` for a lost server, which also invalidates the
        connection so that the pool replaces it).
        """
        connection = session.connection() if isinstance(session, Session) else session
        bound = self.bind(params)
        pooled = connection.connection
        cursor = pooled.cursor()
        try:
            cursor.execute(self.sql, bound)
            return list(cursor.fetchall()) if cursor.description else []
        except connection.dialect.loaded_dbapi.Error as exc:
            lost = connection.dialect.is_disconnect(exc, pooled, cursor)
            if lost:
                connection.invalidate(exc)
            error = connection.dialect.loaded_dbapi.Error
            raise DBAPIError.instance(
                self.sql, bound, exc, error, connection_invalidated=lost, dialect=connection.dialect
            ) from exc
        finally:
            cursor.close()


def _processed(compiled: "SQLCompiler", name: str, value: Any) -> Any:
    """Return a fixed value as its column type sends it (an enum member as its stored text)."""
    processor = compiled._bind_processors.get(name)
    return processor(value) if callable(processor) else value
