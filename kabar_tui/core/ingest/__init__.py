"""Stage 1, one file at a time: find and read article files, clean them into an
`Article` (page chrome, captions, bylines and dates, repairs), recording every line dropped."""
