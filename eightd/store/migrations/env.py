"""Alembic environment, driven programmatically by eightd.store.migrate."""

from __future__ import annotations

from alembic import context

from eightd.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - eightd always passes its connection
    raise RuntimeError("eightd migrations run through `eightd db upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
