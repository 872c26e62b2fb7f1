"""Hits -> the sentences that answer -> Answer, or an abstention. Purely extractive.

The answer is made only of units (sentences and list items, see chunking.units) copied from the
corpus, each with a Citation holding its exact offsets, so nothing is stated that a quote does
not say. Steps:
1. the decision (decision.py) weighs the part's signals: similarity to the section's example
   questions and passage, the margin to the runner-up, out-of-scope examples (their closeness,
   their share among the nearest, their words), coverage and topic words the guidance lacks;
   below its threshold -> the part is named as not covered. A route meant for other askers
   (asked_by: the research form, to a municipality) is never drawn on.
2. the primary chunk: the best-ranked hit; its units are ranked by the terms
   they contain themselves, and those within half of the best are kept; a list is kept whole
   when the question is about the section itself ("Hva koster det?" -> both price items).
3. a second section joins when it covers question terms the first one lacks ("Hva koster det,
   og hvor lang tid tar det?").
Deliberately left out: paraphrasing, yes/no verdicts, and anything generated.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from . import language
from . import tuning as T
from .asked_for import gives
from .chunking import units
from .decision import Decision, Signals
from .lexical import GENERIC_IDF, LexicalIndex, content_stems
from .records import Answer, Citation, Hit, Query, Ranking, Unit

MAX_UNITS = T.MAX_UNITS
# a sentence that draws the previous one's consequence ("Vi anbefaler derfor …")
CONSEQUENCE = re.compile(r"\b(?:derfor|difor|dermed|therefore)\b", re.IGNORECASE)


def _without_context(query: Query) -> Query:
    """The query with its context groups counted as its own (for ranking within what it covers)."""
    return replace(query, groups=tuple(replace(g, context=False) for g in query.groups))


def _heading_coverage(lexical: LexicalIndex, query: Query, hit: Hit) -> float:
    return lexical.coverage(query, frozenset(content_stems(f"{hit.chunk.parent} {hit.chunk.heading}")),
                            generic=True)


@lru_cache(maxsize=1)
def messages() -> dict:
    return json.loads((Path(__file__).parent / "data" / "messages.json").read_text(encoding="utf-8"))


def message(lang: str, key: str, **values) -> str:
    table = messages()["en" if lang == "en" else "nb"]
    return table[key].format(**values)


def abstain(question: str, lang: str, reason: str, confidence: float = 0.0, **values) -> Answer:
    return Answer(question, message(lang, reason, **values), True, (), 0.0, lang, reason,
                  round(confidence, 4))


def _uncovered_share(lexical: LexicalIndex, query: Query, covered: frozenset[str],
                     terms: frozenset[str]) -> float:
    """Idf share of the groups `terms` covers that `covered` does not."""
    own = [g for g in query.groups if not g.context]
    total = sum(lexical.group_idf(g) for g in own) or 1.0
    return sum(lexical.group_idf(g) * max(0.0, g.credit(terms) - g.credit(covered))
               for g in own if lexical.group_idf(g) >= GENERIC_IDF) / total


def pick_units(lexical: LexicalIndex, query: Query, hit: Hit,
               dense: list[float] = ()) -> list[tuple[Unit, float]]:
    """The units of one chunk that answer, in document order, each with its score (0..1); a
    section of at most WHOLE_SECTION_UNITS units is quoted whole, since its lines qualify each
    other (the delivery times and "Behandlingstiden starter når komplett søknad er mottatt").

    `dense` (optional) holds each unit's similarity to the question: the unit the model finds
    closest joins when no unit shares the question's words, or when it stands clearly closer
    than every unit that does ("…selv om søknaden ikke er fullstendig?" -> "Behandlingstiden
    starter når komplett søknad er mottatt.").
    """
    chunk = hit.chunk
    all_units = units(chunk)
    if not all_units:
        return []
    full = _without_context(query)  # "… ikkje forsking. Korleis søkjer eg?": the context picks the sentence
    own = [lexical.coverage(full, frozenset(content_stems(u.text))) for u in all_units]
    best = max(own)
    heading_cov = _heading_coverage(lexical, query, hit)
    if best == 0:
        # only the heading matched ("Leveringsfrister"): the section's opening answers it
        chosen = list(range(min(3, len(all_units))))
    else:
        chosen = [i for i, s in enumerate(own) if s > 0 and s >= 0.5 * best]
    if len(dense) == len(all_units) and len(all_units) > 1:
        closest = max(range(len(all_units)), key=lambda i: dense[i])
        if closest not in chosen and (best == 0 or dense[closest] >= max(dense[i] for i in chosen)
                                      + T.UNIT_DENSE_MARGIN):
            chosen = sorted(set(chosen) | {closest})
    picked = set(chosen)
    # the sentence right after an answer often completes it ("…skal du ikke bruke søknadsskjema
    # på helsedata.no." -> "Du finner mer informasjon … på hjemmesiden til NPR"): keep it when
    # it still touches a specific part of the question, or draws the answer's consequence ("…
    # avhenger av hva du søker om …" -> "Vi anbefaler derfor at du … søknadsveilederne")
    specific = [g for g in query.groups if not g.context and lexical.group_idf(g) >= GENERIC_IDF]
    for i in chosen:
        nxt = i + 1
        if nxt < len(all_units) and all_units[nxt].kind == "sentence" and all_units[i].kind == "sentence":
            stems = set(content_stems(all_units[nxt].text))
            if any(g.credit(stems) > 0 for g in specific) or CONSEQUENCE.search(all_units[nxt].text):
                picked.add(nxt)
    for i in chosen:
        u = all_units[i]
        if u.list_id < 0:
            continue
        members = [j for j, v in enumerate(all_units) if v.list_id == u.list_id]
        items = [j for j in members if all_units[j].kind == "item"]
        # a list whose intro answers, or a short list the question is about as a whole, stays
        # whole; an intro line always joins its items
        if u.kind == "intro" or (len(items) <= 5 and heading_cov >= 0.5):
            picked.update(members)
        picked.update(j for j in members if all_units[j].kind == "intro")
    if len(all_units) <= T.WHOLE_SECTION_UNITS or _one_short_list(all_units):
        picked = set(range(len(all_units)))
    ordered = sorted(picked)[:MAX_UNITS]
    return [(all_units[i], round(min(1.0, max(own[i], heading_cov)) * hit.coverage, 4))
            for i in ordered]


def _one_short_list(all_units: list[Unit]) -> bool:
    """A section that is one list of at most five items (the exclusions, the purposes): its items
    answer together ("Er det nokon pasientgrupper som ikkje er med?" asks for all of them)."""
    return (len({u.list_id for u in all_units}) == 1 and all_units[0].list_id >= 0
            and sum(u.kind == "item" for u in all_units) <= 5)


def render(lang: str, sections: list[list[Unit]], notes: list[str] = ()) -> str:
    """Units as answer text: prose joined, list items as bullets, one paragraph per section."""
    paras = []
    for sec_units in sections:
        lines: list[str] = []
        for u in sec_units:
            if u.kind == "item":
                lines.append(f"• {u.text}")
            elif lines and not lines[-1].startswith("•") and u.kind == "sentence":
                lines[-1] += " " + u.text
            else:
                lines.append(u.text)
        paras.append("\n".join(lines))
    lead = message(lang, "lead")
    body = "\n\n".join([*paras, *notes])
    return f"{lead}\n{body}" if lead else body


def missing_topics(query: Query, known: frozenset[str], period: bool = False,
                   answering: frozenset[str] = frozenset()) -> float:
    """Topic words neither the guidance nor its examples know, weighted by rarity (0 = none).
    `period`: the section answering states a period ("Fra 1997 til d.d."), which answers for any year.

    "Kan dataene leveres på minnepinne?" -> ~1.0 (minnepinne); "Hva koster det, kjære dere?" -> 0.0
    """
    return _rare_weight(query, _unknown(query, known, period, answering))


def _unknown(query: Query, known: frozenset[str], period: bool, answering: frozenset[str]) -> list:
    """The question's own topic groups the guidance and its examples lack, but for one side of an
    "A or B" whose other side the answering section (`answering`, its stems) holds: "Er det
    Helsedirektoratet eller en underleverandør som er databehandler?" is answered by the line
    naming Helsedirektoratet, while "kalenderdager eller virkedager?" lacks both sides."""
    unknown = [g for g in query.groups if not g.context and not _known(g, known, period)]
    gone = {g.label for g in unknown}
    held = {g.label for g in query.groups if g.label not in gone and answering and g.credit(answering) >= 1.0}
    excused = {a for a, b in query.either if a in gone and b in held} | \
              {b for a, b in query.either if b in gone and a in held}
    return [g for g in unknown if g.label not in excused]


def declined_topics(query: Query, known: frozenset[str], declined: frozenset[str], period: bool = False,
                    answering: frozenset[str] = frozenset()) -> float:
    """Of the missing topic words, those the out-of-scope examples use: a subject the guidance
    was seen not to answer. "Kan vi få dataene på minnepinne?" -> ~1.0 (minnepinne)."""
    return _rare_weight(query, [g for g in _unknown(query, known, period, answering)
                                if any(t.lstrip("!") in declined for t in g.terms)])


@lru_cache(maxsize=512)
def _stems_of(text: str) -> frozenset[str]:
    """A section's stems, kept: choosing the sections and the decision ask for them on every question."""
    return frozenset(content_stems(text))


def _same_text(a: Hit, b: Hit) -> bool:
    """Whether two hits quote the same words: the page repeats a paragraph under two headings (the
    linking rules), which is no second answer."""
    return a.chunk.text.split() == b.chunk.text.split()


def _rare_weight(query: Query, groups) -> float:
    speech = language.get(query.lang)
    return round(sum(max((speech.rarity(w) for w in (g.raw or g.label).split()), default=0.0)
                     for g in groups), 4)


YEAR = re.compile(r"(19|20)\d\d")
# a span of years: "Fra 1997 til d.d.", "1997-2020", "from 1997 to date"
PERIOD = re.compile(r"\b(?:fra|frå|from)\s+(?:19|20)\d\d\s+(?:til|to)\b|\b(?:19|20)\d\d\s*[-–]\s*(?:(?:19|20)\d\d|d\.d\.)",
                    re.IGNORECASE)


def _known(g, known: frozenset[str], period: bool = False) -> bool:
    """Whether the guidance or its examples know a question word: itself or what the glossary says
    it means; a year only as itself (1990 is not 1997) unless the answering section states a
    period ("prosjektet gjeld 2000-2015, er det dekt?" is answered by "Fra 1997 til d.d."), and a
    compound not by its last part alone (tannbehandling is not behandling)."""
    if YEAR.fullmatch(g.label):
        return period or any(t.lstrip("!") in known for t in g.terms[:1])
    return any(t.lstrip("!") in known for t, w in zip(g.terms, g.weights) if w >= T.KNOWN_BY_WEIGHT)


def choose(query: Query, ranking: Ranking, lexical: LexicalIndex) -> tuple[list[Hit], float]:
    """The hits an answer draws on (the best-ranked first) and the share of the question they cover."""
    # a route meant for other askers (the research form, to a municipality) is never quoted
    # ...nor, to a question naming one register ("Hvor lang tid tar saksbehandlingen i KPR?"), another
    # register's page (NPR's price beside KPR's)
    hits = [h for h in ranking.hits if (h.chunk.source, h.chunk.heading) not in ranking.other_routes
            and h.chunk.source not in ranking.other_registers]
    if not query.groups or not hits or query.off_topic:
        return [], 0.0
    primary = hits[0]
    chosen = [primary]
    covered = set(_stems_of(primary.chunk.context))
    for h in hits[:5]:
        if len(chosen) >= T.MAX_SECTIONS:
            break
        if h in chosen or h.chunk.heading == primary.chunk.heading or h.coverage < T.SECOND_MIN_COVERAGE \
                or _same_text(h, primary):
            continue
        terms = _stems_of(h.chunk.context)
        if _uncovered_share(lexical, query, frozenset(covered), terms) >= T.SECOND_SECTION_SHARE:
            chosen.append(h)
            covered |= terms
    coverage = lexical.coverage(query, frozenset(covered))
    # two sections the ranking can hardly tell apart ("Hvilke regler gjelder for kobling?": the
    # linking section and its legal basis) are both quoted rather than one guessed; the share
    # covered (what the decision weighs) stays that of the sections chosen above
    tie = next((h for h in hits[1:5] if h.chunk.heading != primary.chunk.heading and not _same_text(h, primary)), None)
    if T.TIE_MARGIN and tie is not None and tie.chunk.heading not in {h.chunk.heading for h in chosen} \
            and len(chosen) < T.MAX_SECTIONS \
            and primary.score - tie.score <= T.TIE_MARGIN and tie.coverage >= T.SECOND_MIN_COVERAGE:
        chosen.append(tie)
    return chosen, coverage


def signals(query: Query, ranking: Ranking, chosen: list[Hit], coverage: float,
            known: frozenset[str], declined: frozenset[str] = frozenset(), with_examples: bool = False) -> Signals:
    """What the decision weighs for one question part (see decision.py). `declined`: the words
    only out-of-scope example questions use; `with_examples`: some document has example questions."""
    # a section that states a period ("Fra 1997 til d.d.") answers for any year asked about
    period = bool(chosen) and bool(PERIOD.search(chosen[0].chunk.text))
    answering = _stems_of(chosen[0].chunk.context) if chosen else frozenset()
    missing = missing_topics(query, known, period, answering)
    oos_words = declined_topics(query, known, declined, period, answering) if declined else 0.0
    if not chosen:
        return Signals(0.0, 0.0, 0.0, 0.0, 0.0, missing, ranking.oos_share, oos_words, 0.0, off_topic=bool(query.off_topic))
    top = chosen[0]
    # a section without examples: its documents-only ranking score stands for them (its passage,
    # its closest sentence less its hubness, and its words; development grid, leave one set out:
    # 773 right / 47 wrong with the passage alone, 832 / 63 with the score)
    semantic = top.example or top.plain
    out_of_scope = round(ranking.out_of_scope - semantic, 4) if ranking.out_of_scope else 0.0
    # the route the asker named stands above the runner-up by what the asker said too
    routed = T.ROUTE_BONUS * ranking.routed
    asked = ranking.asked  # asked_for.asks_for(query.text), found once by the ranking
    # the first section must hold it: a second one beside it (the price beside the Helsenorge
    # section) answers what the asker did not ask
    kind_missing = asked is not None and not gives(asked, chosen[0].chunk.text)
    margin_known = True
    if top.example:
        margin = round(semantic + routed - ranking.runner_up, 4)
    elif with_examples:
        # a document without examples beside ones with: its score and theirs are on different
        # scales, and the documents-only model was fitted on documents alone, so the margin says
        # nothing (the model counts it as its fitted mean)
        margin, margin_known = 0.0, False
    elif ranking.next_section is not None:  # documents only: the section's score over the next section's
        margin = round(max(0.0, top.score - ranking.next_section), 4)
    else:  # no other section stands among the candidates
        margin = 0.0
    # the neighbours' vote: how many of the nearest example questions are the section's own (for
    # the route the asker named, any route's: the routes answer one question for different askers);
    # a section without examples has no vote (the model counts its fitted mean, as for the margin)
    first = (top.chunk.source, top.chunk.heading)
    own = {first} | ({ranking.route} | set(ranking.other_routes) if ranking.routed else set())
    # out of as many as could be its own: a section of an added document with three example
    # questions holds at most three of the ten nearest, and all three is a full vote
    counts = ranking.example_counts or {}
    room = min(len(ranking.neighbours), sum(counts.get(key, 0) for key in own) or len(ranking.neighbours))
    share = round(sum(key in own for key in ranking.neighbours) / room, 4) if ranking.neighbours else 0.0
    share_known = first in ranking.with_examples and bool(ranking.neighbours)
    return Signals(semantic, margin, out_of_scope,
                   top.dense, round(coverage, 4), missing, ranking.oos_share, oos_words,
                   out_of_scope if ranking.oos_named else 0.0, share, bool(query.off_topic), kind_missing,
                   margin_known, share_known)


def compose(question: str, lang: str, parts: list[tuple[Query, Ranking]], lexical: LexicalIndex,
            decision: Decision, known: frozenset[str], with_examples: bool = True,
            trace: list | None = None, unit_similarities=None,
            declined: frozenset[str] = frozenset()) -> Answer:
    """The grounded Answer to a question asked in one or more parts (latency filled in later).

    Parts the decision accepts are answered with quotes; a part it declines is named in a note,
    never guessed. When no part is answered, the whole answer abstains. `trace` (a list) receives
    each part's (Signals, Verdict, top section) for the eval and the calibration report.
    """
    if not any(any(not g.context for g in q.groups) or q.off_topic for q, _ in parts):
        return abstain(question, lang, "empty")
    sections, citations, notes, scores, seen = [], [], [], [], set()
    for query, ranking in parts:
        chosen, coverage = choose(query, ranking, lexical)
        sig = signals(query, ranking, chosen, coverage, known, declined, with_examples)
        # a section without example questions (a document without an example file) is judged
        # by the documents-only model
        verdict = decision.decide(sig, with_examples and bool(chosen) and chosen[0].example > 0,
                                  lexical_only=not ranking.dense)
        if trace is not None:
            trace.append((sig, verdict, chosen[0].chunk.heading if chosen else ""))
        scores.append(verdict.score)
        if not chosen or not verdict.answer:
            notes.append(message(lang, "part_not_covered", part=query.text.strip(" ?")))
            continue
        for h in chosen:
            dense = unit_similarities(h.chunk, ranking.vector) if unit_similarities else []
            picked = [(u, s) for u, s in pick_units(lexical, query, h, dense)
                      if (h.chunk.source, u.start) not in seen]
            seen.update((h.chunk.source, u.start) for u, _ in picked)
            if picked:
                sections.append([u for u, _ in picked])
                citations.extend(Citation(h.chunk.source, h.chunk.heading, u.text, u.start, u.end,
                                          score, h.chunk.title) for u, score in picked)
    if not citations:
        return abstain(question, lang, "not_covered", max(scores))
    return Answer(question, render(lang, sections, notes), False, tuple(citations), 0.0, lang,
                  "answered", round(max(scores), 4))
