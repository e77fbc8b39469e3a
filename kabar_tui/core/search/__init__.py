"""The search index: building it, storing it in the cache, and the query
language (filters registry, filter values, aliases) it answers."""
