"""A newcomer registers, creates a company profile with tags, and sees it."""

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple 42"


def test_register_create_profile_with_tags_and_see_it(live_server, page, screenshot):
    page.goto(live_server + "/")
    page.get_by_role("link", name="Register your company").click()
    page.get_by_label("Your name").fill("Anna Schmidt")
    page.get_by_label("Work email").fill("anna@feinwerk.example")
    page.locator("#password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url("**/companies/new")
    page.get_by_label("Company name").fill("Feinwerk Enz GmbH")
    page.get_by_label("City").fill("Pforzheim")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("German").check()
    page.get_by_label("English").check()
    page.get_by_label("About the company").fill("Mikromechanik und Feinwerktechnik seit 1952.")
    page.get_by_label("We offer").fill("Mikrobearbeitung, Hartanodisieren von Aluminiumgehäusen.")
    page.get_by_label("We seek").fill("Partner in der Optronik und Drohnenabwehr.")

    # The texts mention counter-drone work: the editor suggests that tag, one click adds it.
    page.locator("[data-add-tag='sg.counter-drone']").click()
    assert page.locator("#tag-sg\\.counter-drone").is_checked()

    search = page.get_by_placeholder("Search capabilities, e.g. sensors, drones, energy")
    search.fill("laser")
    page.locator("#tag-du\\.6").check()
    search.fill("")
    assert "2 selected" in page.locator("[data-tag-count]").inner_text()
    screenshot("profile-form")
    page.get_by_role("button", name="Save profile").click()

    page.wait_for_url("**/companies/*")
    assert page.get_by_role("heading", name="Feinwerk Enz GmbH").is_visible()
    assert page.get_by_text("Your company profile is saved.").is_visible()
    badges = page.locator(".tag-badge").all_inner_texts()
    assert len(badges) == 2
    screenshot("profile")
