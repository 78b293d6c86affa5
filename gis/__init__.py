"""Pure spatial algorithms on arrays and geometries: no database, no HTTP, no settings."""
