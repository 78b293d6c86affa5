"""HTTP API (FastAPI) and the `mukhattat` command line: parse, call `plans`/`tiles`, format."""
