"""The cache database (portable SQL in `storage`, SQLite in `storage_sqlite`),
the one query API over a stored corpus (`catalog*`) and the JSON export."""
