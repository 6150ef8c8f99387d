"""Load peer: Authlete's Python SDK (authlete 1.3.0) calling
POST /api/{serviceId}/idtoken/reissue against a local canned server.

    python bench.py --url http://127.0.0.1:PORT --concurrency N \
                    --duration SECONDS --max-calls M

One AuthleteApiImpl shared by N threads (the SDK is synchronous); the run
stops at the first of `duration` and `max-calls` (both always apply). A ~0.5 s
warm-up at the same concurrency comes first and is not measured. Prints
exactly one JSON line on stdout.

Note: authlete 1.3.0 sends each call with the module-level
`requests.request(...)`, which builds a new `requests.Session` per call, so
every call opens (and closes) its own TCP connection: there is no keep-alive
reuse. This script measures the SDK as shipped and does not patch that.
"""

import argparse
import json
import resource
import sys
import threading
import time
from importlib import metadata
from urllib.parse import urlsplit

from authlete.api import AuthleteApiImpl
from authlete.conf import AuthleteConfiguration
from authlete.dto import IDTokenReissueAction, IDTokenReissueRequest

CLIENT = "python-sdk"
SERVICE_ID = "715948317"
WARMUP_SECONDS = 0.5
WARMUP_MAX_CALLS = 50_000


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--concurrency", type=int, required=True)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--max-calls", type=int, required=True)
    a = p.parse_args()
    host = urlsplit(a.url).hostname
    # Load only ever goes to this machine.
    if host not in ("127.0.0.1", "localhost", "::1"):
        p.error(f"refusing non-loopback host: {host}")
    if a.concurrency < 1 or a.duration <= 0 or a.max_calls < 1:
        p.error("--concurrency >= 1, --duration > 0 and --max-calls >= 1 are required")
    return a


def make_api(url):
    cnf = AuthleteConfiguration()
    cnf.baseUrl = url
    cnf.apiVersion = "V3"  # paths become /api/{serviceApiKey}/...
    cnf.serviceApiKey = SERVICE_ID  # in V3 this is the service ID
    cnf.serviceAccessToken = "dummy-service-access-token"  # sent as Bearer
    return AuthleteApiImpl(cnf)


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def run(api, concurrency, seconds, max_calls):
    """N threads over one API object until the deadline or the call budget."""
    lock = threading.Lock()
    state = {"started": 0, "calls": 0, "errors": 0, "first_error": None}
    deadline = time.perf_counter() + seconds

    def loop():
        calls = errors = 0
        first_error = None
        while time.perf_counter() < deadline:
            with lock:
                if state["started"] >= max_calls:
                    break
                state["started"] += 1
            try:
                req = IDTokenReissueRequest()
                req.accessToken = "at"
                req.refreshToken = "rt"
                res = api.idTokenReissue(req)
                if res.action is not IDTokenReissueAction.OK or not res.idToken:
                    errors += 1
                    if first_error is None:
                        first_error = f"unexpected answer: {str(res)[:200]}"
            except Exception as e:  # noqa: BLE001 - count every failure
                errors += 1
                if first_error is None:
                    cause = getattr(e, "cause", None)
                    status = getattr(getattr(e, "response", None), "status_code", None)
                    first_error = f"{e!r} cause={cause!r} status={status}"[:500]
            calls += 1
        with lock:
            state["calls"] += calls
            state["errors"] += errors
            if state["first_error"] is None:
                state["first_error"] = first_error

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(concurrency)]
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    return state["calls"], state["errors"], elapsed, cpu, state["first_error"]


def main():
    a = parse_args()
    api = make_api(a.url.rstrip("/"))
    # The SDK's own timeouts default to None (wait forever); bound each call.
    api.getSettings().connectionTimeout = 5.0
    api.getSettings().readTimeout = 10.0

    wcalls, werrors, _, _, wfirst = run(
        api, a.concurrency, WARMUP_SECONDS, min(a.max_calls, WARMUP_MAX_CALLS))
    if wcalls and werrors == wcalls:
        print(f"warm-up: every call failed; first: {wfirst}", file=sys.stderr)

    calls, errors, elapsed, cpu, first = run(api, a.concurrency, a.duration, a.max_calls)
    if first:
        print(f"first error: {first}", file=sys.stderr)

    try:
        version = metadata.version("authlete")
    except metadata.PackageNotFoundError:
        version = "unknown"
    out = {
        "client": CLIENT,
        "version": version,
        "concurrency": a.concurrency,
        "calls": calls,
        "errors": errors,
        "seconds": round(elapsed, 4),
        "calls_per_sec": round(calls / elapsed, 1),
        "cpu_seconds": round(cpu, 4),
        "cpu_us_per_call": round(cpu * 1e6 / calls, 2) if calls else None,
    }
    print(json.dumps(out, separators=(",", ":")), flush=True)
    # Exit 1 when nothing succeeded, so a runner notices a dead server.
    if calls == 0 or errors == calls:
        sys.exit(1)


if __name__ == "__main__":
    main()
