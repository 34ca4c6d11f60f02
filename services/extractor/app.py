"""Entry point of the extractor service.

Run as `python -m services.extractor.app` or `claimwire service extractor`.
"""

from shared.service import run


def main() -> None:
    run("extractor")


if __name__ == "__main__":
    main()
