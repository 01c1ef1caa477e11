"""`python -m indexer` runs the indexing command, as `release-search` does."""

from indexer.cli import main

main()
