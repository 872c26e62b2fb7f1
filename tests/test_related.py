"""Links on citations and the sections offered on a decline, through the real Assistant, the CLI,
the drafter and the Gradio /ask API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import unquote

from assistant import Assistant, Settings
from assistant.drafting import Drafter
from assistant.related import FLOOR_FILE, MAX_RELATED, load_floor
from conftest import REPO_ROOT

PAGE = "https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister-npr/"
NEAR = "Hvor lang behandlingstid har NAV på sykepengesøknader?"  # not covered, but close to delivery times


def _decoded(url: str) -> str:
    return unquote(url.split("#:~:text=", 1)[1])


def test_every_citation_links_to_its_quote_on_the_official_page(assistant):
    answer = assistant.ask("Hva koster det, og hvor lang tid tar det?")
    assert len(answer.citations) >= 2 and not answer.related
    for c in answer.citations:
        assert c.url.startswith(PAGE + "#:~:text=")
        assert _decoded(c.url) == " ".join(c.quote.split())
    data = answer.to_dict()
    first = data["citations"][0]
    assert {"source", "start", "end", "quote", "url"} <= set(first)
    text = (REPO_ROOT / first["source"]).read_text(encoding="utf-8")
    assert text[first["start"]:first["end"]] == first["quote"]
    assert data["related"] == []


def test_the_price_quote_keeps_its_comma_and_dash_encoded(assistant):
    answer = assistant.ask("Hva koster det?")
    price = next(c for c in answer.citations if c.quote.startswith("Pris per time"))
    assert price.url == PAGE + "#:~:text=Pris%20per%20time%20NOK%201100%2C%2D%20eks.%20mva."


def test_off_topic_question_is_offered_nothing(assistant):
    answer = assistant.ask("Hva er været i Bergen?")
    assert answer.reason == "not_covered" and answer.related == ()
    assert answer.to_dict()["related"] == []
    assert "helseregistre@helsedir.no" in answer.answer  # the contact address stays


def test_a_near_miss_is_offered_up_to_three_sections_above_the_floor(assistant):
    answer = assistant.ask(NEAR)
    assert answer.abstained and answer.reason == "not_covered" and answer.citations == ()
    floor = load_floor()
    assert 1 <= len(answer.related) <= MAX_RELATED
    assert [r.section for r in answer.related][0] == "Leveringsfrister"
    scores = [r.score for r in answer.related]
    assert scores == sorted(scores, reverse=True) and min(scores) >= floor
    data = answer.to_dict()
    assert data["citations"] == []
    assert set(data["related"][0]) == {"section", "url", "score"}
    assert data["related"][0]["url"] == PAGE + "#:~:text=Leveringsfrister"


def test_the_floor_was_fit_on_the_development_set_only():
    fitted = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))
    assert fitted["fitted_on"] == "eval/questions.jsonl"
    assert 0 < fitted["floor"] < 1 and fitted["floor"] == load_floor()


def test_best_floor_trades_right_sections_against_offers_to_off_topic_questions():
    from eval.fit_related import best_floor, figures

    # (in scope, right section's similarity, best similarity)
    rows = [(True, 0.95, 0.95), (True, 0.91, 0.93), (False, 0.0, 0.85), (False, 0.0, 0.90)]
    assert best_floor(rows) == 0.91
    assert figures(rows, 0.91) == {"right_section_offered": 1.0, "out_of_scope_offered": 0.0, "utility": 1.0,
                                   "in_scope": 2, "out_of_scope": 2}


def test_a_document_without_source_url_gets_no_link_never_a_broken_one(corpus_copy, tmp_path):
    meta = corpus_copy / "npr_guidance_no.meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    del data["source_url"]
    meta.write_text(json.dumps(data), encoding="utf-8")
    bare = Assistant(Settings.from_env().with_(data_dir=tmp_path / "data", corpus_dir=corpus_copy))
    answer = bare.ask("Hva koster det?")
    assert answer.citations and all(c.url is None for c in answer.citations)
    assert all(c["url"] is None for c in answer.to_dict()["citations"])
    near = bare.ask(NEAR)
    assert near.related and all(r.url is None for r in near.related)


def test_the_drafter_lists_the_related_sections_under_a_manual_question(assistant):
    draft = Drafter(assistant).draft_text(f"Hei!\n\nHva koster det? {NEAR}\n\nMvh Kari")
    manual = draft.text.split("[Må besvares manuelt]", 1)[1]
    assert f"- «{NEAR}»" in manual
    assert f"    Kanskje nyttig: «Leveringsfrister» {PAGE}#:~:text=Leveringsfrister" in manual
    items = draft.to_dict()["questions"]
    assert items[0]["related"] == [] and items[1]["manual"]
    assert items[1]["related"][0]["section"] == "Leveringsfrister"


def test_the_cli_json_carries_url_and_related(tmp_path):
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json"],
                         input=f"Hva koster det?\n{NEAR}\n".encode(), capture_output=True, env=env,
                         cwd=REPO_ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    price, near = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert price["citations"][0]["url"].startswith(PAGE + "#:~:text=") and price["related"] == []
    assert near["citations"] == [] and near["related"][0]["section"] == "Leveringsfrister"


def _post(url: str, body: dict) -> dict:
    import urllib.request

    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read().decode())


def test_the_gradio_api_and_the_json_api_carry_url_and_related(assistant, tmp_path):
    import urllib.request

    from gradio_client import Client

    from appserver import running
    from assistant.feedback import FeedbackStore

    with running(assistant, FeedbackStore(tmp_path / "feedback.sqlite3")) as url:
        client = Client(url, verbose=False)
        price = client.predict("Hva koster det?", api_name="/ask")
        near = client.predict(NEAR, api_name="/ask")
        api_price = _post(url + "api/v1/ask", {"question": "Hva koster det?"})
        api_near = _post(url + "api/v1/ask", {"question": NEAR})
        with urllib.request.urlopen(url + "api/v1/openapi.json", timeout=60) as r:
            schemas = json.loads(r.read().decode())["components"]["schemas"]
    for answer in (price, api_price):
        assert answer["citations"][0]["url"].startswith(PAGE + "#:~:text=")
        assert {"source", "start", "end"} <= set(answer["citations"][0]) and answer["related"] == []
    for answer in (near, api_near):
        assert answer["citations"] == []
        assert answer["related"][0] == {"section": "Leveringsfrister", "url": PAGE + "#:~:text=Leveringsfrister",
                                        "score": answer["related"][0]["score"]}
    assert "url" in schemas["CitationOut"]["properties"] and "related" in schemas["AnswerOut"]["properties"]
    assert set(schemas["RelatedOut"]["properties"]) == {"section", "url", "score"}
