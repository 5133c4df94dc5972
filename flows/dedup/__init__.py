"""Elasticsearch lookups for near-duplicates and stories: the index is the memory across runs."""
