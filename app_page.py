"""The chat page's two languages, its style and its scripts (app.py builds the page with them).

    I18N("send")                 a label Gradio translates in the browser (bokmål or English)
    words("en")["sources"]       -> "Sources": what the server writes into the page, per language
    Blocks(...).launch(...)      gr.Blocks whose launch keeps I18N

The wording lives in assistant/data/ui.json, for the support team to edit. Labels go through
Gradio's own i18n: the browser's language picks them (nb, nn, no -> bokmål; anything else ->
English), the Norsk/English choice switches them and is kept in the browser (localStorage). The
page's language also reaches the server through a hidden field, for what the server writes.
Deliberately left out: nynorsk labels (the answers' quotes are bokmål either way).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import gradio as gr

UI_TEXT = Path(__file__).parent / "assistant" / "data" / "ui.json"
LANGS = ("nb", "en")
N_EXAMPLES = 4


@lru_cache(maxsize=1)
def ui_text() -> dict:
    """assistant/data/ui.json: {"labels": {lang: {key: text}}, "messages": {lang: {key: text}}}."""
    return json.loads(UI_TEXT.read_text(encoding="utf-8"))


def ui_lang(lang) -> str:
    """'en' for an English page, 'nb' for anything else: ui_lang("en") -> "en"; ui_lang(None) -> "nb"."""
    return "en" if lang == "en" else "nb"


def words(lang) -> dict:
    """The server's wording for the page's language."""
    return ui_text()["messages"][ui_lang(lang)]


def example(lang, i: int) -> str:
    """The i-th example question as the page shows it in that language."""
    return ui_text()["labels"][ui_lang(lang)][f"example_{i}"]


I18N = gr.I18n(**{lang: ui_text()["labels"][lang] for lang in LANGS})


# Accessibility and small screens, on top of Gradio's default theme (axe: colour contrast of at
# least 4.5:1 for text; nothing wider than the screen). It is put in the page as a <style> element
# so that an app that mounts this one (gr.mount_gradio_app) keeps it without passing `css`.
CSS = """
:root, .gradio-container, .dark {
  --button-primary-background-fill: #c2410c;
  --button-primary-background-fill-hover: #9a3412;
  --button-primary-border-color: #c2410c;
}
footer, footer a, footer button, footer .show-api, footer .settings { color: #55555f !important; }
.min_value, .max_value { color: #55555f !important; }
#answer-json .string { color: #166534 !important; }
#answer-json .number { color: #1e40af !important; }
#answer-json .bool, #answer-json .null { color: #9a3412 !important; }
#chat a.les { white-space: nowrap; }
@media (max-width: 640px) {  /* a phone: the language choice goes under the title */
  #title-row { flex-wrap: wrap; }
  #title-row > * { flex: 1 1 100% !important; min-width: 0 !important; }
  #title-row > #language { flex: 0 0 auto !important; }
}
#app-style { display: none !important; }  /* the <style> still applies; its box takes no room */
#chat .kilde, #chat .svar, #chat .relatert { overflow-wrap: anywhere; }
#chat code { white-space: normal; overflow-wrap: anywhere; }
"""


class Blocks(gr.Blocks):
    """gr.Blocks that keeps the app's translations: Gradio 6's launch() sets them from its own
    `i18n` argument (None unless given), so every launch of this app passes them on."""

    def launch(self, *args, i18n=None, **kwargs):
        return super().launch(*args, i18n=i18n or I18N, **kwargs)


# Gradio exports changeLocale from its core module; it is found among the scripts the page
# loaded (its file name carries a hash that changes with each Gradio version).
SET_LOCALE = r"""
async function nprSetLocale(lang) {
  document.documentElement.lang = lang;
  const urls = performance.getEntriesByType("resource").map((e) => e.name)
    .concat([...document.querySelectorAll("script[src], link[rel=modulepreload]")].map((e) => e.src || e.href));
  const core = urls.find((u) => /\/core-[\w-]+\.js$/.test(u));
  if (core) {
    try { (await import(core)).changeLocale?.(lang); } catch (e) { console.warn("language switch:", e); }
  }
  // Gradio translates a tab's label when the tab is first drawn, not on a switch: do it here
  const tabs = TAB_LABELS;
  for (const button of document.querySelectorAll("[role=tab]")) {
    const key = Object.keys(tabs.nb).find((k) => [tabs.nb[k], tabs.en[k]].includes(button.textContent.trim()));
    if (key) button.textContent = tabs[lang][key];
  }
  return lang;
}
""".replace("TAB_LABELS", json.dumps({lang: {k: ui_text()["labels"][lang][k] for k in ("tab_ask", "tab_sources")}
                                     for lang in LANGS}, ensure_ascii=False))
INITIAL_LANG_JS = "async () => {" + SET_LOCALE + r"""
  let lang = null;
  try { lang = localStorage.getItem("npr-lang"); } catch (e) {}
  if (lang !== "nb" && lang !== "en") {
    const asked = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    lang = asked.some((l) => /^(nb|nn|no)\b/i.test(l || "")) ? "nb" : "en";
  }
  const chosen = await nprSetLocale(lang);
  return [chosen, chosen];
}"""


SWITCH_LANG_JS = "async (lang) => {" + SET_LOCALE + r"""
  try { localStorage.setItem("npr-lang", lang); } catch (e) {}
  return await nprSetLocale(lang);
}"""


def read_on(lang, url: str) -> str:
    """"Les på helsedata.no" for a link to https://helsedata.no/…"""
    host = (urlparse(url).hostname or "").removeprefix("www.")
    return words(lang)["read_on"].format(host=host)
