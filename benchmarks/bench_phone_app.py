"""Weight and speed of the phone app's first screen (Now/Next) on a slow fair-floor network.

    .venv/bin/python -m pytest benchmarks/bench_phone_app.py -p tests.conftest \
        -p tests.browser.conftest -p no:xdist -s -q

Chromium's network emulation (400 kbit/s both ways, 400 ms latency) on a 360 px phone; the
participant is logged in first. Reports, for a first visit (empty HTTP cache, no service worker)
and a repeat visit (service worker and HTTP cache warm): the requests the page made, the bytes
they moved over the network (Resource Timing transferSize: answers from a cache count 0) and
the time until the page's load event; then the same with the browser's HTTP cache emptied (the
service worker's copies answer) and offline. The service worker's own background fetches (the
offline copies) are not counted: they do not hold up the screen.

Measured Dec 2026 (this machine, 2 shared cores), icons trimmed to the 74 the app uses:
first visit 395 KiB in 10 requests, first text after 8.8-9.1 s; repeat visit 14.5 KiB on the
wire (the Now/Next page itself, fetched by the service worker), first text after 0.5 s, parsed
after 0.75 s, nothing in the background; HTTP cache emptied: the same; offline: 0 bytes,
0.1 s. Before (main with the full sprite, 1,097 KiB): first visit 1,434 KiB, parsed after
12.5 s, load event after 30.6 s, and the service worker fetched the whole sprite again in the
background on repeat visits."""

import json
import time

import pytest

from tests.browser import test_phone_layout as layout
from tests.browser.conftest import PHONE, log_in, new_context

evening = layout.evening
THROTTLE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
            "uploadThroughput": 400_000 / 8}


class ServiceWorkerNetwork:
    """The page's emulation does not reach the service worker, which fetches the page itself
    on a repeat visit: throttle its target too, and count what it moves. Playwright gives no
    session for a worker, so this attaches through the browser session (non-flat mode)."""

    def __init__(self, browser, wire: list):
        self.session = browser.new_browser_cdp_session()
        self.ids = iter(range(1, 1_000_000))
        self.sessions = []
        self.fetched = []  # (url, bytes) the worker fetched
        for target in self.session.send("Target.getTargets")["targetInfos"]:
            if target["type"] == "service_worker":
                self.sessions.append(self.session.send("Target.attachToTarget", {
                    "targetId": target["targetId"], "flatten": False})["sessionId"])

        urls = {}

        def heard(event):
            message = json.loads(event["message"])
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
            elif message.get("method") == "Network.loadingFinished":
                wire.append(params["encodedDataLength"])
                self.fetched.append((urls.get(params["requestId"], "?"),
                                     params["encodedDataLength"]))

        self.session.on("Target.receivedMessageFromTarget", heard)
        self.send("Network.enable", {})

    def send(self, method: str, params: dict) -> None:
        for session_id in self.sessions:
            self.session.send("Target.sendMessageToTarget", {
                "sessionId": session_id,
                "message": json.dumps({"id": next(self.ids), "method": method,
                                       "params": params})})


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
    wire = []  # bytes on the wire, the page's and its service worker's, headers included
    cdp.on("Network.loadingFinished", lambda e: wire.append(e["encodedDataLength"]))
    worker = None  # the service worker's network, once the first visit has installed it
    for visit in ("first visit (cold: empty cache, no service worker)",
                  "repeat visit (warm: HTTP cache and service worker)",
                  "repeat visit, HTTP cache emptied (service worker's copies only)",
                  "offline reload (the service worker's copy)"):
        if visit.startswith("repeat visit, HTTP"):
            cdp.send("Network.clearBrowserCache")
        if visit.startswith("offline"):
            cdp.send("Network.emulateNetworkConditions", {**THROTTLE, "offline": True})
            worker.send("Network.emulateNetworkConditions", {**THROTTLE, "offline": True})
        wire.clear()
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded", timeout=300_000)
        readable = time.perf_counter() - started  # the HTML parsed, the stylesheets in
        page.wait_for_load_state("load", timeout=300_000)
        seconds = time.perf_counter() - started
        on_screen = sum(wire)
        quiet = 0  # the service worker's background work, if any: until 3 s without a byte
        while quiet < 3:
            heard = len(wire)
            page.wait_for_timeout(1_000)
            quiet = quiet + 1 if len(wire) == heard else 0
        background = sum(wire) - on_screen
        entries = page.evaluate("""performance.getEntriesByType('navigation')
            .concat(performance.getEntriesByType('resource'))
            .map(e => [e.name, e.transferSize, e.encodedBodySize])""")
        moved = sum(transfer for _name, transfer, _body in entries)
        painted = page.evaluate("""(performance.getEntriesByName('first-contentful-paint')[0]
            || {startTime: NaN}).startTime""") / 1000
        print(f"\n{visit}: {len(entries)} requests, {moved / 1024:.1f} KiB over the network "
              f"(Resource Timing); on the wire (CDP, page and service worker, headers "
              f"included) {on_screen / 1024:.1f} KiB until the load event and "
              f"{background / 1024:.1f} KiB in the background after it; first text painted "
              f"after {painted:.2f} s, Now/Next parsed (DOMContentLoaded) after "
              f"{readable:.2f} s, load event after {seconds:.2f} s")
        for name, transfer, _body in sorted(entries, key=lambda e: -e[1])[:4]:
            print(f"  {transfer / 1024:7.1f} KiB  {name.replace(live_server, '')}")
        if not visit.startswith("first"):
            for name, size in worker.fetched:
                print(f"  {size / 1024:7.1f} KiB  {name.replace(live_server, '')} "
                      "(by the service worker)")
            worker.fetched.clear()
        if visit.startswith("first"):
            page.wait_for_selector("body[data-offline-ready]", state="attached", timeout=120_000)
            worker = ServiceWorkerNetwork(browser, wire)
            worker.send("Network.emulateNetworkConditions", THROTTLE)
            assert worker.sessions, "no service worker to throttle"
    context.close()
