"""Stage 2, one article at a time: what the text says: named entities
(`entities/`), quotations and who said them."""
