"""Entry point of the fetcher service.

Run as `python -m services.fetcher.app` or `claimwire service fetcher`.
"""

from shared.service import run


def main() -> None:
    run("fetcher")


if __name__ == "__main__":
    main()
