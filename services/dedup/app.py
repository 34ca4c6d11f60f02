"""Entry point of the dedup service.

Run as `python -m services.dedup.app` or `claimwire service dedup`.
"""

from shared.service import run


def main() -> None:
    run("dedup")


if __name__ == "__main__":
    main()
