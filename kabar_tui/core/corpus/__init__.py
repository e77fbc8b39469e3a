"""Stage 3, across articles: the compact digests the stage reads, paragraph
links, stories, name resolution and quotation groups (in spawned processes when
indexing), incremental updates, and two outlets' versions compared."""
