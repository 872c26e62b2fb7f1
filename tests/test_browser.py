"""A real browser (Debian chromium) against the real app: ask, see the cited passage, vote.

Screenshots go to test-artifacts/ (git-ignored). Every request the page makes must stay on
this machine: no CDN, no fonts, no analytics.
"""

from __future__ import annotations

from playwright.sync_api import expect

from browserkit import (ARTIFACTS, browser, browser_context_args, browser_type_launch_args,  # noqa: F401
                        open_chat, playwright, requests, search_sources, server, stored_votes)


def test_ask_see_the_cited_passage_follow_up_and_vote(page, server, requests):
    url, store = server
    box = open_chat(page, url)
    box.fill("Hva koster det?")
    box.press("Enter")
    bots = page.get_by_test_id("bot")
    first = bots.nth(0)
    expect(first.locator("mark").first).to_have_text("Pris per time NOK 1100,- eks. mva.")
    expect(first.locator("blockquote")).to_contain_text("minimum to timer")
    expect(first).to_contain_text("1. Pris")
    expect(first).to_contain_text("Norsk pasientregister (NPR) – tilgang til data")
    expect(box).to_have_value("")

    box.fill("Og hvor lang tid tar det for 01019012345?")  # a follow-up, with a personal number
    box.press("Enter")
    expect(bots).to_have_count(2)
    expect(bots.nth(1).locator("mark").first).to_contain_text("30 dager")
    expect(page.get_by_test_id("user").nth(1)).to_have_text("Og hvor lang tid tar det for ***********?")

    # the thumbs are named in the page's language (Gradio's own bokmål: "Liker" / "Liker ikke")
    page.get_by_role("button", name="Liker", exact=True).first.click()
    page.get_by_role("button", name="Liker ikke", exact=True).nth(1).click()
    rows = stored_votes(store, 2)
    assert [(r["message"], r["rating"], r["question"]) for r in sorted(rows, key=lambda r: r["message"])] == [
        (1, "up", "Hva koster det?"), (3, "down", "Og hvor lang tid tar det for ***********?")]
    assert "60 dager" in store.rows("down")[0]["answer"]
    assert b"01019012345" not in store.path.read_bytes()
    assert store.cases()[0]["question"] == "Og hvor lang tid tar det for ***********?"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    assert "01019012345" not in page.content()


def test_example_button_abstention_empty_question_and_new_chat(page, server, requests):
    url, _ = server
    open_chat(page, url)
    page.get_by_role("button", name="How long does delivery take?").click()
    bot = page.get_by_test_id("bot").last
    expect(bot).to_contain_text("According to the NPR guidance")
    expect(bot.locator("mark").first).to_contain_text("30 dager")
    box = page.locator("#question textarea")
    box.fill("Hva er hovedstaden i Frankrike?")
    box.press("Enter")
    expect(page.get_by_test_id("bot")).to_have_count(2)
    last = page.get_by_test_id("bot").last
    expect(last).to_contain_text("finner jeg ikke")
    expect(last.locator("a[href='mailto:helseregistre@helsedir.no']")).to_be_visible()
    expect(last.locator("mark")).to_have_count(0)
    box.press("Enter")  # an empty question gets a clear message, not an error
    expect(page.get_by_test_id("bot")).to_have_count(3)
    expect(page.get_by_test_id("bot").last).to_contain_text("Skriv et spørsmål")
    page.get_by_role("button", name="Ny samtale").click()
    expect(page.get_by_test_id("bot")).to_have_count(0)


def test_sources_tab_lists_sections_and_explains_the_ranking(page, server, requests):
    url, _ = server
    open_chat(page, url)
    search_sources(page, "Søknad ved andre formål enn forskning")
    expect(page.locator("#answer-json")).to_contain_text("NOK 1100")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sources.png"), full_page=True)
