"""Weight and speed of the phone app's first screen (Now/Next) on a slow fair-floor network.

    .venv/bin/python -m pytest benchmarks/bench_phone_app.py -p tests.browser.conftest -s -q

Chromium's network emulation (400 kbit/s both ways, 400 ms latency) on a 360 px phone; the
participant is logged in first. Reports, for a first visit (empty HTTP cache, no service worker)
and a repeat visit (service worker and HTTP cache warm): the requests the page made, the bytes
they moved over the network (Resource Timing transferSize: answers from a cache count 0) and
the time until the page's load event. The service worker's own background fetches (the offline
copies) are not counted: they do not hold up the screen."""

import time

import pytest

from tests.browser import test_phone_layout as layout
from tests.browser.conftest import PHONE, log_in, new_context

evening = layout.evening
THROTTLE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
            "uploadThroughput": 400_000 / 8}


@pytest.mark.parametrize("lang", ["en"])
def test_now_next_weight_and_time(browser, live_server, evening, lang):
    event = evening[0]
    logging_in = new_context(browser, lang, viewport=PHONE)
    log_in(logging_in.new_page(), live_server, "anna@example.com")
    # A fresh profile with only the session cookie: empty HTTP cache, no service worker.
    cookies = logging_in.storage_state()["cookies"]
    logging_in.close()
    context = new_context(browser, lang, viewport=PHONE,
                          storage_state={"cookies": cookies, "origins": []})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    url = f"{live_server}/events/{event.id}/now"
    for visit in ("first", "repeat"):
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded", timeout=300_000)
        readable = time.perf_counter() - started  # the HTML parsed, the stylesheets in
        page.wait_for_load_state("load", timeout=300_000)
        seconds = time.perf_counter() - started
        entries = page.evaluate("""performance.getEntriesByType('navigation')
            .concat(performance.getEntriesByType('resource'))
            .map(e => [e.name, e.transferSize, e.encodedBodySize])""")
        moved = sum(transfer for _name, transfer, _body in entries)
        print(f"\n{visit} visit: {len(entries)} requests, {moved / 1024:.1f} KiB over the "
              f"network, Now/Next shown (DOMContentLoaded) after {readable:.2f} s, "
              f"load event after {seconds:.2f} s")
        for name, transfer, _body in sorted(entries, key=lambda e: -e[1])[:4]:
            print(f"  {transfer / 1024:7.1f} KiB  {name.replace(live_server, '')}")
        if visit == "first":
            page.wait_for_selector("body[data-offline-ready]", state="attached", timeout=60_000)
    context.close()
