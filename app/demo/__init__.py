"""Demo county: a deterministic synthetic roster shaped like the notices."""
