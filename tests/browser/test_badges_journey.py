"""Badges on the fair floor, in a real browser at phone width (360 px), in English, German and
French: the organizer prints the badges, the QR code is read back from the rendered PDF with
a real decoder (zxing-cpp) and checks the attendee in through the scanner page's code field;
a second scan is one check-in; offline, a scan waits in the phone's queue and is sent when
the network is back. A participant keeps a contact by scanning a badge."""

import shutil

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from matchmaker import unit_of_work
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, log_in, new_context
from tests.conftest import translated

pytestmark = pytest.mark.browser


@pytest.fixture
def fair(make_event, make_participant, organizer, lang):
    event = make_event(tables="T1-T4")
    organizer.locale = lang
    companies = {key: make_participant(key, event, name=name, locale=lang, **extra)[1]
                 for key, name, extra in (
                     ("anna", "Feinwerk Enz Präzisionsmechanik GmbH", {}),
                     ("yann", "Optronique SAS", {"country": "FR"}))}
    companies["yann"].shared_contact_fields = ["email"]
    unit_of_work.commit()
    return event, companies


def decoded_badges(pdf_bytes: bytes) -> list[str]:
    """What a real QR decoder reads on each page of the badges PDF, rendered at 200 dpi."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    texts = []
    for page in document:
        image = page.render(scale=200 / 72).to_pil()
        texts += [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    return texts


def fits(page, screenshot, name):
    screenshot(name)
    widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} scrolls sideways: {widths}"


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_printed_badge_is_decoded_and_checks_the_attendee_in(live_server, page, screenshot,
                                                             fair, lang):
    event, _companies = fair
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "organizer@example.com", lang)
    page.goto(f"{live_server}/organizer/events/{event.id}/day-of")
    page.get_by_role("link", name=translated(lang, "Badges"), exact=True).click()
    fits(page, screenshot, "badges")
    with page.expect_download() as download:
        page.get_by_role("button", name=translated(lang, "Download badges (PDF)")).click()
    codes = decoded_badges(download.value.path().read_bytes())
    assert len(codes) == 2 and all("/b/" in code for code in codes)  # Anna's, then Yann's

    page.get_by_role("link", name=translated(lang, "Scan badges")).click()
    code_field = page.get_by_label(translated(lang, "Badge code"))
    check_in = page.get_by_role("button", name=translated(lang, "Check in"), exact=True)
    result = page.locator("[data-scanner-result]")
    code_field.fill(codes[0])
    check_in.click()
    expect(result).to_have_text(translated(lang, "%(name)s (%(company)s) is checked in.",
                                           name="Anna",
                                           company="Feinwerk Enz Präzisionsmechanik GmbH"))
    fits(page, screenshot, "scan")
    code_field.fill("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")  # a forged code: refused, not queued
    check_in.click()
    expect(result).to_have_text(translated(
        lang, "This is not a badge of ours. Check the code or type it again."))
    expect(page.locator("[data-outbox-count]")).to_be_hidden()
    expect(page.locator("[data-outbox-refused]")).to_be_hidden()  # said once, by the scanner
    code_field.fill(codes[0])  # the colleague at the other door scans her too
    check_in.click()
    expect(result).to_have_text(translated(lang, "%(name)s was already checked in.",
                                           name="Anna"))

    # the service worker keeps the scanner page: it opens again with no network
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    page.reload()
    expect(page.locator("[data-scanner]")).to_be_visible()
    page.context.set_offline(True)  # the hall's Wi-Fi gives up
    page.reload()
    expect(code_field).to_be_visible()
    code_field.fill(codes[1])
    check_in.click()
    expect(result).to_contain_text("Yann (Optronique SAS)")
    expect(result).to_contain_text(translated(
        lang, "No network: kept on this phone, sent when the network is back."))
    waiting = page.locator("[data-outbox-count]")  # the outbox's bar, as for every action
    expect(waiting).to_contain_text(translated(lang, "Waiting to send (%(n)s)") % {"n": 1})
    fits(page, screenshot, "scan-offline")
    page.context.set_offline(False)
    expect(result).to_have_text(translated(lang, "All scans are sent."))
    expect(waiting).to_be_hidden()

    page.goto(f"{live_server}/organizer/events/{event.id}/day-of")
    expect(page.locator("[data-stat=checked-in]")).to_have_text("2 / 2")

    kept = "Object.keys(localStorage).filter(k => k.startsWith('mm-'))"
    assert page.evaluate(kept)  # the attendee list (and the empty outbox) live on the phone
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[action=\"/auth/logout\"]').submit()")
    assert page.evaluate(kept) == []  # logout clears them (Clear-Site-Data: "storage")


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_participant_keeps_a_contact_by_scanning_a_badge(live_server, browser, screenshot,
                                                         fair, lang):
    event, _companies = fair
    organizer_page = new_context(browser, lang, accept_downloads=True).new_page()
    log_in(organizer_page, live_server, "organizer@example.com", lang)
    organizer_page.goto(f"{live_server}/organizer/events/{event.id}/badges")
    with organizer_page.expect_download() as download:
        organizer_page.get_by_role("button", name=translated(
            lang, "Download badges (PDF)")).click()
    yann_code = decoded_badges(download.value.path().read_bytes())[1]
    organizer_page.context.close()

    phone = new_context(browser, lang, viewport=PHONE).new_page()
    log_in(phone, live_server, "anna@example.com", lang)
    phone.goto(f"{live_server}/events/{event.id}/contacts")
    expect(phone.get_by_text(translated(lang, "No contacts yet"))).to_be_visible()
    phone.get_by_role("link", name=translated(lang, "Scan a badge")).first.click()
    phone.wait_for_load_state("load")  # scan.js has wired the form before the network goes
    result = phone.locator("[data-scanner-result]")
    phone.context.set_offline(True)  # scanned in the crowd, no network: it waits on the phone
    phone.get_by_label(translated(lang, "Badge code")).fill(yann_code)
    phone.get_by_label(translated(lang, "Note")).fill("Thermal cores")
    phone.get_by_role("button", name=translated(lang, "Keep this contact")).click()
    expect(result).to_have_text(translated(
        lang, "No network: kept on this phone, sent when the network is back."))
    expect(phone.locator("[data-outbox-count]")).to_contain_text(
        translated(lang, "Waiting to send (%(n)s)") % {"n": 1})
    phone.context.set_offline(False)
    expect(result).to_have_text(translated(lang, "All scans are sent."))

    phone.get_by_label(translated(lang, "Badge code")).fill(yann_code)  # again, with more
    phone.get_by_label(translated(lang, "Note")).fill("Thermal cores, samples in January")
    phone.get_by_label(translated(lang, "Follow up after the event")).check()
    phone.get_by_role("button", name=translated(lang, "Keep this contact")).click()
    expect(result).to_contain_text(translated(
        lang, "%(name)s was in your contacts already; the note is updated.", name="Yann"))
    expect(result).to_contain_text("yann@example.com")  # the one field Optronique shares
    screenshot("contact-scan", of=phone)
    phone.get_by_role("link", name=translated(lang, "My contacts")).last.click()
    expect(phone.locator(".contact-card")).to_have_count(1)  # two scans, one contact
    card = phone.locator(".contact-card")
    expect(card).to_contain_text("Optronique SAS")
    expect(card).to_contain_text(translated(lang, "Follow up"))
    expect(phone.get_by_label(translated(lang, "Note"))).to_have_value(
        "Thermal cores, samples in January")
    screenshot("contacts", of=phone)
    widths = phone.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    phone.context.close()


def test_badge_pages_pass_axe(live_server, page, axe, fair):
    event, companies = fair
    log_in(page, live_server, "organizer@example.com")
    problems = {}
    for url in (f"/organizer/events/{event.id}/badges", f"/organizer/events/{event.id}/scan"):
        page.goto(live_server + url)
        problems[url] = axe(page)
    page.context.clear_cookies()
    log_in(page, live_server, "anna@example.com")
    for url in (f"/events/{event.id}/contacts", f"/events/{event.id}/scan",
                f"/companies/{companies['anna'].id}/contact-sharing"):
        page.goto(live_server + url)
        problems[url] = axe(page)
    assert {url: found for url, found in problems.items() if found} == {}


def qr_video(text: str, path, size: int = 480) -> None:
    """A y4m video of a QR code on white, for Chromium's fake camera: what a phone held up to a
    printed badge would film."""
    import segno

    matrix = [list(row) for row in segno.make(text, error="m").matrix_iter(border=4)]
    scale = size // len(matrix)
    offset = (size - scale * len(matrix)) // 2
    luma = bytearray(b"\xff" * size * size)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for line in range(offset + y * scale, offset + (y + 1) * scale):
                    start = line * size + offset + x * scale
                    luma[start:start + scale] = b"\x00" * scale
    frame = b"FRAME\n" + bytes(luma) + b"\x80" * (size * size // 2)  # grey: no colour planes
    path.write_bytes(f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + frame * 5)


def test_the_camera_reads_a_badge_and_checks_the_attendee_in(live_server, browser, fair,
                                                              tmp_path):
    """The camera path itself: Chromium's fake camera films the badge's QR code, the scanner's
    own decoder (jsQR, served by the app) reads it and the outbox sends the check-in."""
    from matchmaker.badges import services as badges

    event, _companies = fair
    anna = next(h for h in badges.issue_badges(event) if h.user.email == "anna@example.com")
    unit_of_work.commit()
    video = tmp_path / "badge.y4m"
    qr_video(f"{live_server}/b/{badges.token_for(anna.badge)}", video)
    camera = browser.browser_type.launch(
        executable_path=shutil.which("chromium"),
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
    try:
        phone = new_context(camera, "en", viewport=PHONE, permissions=["camera"]).new_page()
        log_in(phone, live_server, "organizer@example.com")
        phone.goto(f"{live_server}/organizer/events/{event.id}/scan")
        phone.get_by_role("button", name="Start the camera").click()
        expect(phone.locator("[data-scanner-result]")).to_have_text(
            "Anna (Feinwerk Enz Präzisionsmechanik GmbH) is checked in.", timeout=15_000)
        expect(phone.locator("[data-outbox-count]")).to_be_hidden()
    finally:
        camera.close()
