"""Entry point of the indexer service.

Run as `python -m services.indexer.app` or `claimwire service indexer`.
"""

from shared.service import run


def main() -> None:
    run("indexer")


if __name__ == "__main__":
    main()
