"""Data-quality grades: from the graded inputs to every output (docs/data-quality.md)."""
