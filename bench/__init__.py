"""Benchmarks: how fast releases are indexed and searched, against an SQLite FTS5 baseline."""
