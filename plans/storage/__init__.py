"""Storage in PostgreSQL/PostGIS: models, migrations, repositories, the local cluster."""
