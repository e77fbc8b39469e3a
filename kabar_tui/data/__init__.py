"""Data the cleaner reads: stopwords, page-chrome labels and patterns, outlet cues."""
