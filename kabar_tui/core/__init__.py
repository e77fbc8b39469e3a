"""The pure core: ingest, metadata, entities, quotes, linking, search, storage.

Nothing under this package may import textual; a test enforces it.
"""
