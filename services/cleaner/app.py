"""Entry point of the cleaner service.

Run as `python -m services.cleaner.app` or `claimwire service cleaner`.
"""

from shared.service import run


def main() -> None:
    run("cleaner")


if __name__ == "__main__":
    main()
