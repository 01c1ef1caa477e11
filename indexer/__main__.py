"""`python -m indexer` runs the indexing command, as `release-search` does."""

from indexer.cli import main

if __name__ == "__main__":  # the spawned second writer imports this module too
    main()
