"""kabar-tui: a keyboard-driven terminal reader for scraped Indonesian news."""

__version__ = "0.1.0"
