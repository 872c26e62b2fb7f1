"""The chat as people use it: axe-core finds no serious or critical violations, a keyboard alone
can ask, reach the source link and vote, a phone-sized screen does not scroll sideways, and the
page speaks bokmål or English (the browser's language, or the toggle).

axe-core comes from the npm registry (package.json pins it; `.ci/run` and `make test` install it
into ./node_modules) and is injected from that file: nothing is fetched at run time.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browserkit import (ARTIFACTS, AXE, browser, browser_context_args, browser_type_launch_args,  # noqa: F401
                        open_chat, playwright, requests, search_sources, server, stored_votes)

PAGE = "https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister-npr/"
NEAR = "Hvor lang behandlingstid har NAV på sykepengesøknader?"  # declined, close to "Leveringsfrister"


def _ask(page, box, question, count):
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_test_id("bot")).to_have_count(count)
    return page.get_by_test_id("bot").nth(count - 1)


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` in the repository (make test does it as root).")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
        .violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)""")
    return found


def test_axe_finds_nothing_serious_in_the_chat_and_the_sources_tab(page, server, requests):
    url, _ = server
    box = open_chat(page, url)
    assert serious_violations(page) == []  # the empty chat
    _ask(page, box, NEAR, 1)
    expect(page.locator("#related button")).to_have_count(1)
    _ask(page, box, "Hva koster det?", 2)
    expect(page.locator("#chat a.les").first).to_be_visible()
    assert serious_violations(page) == []  # an answer with sources, and a decline with related sections
    search_sources(page, "Pris")
    assert serious_violations(page) == []


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.closest("[id]")?.id || "", label: e.getAttribute("aria-label") || "",
                href: e.getAttribute("href") || "", text: (e.textContent || "").trim().slice(0, 80),
                in_bot: !!e.closest("[data-testid=bot]")}; }""")


def _press_until(page, key, wanted, limit=60) -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        now = _focused(page)
        if wanted(now):
            return now
    pytest.fail(f"{key} x{limit} never reached the element; focus is on {_focused(page)}")


def test_keyboard_alone_asks_reaches_the_source_link_and_votes(page, server, requests):
    url, store = server
    before = len(store.rows())
    open_chat(page, url)
    page.locator("body").focus()
    _press_until(page, "Tab", lambda f: f["tag"] == "TEXTAREA" and f["id"] == "question")
    page.keyboard.type("Hva koster det?")
    page.keyboard.press("Enter")
    bot = page.get_by_test_id("bot").first
    expect(bot.locator("mark").first).to_have_text("Pris per time NOK 1100,- eks. mva.")
    # the answer is above the question box: back up to its source link
    link = _press_until(page, "Shift+Tab", lambda f: f["tag"] == "A" and f["in_bot"] and "helsedata.no" in f["text"])
    assert link["text"] == "Les på helsedata.no"
    assert link["href"].startswith(PAGE + "#:~:text=Pris%20per%20time")
    # on to the answer's thumbs (named in the page's language) and vote with the keyboard
    _press_until(page, "Tab", lambda f: f["label"] == "Liker")
    page.keyboard.press("Enter")
    rows = stored_votes(store, before + 1)
    assert rows[-1]["rating"] == "up" and rows[-1]["question"] == "Hva koster det?"


def test_feedback_buttons_have_accessible_names_in_both_languages(page, server, requests, browser):
    url, _ = server
    box = open_chat(page, url)
    _ask(page, box, "Hva koster det?", 1)
    expect(page.get_by_role("button", name="Liker", exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name="Liker ikke", exact=True)).to_have_count(1)
    english = browser.new_page(locale="en-US")
    try:
        box = open_chat(english, url)
        _ask(english, box, "What does it cost?", 1)
        expect(english.get_by_role("button", name="Like", exact=True)).to_have_count(1)
        expect(english.get_by_role("button", name="Dislike", exact=True)).to_have_count(1)
    finally:
        english.close()


def test_a_phone_screen_does_not_scroll_sideways_and_keeps_sources_usable(browser, server):
    url, _ = server
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                device_scale_factor=2, locale="nb-NO")
    page = phone.new_page()
    try:
        box = open_chat(page, url)
        _ask(page, box, "Hva koster det?", 1)
        link = page.locator("#chat a.les").first
        expect(link).to_be_visible()
        wide = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]")
        assert max(wide[:2]) <= wide[2] == 390, wide
        for element in (link, page.locator("#chat .kilde").first, page.locator("#question textarea")):
            element.scroll_into_view_if_needed()
            box_ = element.bounding_box()
            assert box_ and box_["x"] >= 0 and box_["x"] + box_["width"] <= 390, box_
        link.click(trial=True)  # visible, not covered, can take a tap
        assert link.get_attribute("href").startswith(PAGE + "#:~:text=")
        assert link.get_attribute("target") == "_blank"  # the chat stays open
        page.get_by_role("button", name="Ny samtale").tap()
        expect(page.get_by_test_id("bot")).to_have_count(0)
        _ask(page, box, NEAR, 1)
        related = page.locator("#related button", has_text="Leveringsfrister")
        related.click(trial=True)
        related.tap()  # the related section's button asks about it
        expect(page.get_by_test_id("bot")).to_have_count(2)
        expect(page.get_by_test_id("bot").last.locator("mark").first).to_contain_text("dager")
        assert max(page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")) <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "mobile.png"), full_page=True)
    finally:
        phone.close()


def test_english_browser_gets_english_labels_and_the_toggle_switches_and_remembers(browser, server):
    url, _ = server
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        box = open_chat(page, url)
        expect(page.get_by_role("tab", name="Ask")).to_be_visible()
        expect(page.get_by_role("tab", name="Sources")).to_be_visible()
        expect(box).to_have_attribute("placeholder", "Type your question here and press Enter")
        page.get_by_role("button", name="What does it cost?").click()
        bot = page.get_by_test_id("bot").last
        expect(bot).to_contain_text("According to the NPR guidance")  # the question's language
        expect(bot).to_contain_text("Sources")
        expect(bot.locator("a.les").first).to_have_text("Read on helsedata.no")
        page.get_by_role("radio", name="Norsk").check()
        expect(page.get_by_role("tab", name="Spør")).to_be_visible()
        expect(page.get_by_role("tab", name="Kilder")).to_be_visible()
        expect(box).to_have_attribute("placeholder", "Skriv spørsmålet ditt her og trykk Enter")
        expect(page.get_by_role("button", name="Ny samtale")).to_be_visible()
        _ask(page, box, NEAR, 2)
        last = page.get_by_test_id("bot").last
        expect(last).to_contain_text("Kanskje nyttig")
        expect(last.locator("a[href='mailto:helseregistre@helsedir.no']")).to_be_visible()  # the contact stays
        expect(page.locator("#related-heading")).to_contain_text("Kanskje nyttig")
        page.reload(wait_until="load")
        page.locator("#question textarea").wait_for()
        expect(page.get_by_role("tab", name="Spør")).to_be_visible()  # the choice is remembered
        expect(page.get_by_role("radio", name="Norsk")).to_be_checked()
    finally:
        context.close()
