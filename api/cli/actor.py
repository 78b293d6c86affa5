"""Who a command-line write is recorded as."""

import getpass


def cli_actor() -> str:
    """Return `cli:<login name>`, recorded in the audit columns of what a command writes."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"
