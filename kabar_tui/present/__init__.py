"""Presentation helpers shared by the CLI and the reader: dates and numbers for
people, citations, clipboard sequences, theme files. No textual here: the CLI imports it."""
