"""Running an index: the stages in order with the cache (`pipeline`), and
watching folders for new, changed and removed files (`watch`)."""
