#!/usr/bin/env python3
"""Container health probe of the claimwire image (installed as ``claimwire-healthcheck``).

``claimwire-healthcheck [URL]`` exits 0 when the process answers HTTP at URL, 1 otherwise.
Without URL it probes the service's Prometheus endpoint,
``http://127.0.0.1:$CLAIMWIRE_METRICS_PORT/metrics``, which every service serves from start-up.

Any answer below 500 counts as healthy: the question is "is the process serving?", so a 404 from
an API without the probed route is alive, while a 5xx, a refused connection or a timeout is not.
Standard library only, so the probe works whatever the image's dependencies are.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence

TIMEOUT_S = 4.0  # below the compose healthcheck timeout (5 s), so we report instead of being killed


def default_url(env: Mapping[str, str]) -> str | None:
    """The service's metrics endpoint, or None when no metrics port is configured."""
    port = env.get("CLAIMWIRE_METRICS_PORT", "").strip()
    return f"http://127.0.0.1:{port}/metrics" if port else None


def probe(url: str, timeout: float = TIMEOUT_S) -> tuple[bool, str]:
    """(healthy, what happened) for one GET of ``url``."""
    # No proxies: HTTP(S)_PROXY set for the fetcher must not route a loopback probe elsewhere.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status < 500, f"HTTP {response.status}"
    except urllib.error.HTTPError as e:
        e.close()
        return e.code < 500, f"HTTP {e.code}"
    except (urllib.error.URLError, OSError) as e:
        return False, f"no answer: {e}"


def main(argv: Sequence[str] = sys.argv, env: Mapping[str, str] = os.environ) -> int:
    url = argv[1] if len(argv) > 1 else default_url(env)
    if url is None:
        print("no URL given and CLAIMWIRE_METRICS_PORT is not set", file=sys.stderr)
        return 1
    healthy, detail = probe(url)
    print(f"{url}: {detail}", file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
