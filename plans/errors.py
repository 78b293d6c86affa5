"""Errors of the domain layer; every one derives from `PlanError` and maps to one HTTP status."""


class PlanError(Exception):
    """Root of every error raised by `plans`."""


class NotFoundError(PlanError, LookupError):
    """A municipality, plan, version or parcel that was asked for does not exist."""


class ConflictError(PlanError):
    """The request contradicts what is stored (a duplicate number, a version already published)."""


class ImportDataError(PlanError, ValueError):
    """An import file's content is unusable (missing column, empty code, duplicate numbers)."""


class StorageUnavailableError(PlanError):
    """The database cannot be reached or is not migrated."""


class StorageCRSMismatchError(PlanError):
    """The database stores geometries in another CRS than the one configured."""


class ClusterError(PlanError):
    """The embedded PostgreSQL cluster could not be created, started or stopped."""


class PostgresMissingError(ClusterError):
    """PostgreSQL server binaries or the PostGIS extension are not installed."""


class RuleFileError(PlanError, ValueError):
    """A rule-set file is unreadable or breaks the contract; the message names file and key path."""


class CheckInputError(PlanError, ValueError):
    """A permit check was given unusable input (empty or invalid parcel, negative floor area)."""


class UnauthenticatedError(PlanError):
    """A request needs an API key and came without a valid one."""


class ForbiddenError(PlanError):
    """The caller's role or municipality does not allow what it asked."""


class LimitExceededError(PlanError, ValueError):
    """An input is over a configured limit (upload size, pixels, vertices); the message names it."""
