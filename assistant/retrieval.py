"""Question -> ranked Hits: example questions, passages and BM25, fused per section.

`HybridSearch.rank(query, k, text)` embeds the question once and asks the vector store for the
nearest items: passages (chunks) and the example questions each section answers. Per chunk:
    semantic = mean of its section's best EXAMPLES_PER_SECTION example similarities
               + PASSAGE_SHARE * the passage's own similarity
    score    = semantic + LEXICAL_SHARE * BM25 / best BM25
               + COVERAGE_WEIGHT * coverage + HEADING_WEIGHT * heading coverage
               + what the asker says of their purpose (CONTEXT_WEIGHT, CONFLICT_PENALTY, AGREEMENT_BONUS)
               ± ROUTE_BONUS for the route the asker's words name (asked_by) and the other routes
and where the example questions clearly prefer another section than the first (its closest
example EXAMPLE_DECISIVE nearer, and itself at least EXAMPLE_DECISIVE_FLOOR near), that section
goes first, whatever the sum says; the rest keep their order. Not where the asker named a route,
and not away from a section holding the kind of fact asked for to one that does not.
Without example questions (documents only) the passage similarity stands alone, with its closest
sentence's (UNIT_SHARE), less its hubness (HUB_SHARE: how near it stands to every question); a
document without examples beside ones with is ranked on their scale (its passage + EXAMPLE_GAP),
and each such section's Hit also carries `plain`, the score a documents-only ranking gives it
(with the passage in its closest sentence's place when the sentences are not embedded), which the
documents-only decision weighs. A document without routes still keeps an asker from the
sections for others: one who says, or by who they are is heard to say (assistant/data/askers.json),
what a section's askers are not ("andre formål enn forskning") is never quoted a section offering
what that section tells them not to use (`contrasted`; worked out once per set of negated words).
The Ranking also carries, for the decision, the nearest out-of-scope example (and whether the question names its
subject), the share of out-of-scope examples among the nearest ten, the best example similarity
of any other section that could answer this asker, and the route named with the routes it rules out. When the Chroma server is unreachable the search degrades to lexical only, with a
warning, and dense hits come back by themselves once the server answers again.

No step is linear in the corpus per query beyond one numpy pass over the BM25 scores.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from functools import lru_cache

import numpy as np

from . import tuning as T
from .asked_for import asks_for, gives
from .chunking import units
from .embedding import Embedder
from .index import IndexUnavailableError, VectorIndex
from .lexical import GENERIC_IDF, LexicalIndex, content_stems
from .questions import compared_with
from .records import Chunk, Hit, Query, Ranking
from .text import data_text

log = logging.getLogger(__name__)


def rrf(rankings: list[tuple[list[int], float]], k: int = T.RRF_K) -> dict[int, float]:
    """Weighted reciprocal rank fusion of ranked id lists.

    rrf([([1, 2], 1.0), ([2], 0.5)], k=10) -> {1: 1/11, 2: 1/12 + 0.5/11}
    """
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def top_positive(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the n highest positive scores, best first (ties: lower index first).

    top_positive(np.array([0.0, 2.0, 1.0, 2.0]), 2) -> [1, 3]
    """
    idx = np.flatnonzero(scores > 0)
    if len(idx) > n:
        idx = idx[np.argpartition(-scores[idx], n - 1)[:n]]
    return sorted((int(i) for i in idx), key=lambda i: (-scores[i], i))


def polarity(query: Query) -> tuple[set[str], set[str]]:
    """The stems a question (with its context) asserts and those it negates.

    "ikke forskning" -> (set(), {"forskning"}); "Jeg er forsker" (glossary: forskning) -> ({"forskning"}, set())
    """
    positive, negated = set(), set()
    for g in query.groups:
        for t in g.terms:
            (negated if t.startswith("!") else positive).add(t.lstrip("!"))
    return positive - negated, negated - positive


def contradicts(doc: frozenset[str], positive: set[str], negated: set[str]) -> bool:
    """A chunk negates what the asker asserts, or asserts what the asker negates.

    contradicts({"!forskning"}, {"forskning"}, set()) -> True
    """
    return any(f"!{t}" in doc for t in positive) or any(t in doc for t in negated)


# where a clause ends: what a sentence tells its askers not to use stops at "men" ("…, men send …")
CLAUSES = re.compile(r"[,;:]|\b(?:men|but|derimot|instead|i staden|i stedet)\b", re.IGNORECASE)


def same_word(a: str, b: str) -> bool:
    """Two stems of one word, which Snowball may stem apart by its ending ("søknadsskjema",
    "søknadsskjemaene"): equal, or one starts the other and is at least 80 % of it.

    same_word("soknadsskjem", "soknadsskjema") -> True; same_word("soknad", "soknadsskjem") -> False
    """
    short, long_ = sorted((a, b), key=len)
    return a == b or (len(short) >= 6 and long_.startswith(short) and len(short) >= 0.8 * len(long_))


@lru_cache(maxsize=1)
def _purposes() -> tuple[tuple[str, tuple[frozenset[str], ...], tuple[frozenset[str], ...]], ...]:
    """assistant/data/askers.json: (the stem an asker is heard to negate, the cues that say so, the
    cues that say otherwise), each cue as its stems."""
    def cues(words) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(content_stems(w)) for w in words if content_stems(w))

    try:
        data = json.loads(data_text("askers.json"))
        return tuple((content_stems(p["negates"])[0], cues(p["said_by"]), cues(p.get("unless", ())))
                     for p in data.get("purposes", ()) if content_stems(p["negates"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("assistant/data/askers.json is missing or broken (%s): askers of documents without "
                    "example questions are heard only by what they say they are not.", exc)
        return ()


def _says(cue: frozenset[str], said: set[str], starts: bool = False) -> bool:
    """A cue's words all said; a one-word cue also in another form of its word ("Universitetet"),
    as the end of the asker's compound ("frilansjournalist", "seniorforsker"), and with `starts`
    as its start ("forskningsavdelingen")."""
    if cue <= said:
        return True
    return len(cue) == 1 and any(same_word(s, c) or (len(s) > len(c) >= T.CUE_HEAD_MIN and (
        s.endswith(c) or (starts and s.startswith(c)))) for c in cue for s in said)


def implied_negations(said: set[str]) -> frozenset[str]:
    """What askers are heard to say they are not, by who they say they are (the stems of what
    they say of themselves, never of the question's subject: "pasienter i min kommune").

    implied_negations({"kommun"}) -> {"forskning"}; implied_negations({"kommun", "forsk"}) -> frozenset()
    """
    return frozenset(neg for neg, by, unless in _purposes()
                     if neg not in said and any(_says(c, said) for c in by)
                     and not any(_says(c, said, starts=True) for c in unless))


def mean_best(values: list[float], n: int) -> float:
    """mean_best([0.8, 0.9, 0.7], 2) -> 0.85; [] -> 0.0"""
    best = sorted(values, reverse=True)[:n]
    return sum(best) / len(best) if best else 0.0


def mentions(text: str, name: str) -> bool:
    """Whether `text` names `name` as a word: in any case, or only as written when `name` is in
    capitals (an acronym that is also a common word); a possessive -s too ("KPRs tall").

        mentions("Hva koster data fra kpr?", "kpr") -> True;  mentions("Hva er det?", "DET") -> False
    """
    flags = 0 if name.isupper() else re.I
    return re.search(rf"(?<!\w){re.escape(name)}s?(?!\w)", text, flags) is not None


class HybridSearch:
    def __init__(self, chunks: list[Chunk], lexical: LexicalIndex, vectors: VectorIndex,
                 embedder: Embedder, with_examples: bool = False):
        self.chunks = chunks
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.with_examples = with_examples
        self.position = {c.id: i for i, c in enumerate(chunks)}
        self.sections_with_examples: frozenset[tuple[str, str]] = frozenset()  # set by the Assistant (shared by every Ranking, never copied)
        self.example_counts: dict[tuple[str, str], int] = {}  # ...and how many each has
        self.named: dict[str, tuple[str, ...]] = {}  # source -> what its register is called (two documents or more)
        # (chunk, question vector) -> the closest of the chunk's sentences (set by the Assistant)
        self.sentence_best = None
        # documents only: chunk position -> how much nearer it stands to every question than the
        # mean chunk (set by the Assistant; {} with example questions)
        self.hubness: dict[int, float] = {}
        # (source, heading) -> the stems of each `asked_by` cue: sections that are one route among
        # others, and the words by which askers say they are that route's (set by the Assistant)
        self.routes: dict[tuple[str, str], tuple[frozenset[str], ...]] = {}
        # (source, heading) -> (each `not_for` cue, each `unless` word, as stems joined by a space):
        # askers a section is never quoted to ("egn helseopplysning": the research form, to a
        # patient), unless they also say what it is for ("forskningsprosjekt"); `heard` holds the
        # message's stems, its glossary phrases and its words two by two (Assistant.heard)
        self.not_for: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._route_chunks: dict[tuple[str, str], tuple[int, ...]] | None = None  # on first use
        # for these routes (`_contrast_for`): the documents that have routes, and contrasted() per set
        # of negated words
        self._routed, self._unrouted, self._contrast, self._contrast_for = frozenset(), True, {}, None
        self._heads, self._heads_for = frozenset(), None  # the one-word cues (cue_heads), of which routes
        # out-of-scope example id -> the words that make it out of scope (ones neither the guidance
        # nor the in-scope examples use), set by the Assistant: "kor lang tid tek ei klage" -> {klag}
        self.oos_topics: dict[str, frozenset[str]] = {}
        self.oos_stems: dict[str, frozenset[str]] = {}  # ...and all its words' stems
        self._vectors: dict[str, object] = {}
        self._vector_lock = threading.Lock()
        self.dense_down = False  # so an outage is logged once, not per question
        self._headings: dict[int, frozenset[str]] = {}
        self._gives: dict[tuple[int, object], bool] = {}  # (chunk, kind asked for) -> whether its text holds one

    def heading_terms(self, i: int) -> frozenset[str]:
        if i not in self._headings:
            chunk = self.chunks[i]
            self._headings[i] = frozenset(content_stems(f"{chunk.parent} {chunk.heading}"))
        return self._headings[i]

    def search(self, query: Query, k: int, text: str = "") -> list[Hit]:
        return list(self.rank(query, k, text).hits)

    def rank(self, query: Query, k: int, text: str = "", asker: frozenset[str] = frozenset(),
             role: frozenset[str] = frozenset(), heard: frozenset[str] = frozenset(), said: str = "",
             own: str = "") -> Ranking:
        """The k best chunks for a query; `text` is what is embedded (default: the question);
        `asker`: the stems of everything the asker wrote (question, message, e-mail), for routes;
        `role`: the stems of what the asker says they are, which decides when `asker` names two;
        `heard`: what the whole message says (stems, glossary phrases, words two by two), for `not_for`;
        `said`: the message's statements beside its one question, which may ask for a list's items."""
        # the kind of fact asked for ("Fra hvilket år …", "How much …"): a section holding one rises
        # a little (the year's section wins over a neighbour about the register's content), and the
        # decision needs the first section to hold one (answering.signals)
        # (`own`: a question with no topic of its own, heard with what it asks about, asks for the
        # kind its own words ask for, if any: "Hvor lenge da?" after "Hva koster det?" asks for a
        # duration, "Hvor finner vi den?" for what the question before it asks)
        wanted = (asks_for(own) if own else None) or asks_for(query.text)
        if wanted is None and said:
            # "Hvilke områder dekker NPR? Jeg vil ha hele listen.": the statement asks for the
            # question's list; no other kind is taken from a statement (it is the asker's story)
            beside = asks_for(said)
            wanted = beside if beside is not None and beside.kind == "listing" else None
        lex = self.lexical.scores(query)
        lex_rank = top_positive(lex, max(k, T.LEXICAL_CANDIDATES))
        vector, found = self._dense(text or query.text, max(k, T.DENSE_CANDIDATES))
        passage: dict[int, float] = {}
        by_section: dict[tuple[str, str], list[float]] = {}
        for item, sim, meta in found:
            if item in self.position:
                passage[self.position[item]] = sim
            elif meta.get("kind") == "example" and meta.get("heading"):
                by_section.setdefault((meta.get("source", ""), meta["heading"]), []).append(sim)
        # whether the question names what makes its nearest out-of-scope example out of scope:
        # "kor lang tid tek det" does not name the "klage" of "kor lang tid tek ei klage"
        asked = {t.lstrip("!") for g in query.groups for t in g.terms}

        def named(item: str) -> bool:
            topics = self.oos_topics.get(item, frozenset())
            return not topics or bool(topics & asked)

        examples = {key: mean_best(v, T.EXAMPLES_PER_SECTION) for key, v in by_section.items()}
        # not among the nearest: no closer than the farthest of its kind
        floor = min((s for _, s, m in found if m.get("kind") == "example"), default=0.0)
        passage_floor = min((s for _, s, m in found if m.get("kind") != "example"), default=0.0)
        positive, negated = polarity(query)
        # the asker's words a route's cue may be among; never the people they compare themselves with
        # ("det samme skjemaet som forskerne bruker" is asked by someone who is not one)
        compared = frozenset(content_stems(" ".join(compared_with(query.text))))
        named_by = (positive | asker | self.cue_heads(asker)) - compared
        route = self.route(named_by, negated, role | self.cue_heads(role))
        # a document without routes hears who asks as what they are not ("Vi er en kommune": not
        # research), and its section for those askers ("… andre formål enn forskning") agrees
        routed_sources = self.routed_sources()
        # (only where some document has no routes: the bundled one has, so its answers skip this)
        implied = (implied_negations((asker | role) - negated - compared)
                   if self._unrouted else frozenset())
        heard_not = frozenset(negated | implied)
        # only a route whose text excludes askers ("andre formål enn forskning") rises by the routes'
        # examples (below): the other route is where every unnamed question goes anyway, and
        # "søknad" would pull any researcher's question there
        excludes = bool(route) and bool(found) and self._excludes(route)
        # the routes answer one question ("how do we apply?") for different askers, and who asks
        # decides which: the named route is as close to the question as any route is, but only
        # where a route is about as close as any section ("Hva er formålet med NPR?" from a
        # municipality asks what the purpose section says, though the route's text has "formål")
        routes_fit, routes_best = True, 0.0
        if route:
            routes_best = max(examples.get(key, floor) for key in self.routes)
            routes_fit = not examples or routes_best >= max(examples.values()) - T.ROUTE_FIT_MARGIN
            examples[route] = routes_best
        candidates = set(lex_rank) | set(passage) | {i for i, c in enumerate(self.chunks)
                                                     if (c.source, c.heading) in examples}
        if not candidates:
            return Ranking((), vector=vector, dense=bool(found), asked=wanted)
        best_lex = max(float(lex.max()) if len(lex) else 0.0, T.LEXICAL_FLOOR)
        # the context's specific groups and their weights, once per question (not per chunk)
        context = [(g, w) for g in query.groups if g.context
                   for w in (self.lexical.group_idf(g),) if w >= GENERIC_IDF]
        context_total = sum(w for _, w in context)
        final, cover, ex_of, plain_of = {}, {}, {}, {}
        # ...or where the question is one the routes answer ("Which application route do we use?",
        # "Hvordan søker vi om tilgang til data?"): the routes' examples are the closest of all
        # sections', and the route's text holds a word of the question (not "Kan jeg sitere dere?")
        route_asked = excludes and routes_best >= max(examples.values()) - T.ROUTE_EXAMPLE_MARGIN
        routed = set()  # the named route's chunks that answer the question
        for i in candidates:
            c = self.chunks[i]
            ps = passage.get(i, passage_floor)
            if (c.source, c.heading) in self.sections_with_examples:
                ex = examples.get((c.source, c.heading), floor if found else 0.0)
                if found and self.example_counts.get((c.source, c.heading), T.FEW_EXAMPLES) < T.FEW_EXAMPLES:
                    # a section with a handful of example questions is read as well as its passage
                    # reads (as a section without any is): the closest of three stands far below the
                    # closest of the guidance's hundreds
                    ex = max(ex, ps + T.EXAMPLE_GAP)
                semantic = ex + T.PASSAGE_SHARE * ps
            else:
                ex, semantic = 0.0, T.DENSE_ONLY_WEIGHT * ps - T.HUB_SHARE * self.hubness.get(i, 0.0)
                if T.UNIT_SHARE and self.sentence_best is not None and vector is not None:
                    semantic += T.UNIT_SHARE * self.sentence_best(c, vector)
                    plain = semantic
                else:  # no sentence vectors (over UNITS_AT_BUILD): the passage stands for its closest
                    plain = semantic + T.UNIT_SHARE * ps  # sentence in the decision's scale
                if self.with_examples:  # a document without examples beside ones with: ranked on their scale
                    semantic = ps + T.EXAMPLE_GAP + T.PASSAGE_SHARE * ps
                # its documents-only score, which the decision weighs, is final[i] plus this
                plain_of[i] = plain - semantic
            cover[i] = self.lexical.coverage(query, self.lexical.doc_sets[i])
            # the named route rises where it answers the question (its text covers the question's
            # specific words), not for "Hva koster det?"
            # (never for a kind of fact its text does not hold: "Is our quality work within the
            # register's purpose?" from a hospital asks what the purpose section says)
            if route and routes_fit and (c.source, c.heading) == route and (wanted is None or self.holds(i, wanted)) and (
                    cover[i] >= T.ROUTE_COVERAGE
                    or (route_asked and self.lexical.coverage(query, self.lexical.doc_sets[i], generic=True)
                        >= T.ROUTE_ASKED_COVERAGE)):
                routed.add(i)
            ex_of[i] = ex
            doc = self.lexical.doc_sets[i]
            final[i] = (semantic + T.LEXICAL_SHARE * (float(lex[i]) / best_lex if best_lex > 0 else 0.0)
                        + T.COVERAGE_WEIGHT * cover[i]
                        + T.HEADING_WEIGHT * self.lexical.coverage(query, self.heading_terms(i), generic=True)
                        # what the asker says about themselves steers ("ikke forskning" -> the
                        # section for other purposes), and a section saying the opposite of it
                        # ("… enn forskning" to a researcher) drops
                        + T.CONTEXT_WEIGHT * (sum(w * g.credit(doc) for g, w in context) / context_total
                                              if context_total else 0.0)
                        - T.CONFLICT_PENALTY * contradicts(doc, positive, negated)
                        + T.AGREEMENT_BONUS * (routes_fit and any(f"!{t}" in doc for t in
                                                                  (heard_not if c.source not in routed_sources else negated)))
                        # the route the asker's words name rises where it answers the question, and
                        # the other routes fall: a municipality is never sent to the research form
                        + T.ROUTE_BONUS * (i in routed)
                        + (T.KIND_BONUS * self.holds(i, wanted) if wanted is not None and T.KIND_BONUS else 0.0)
                        - T.ROUTE_BONUS * (bool(route) and (c.source, c.heading) in self.routes
                                           and (c.source, c.heading) != route))
        # the register the asker names decides the document: "Hva koster data fra KPR?" beside the
        # NPR guidance is a question for the KPR page (each document's name and acronym, from its
        # title or first line; only where the question names one document's and no other's). The
        # pages of other registers fall; a page naming no register of its own ("Årsrapport for NPR
        # 2024") does not
        other_registers = frozenset()
        if self.named and final:
            registers = self.registers_named(f"{query.text} {text}")
            if len(registers) == 1:
                other_registers = frozenset(s for s, names in self.named.items() if names and s not in registers)
                for i in final:
                    if self.chunks[i].source in other_registers:
                        final[i] -= T.DOCUMENT_NAMED
        # the example questions decide where they clearly prefer one section: when the first
        # section's closest example stands EXAMPLE_DECISIVE or more below the best section's (and
        # that one is itself EXAMPLE_DECISIVE_FLOOR near), that section goes first, however many
        # of the question's words the other's text holds (the delivery times name "anonyme
        # opplysninger", which does not say whether the register is anonymous); the rest keep
        # their order (a second section may still be quoted beside it). Not to or from a route
        # where the asker named one (who asks decides between the routes; a journalist's "Finnes
        # det statistikk som allerede er publisert?" still goes to open data, not where the
        # e-mail's "ventetider" leads), not between a section with example questions and one
        # without (other scales), and not away from a section holding the kind of fact asked for
        # to one that does not ("Er det gratis?" stays with the price)
        if examples and T.EXAMPLE_DECISIVE and final:
            best_key = max(examples, key=examples.get)
            first = max(final, key=lambda i: (final[i], -i))
            first_key = (self.chunks[first].source, self.chunks[first].heading)
            if best_key != first_key and {best_key, first_key} <= self.sections_with_examples \
                    and not (route and {best_key, first_key} & self.routes.keys()) \
                    and ex_of[first] <= examples[best_key] - T.EXAMPLE_DECISIVE \
                    and examples[best_key] >= T.EXAMPLE_DECISIVE_FLOOR:
                own = [i for i in final if (self.chunks[i].source, self.chunks[i].heading) == best_key]
                if own and not (wanted is not None and self.holds(first, wanted)
                                and not any(self.holds(i, wanted) for i in own)):
                    lift = final[first] - max(final[i] for i in own) + 1e-6
                    for i in own:
                        final[i] += lift
        # a route (one of the asked_by sections) yields first place where its text holds no fact of
        # the kind asked for (the decision would decline it): "Is our quality work within the
        # register's purpose?" from a hospital is answered by the purposes, though the route for
        # other purposes than research says "formål" and the hospital's words name that route
        if wanted is not None and T.KIND_DECISIVE and final:
            first = max(final, key=lambda i: (final[i], -i))
            holding = ([i for i in final if self.holds(i, wanted)]
                       if (self.chunks[first].source, self.chunks[first].heading) in self.routes
                       and not self.holds(first, wanted) else [])
            if holding:
                best = max(holding, key=lambda i: (final[i], -i))
                if final[first] - final[best] <= T.KIND_DECISIVE:
                    lift = final[first] - final[best] + 1e-6
                    for i in final:
                        if (self.chunks[i].source, self.chunks[i].heading) == (self.chunks[best].source,
                                                                               self.chunks[best].heading):
                            final[i] += lift
        if not found:  # lexical only (the server is away): rank as the fused lexical ranking
            fused = rrf([(lex_rank, 1.0)])
            final = {i: fused.get(i, 0.0) + T.COVERAGE_WEIGHT * cover[i] for i in candidates}
            plain_of = dict.fromkeys(plain_of, 0.0)  # ...which is every section's documents-only score too
        ranked = sorted(final, key=lambda i: (-final[i], i))
        # documents without routes: what the asker says they are not, or is heard to say by who
        # they are ("Vi er en kommune": not research), bars the sections for the others
        others = (frozenset(key for key in self.routes if route and key != route)
                  | self.contrasted(heard_not))
        said = (positive | asker | heard) - negated
        # a section is never quoted to the askers it is not for, unless they say what it is for
        # ("my own data" from a patient, but not "my own data for research"), or name it as their
        # route by its cue words ("Vi er en kommune"): saying only what they are not ("Eg er ikkje
        # forskar, eg vil sjå kva som står om meg") names no route for one's own data
        by_cue = bool(route) and any(cue <= named_by - negated for cue in self.routes[route])
        others |= {key for key, (cues, unless) in self.not_for.items()
                   if any(cue in said for cue in cues) and not any(w in said for w in unless)
                   and (key != route or not by_cue)}

        def key_of(i: int) -> tuple[str, str]:
            return self.chunks[i].source, self.chunks[i].heading

        # the first section that may be quoted to this asker (answering.py leaves the others out)
        top_section = next((key_of(i) for i in ranked if key_of(i) not in others and key_of(i)[0] not in other_registers),
                           key_of(ranked[0]))
        # the runner-up is a section that could answer this asker: never a route meant for others
        runner_up = max((v for key, v in examples.items() if key != top_section and key not in others
                         and key[0] not in other_registers),
                        default=floor)
        # over every candidate, not only the k hits: a long section's chunks can fill them all
        next_section = next((final[i] for i in ranked if key_of(i) != top_section and key_of(i) not in others
                             and key_of(i)[0] not in other_registers), None)
        # a section without examples: its documents-only score, the shared parts (words, coverage,
        # what the asker says) with its documents-only semantic part (0 for one with examples)
        hits = tuple(Hit(self.chunks[i], round(final[i], 6), round(float(lex[i]), 4),
                         round(passage.get(i, 0.0), 4), round(cover[i], 4), round(ex_of[i], 4),
                         round(final[i] + plain_of[i], 6) if i in plain_of else 0.0)
                     for i in ranked[:k])
        # how many of the nearest example questions are ones the guidance does not answer: a
        # near-miss sits among several out-of-scope examples, a real question among its section's
        # (an out-of-scope example that is this very question about a subject it does not name,
        # "Korleis søkjer eg om studielån?" beside "Korleis søkjer eg?", is no neighbour of it)
        # An out-of-scope example says what its own document does not answer, nothing of another:
        # the guidance's "Kan jeg klage på et avslag?" never declines a question that an added
        # document's section on complaints answers. So only the first section's document's
        # out-of-scope examples count (with one document, all of them)
        own_groups = [g for g in query.groups if not g.context]
        top_source = top_section[0]
        oos = [(item, s) for item, s, m in found if m.get("kind") == "example" and not m.get("heading")
               and m.get("source", "") == top_source]
        out_of_scope, nearest_oos = max(((s, item) for item, s in oos), default=(0.0, ""))
        oos_named = bool(nearest_oos) and named(nearest_oos)
        nearest = sorted(((s, (m.get("source", ""), m.get("heading") or "")) for item, s, m in found
                          if m.get("kind") == "example"
                          and (m.get("heading") or m.get("source", "") == top_source)
                          and not (T.OOS_SPECIALISED and not m.get("heading") and self.specialises(item, own_groups, asked))),
                         key=lambda x: -x[0])[:T.OOS_NEIGHBOURS]
        oos_share = sum(not key[1] for _, key in nearest) / len(nearest) if nearest else 0.0
        return Ranking(hits, round(out_of_scope, 4), round(runner_up, 4), round(oos_share, 4), oos_named,
                       route, others, vector, bool(found), ranked[0] in routed,
                       None if next_section is None else round(next_section, 6), wanted,
                       tuple(key for _, key in nearest), self.sections_with_examples, self.example_counts,
                       other_registers)

    def registers_named(self, text: str) -> dict[str, tuple[str, ...]]:
        """The documents whose register `text` names (source -> the names it uses); {} with one document."""
        said = f" {text} "
        found = {source: tuple(n for n in names if mentions(said, n)) for source, names in self.named.items()}
        return {source: names for source, names in found.items() if names}

    def specialises(self, item: str, groups: list, asked: set[str]) -> bool:
        """Whether out-of-scope example `item` asks the question itself about a subject the question
        does not name: it says every one of the question's words (or one of their translations or
        synonyms) and a word that makes it out of scope besides ("Korleis søkjer eg om studielån?"
        to "Korleis søkjer eg?"; not "Kan vi få data på minnepinne?" to "Kan vi få data på USB?")."""
        topics = self.oos_topics.get(item)
        said = self.oos_stems.get(item, frozenset())
        return bool(groups) and bool(topics) and not (topics & asked) and all(
            any(t.lstrip("!") in said for t in g.terms) for g in groups)

    def holds(self, i: int, wanted) -> bool:
        """Whether chunk i's text holds a fact of the kind asked for (asked_for.gives), kept per chunk."""
        key = (i, wanted)
        found = self._gives.get(key)
        if found is None:
            if len(self._gives) >= T.KIND_CACHE:  # a count's key holds the asker's words: keep it bounded
                self._gives.clear()  # (another thread clearing it too is harmless)
            found = self._gives[key] = gives(wanted, self.chunks[i].text)
        return found

    def _excludes(self, key: tuple) -> bool:
        """Whether a route's text negates something ("... enn forskning", "skal du ikke bruke ...")."""
        return any(t.startswith("!") for i in (self._route_chunks or {}).get(key, ()) for t in self.lexical.doc_sets[i])

    def contrasted(self, negated: frozenset[str]) -> frozenset:
        """A document without routes (no `asked_by` for it): the sections never quoted to an asker
        who says what they are not. A section that names its askers so ("Hvis du trenger
        opplysninger til andre formål enn forskning, skal du ikke bruke søknadsskjema på
        helsedata.no") agrees with an asker who says "det er ikke forskning"; a section of the same
        document that offers what it tells them not to use (the specific words after its other
        negation, in that clause: "søknadsskjema" and "helsedata.no") is the way for the others.
        Worked out once per set of routes and of negated words, not per question."""
        if not negated or not T.CONTRAST_SHARED:
            return frozenset()
        self.routed_sources()  # drops what was worked out for other routes
        if not self._unrouted:
            return frozenset()
        key = (negated, T.CONTRAST_SHARED)
        if key not in self._contrast:
            self._contrast[key] = self._contrasted(negated)
        return self._contrast[key]

    def routed_sources(self) -> frozenset[str]:
        """The documents with routes (`asked_by`), once per set of routes; `_unrouted` says whether
        any document has none (only then is who asks heard as what they are not)."""
        if self._contrast_for is not self.routes:
            self._routed = frozenset(key[0] for key in self.routes)
            self._unrouted = any(c.source not in self._routed for c in self.chunks)
            self._contrast, self._contrast_for = {}, self.routes
        return self._routed

    def _contrasted(self, negated: frozenset[str]) -> frozenset:
        routed = self.routed_sources()
        barred: dict[str, set[str]] = {}  # source -> the words its agreeing sentences bar
        agreeing = set()
        for i, c in enumerate(self.chunks):
            if c.source in routed or not any(f"!{t}" in self.lexical.doc_sets[i] for t in negated):
                continue
            for u in units(c):
                if not any(f"!{t}" in content_stems(u.text) for t in negated):
                    continue
                # "…, skal du ikke bruke søknadsskjema på helsedata.no, men …": its clause, to "men"
                for clause in CLAUSES.split(u.text):
                    stems = content_stems(clause or "")
                    after = next((n for n, t in enumerate(stems) if t.startswith("!") and t[1:] not in negated), None)
                    if after is None:
                        continue
                    words = {t for t in stems[after + 1:] if not t.startswith("!") and self.lexical.idf(t) >= GENERIC_IDF}
                    if words:
                        barred.setdefault(c.source, set()).update(words)
                        agreeing.add((c.source, c.heading))
        out = set()
        for i, c in enumerate(self.chunks):
            if c.source not in barred or (c.source, c.heading) in agreeing:
                continue
            other = self.lexical.doc_sets[i]
            offered = {b for b in barred[c.source] for t in other if same_word(t, b)}
            if len(offered) >= T.CONTRAST_SHARED and not any(f"!{t}" in other for t in negated):
                out.add((c.source, c.heading))
        return frozenset(out)

    def cue_heads(self, stems: frozenset[str]) -> set[str]:
        """The one-word `asked_by` cues the asker's compounds end in: "frilansjournalist" and
        "lokalavis" say "journalist" and "avis" ("konsulentfirma": "firma"). Only the asker's own
        words: the question's subject may be a compound too ("tall per bostedskommune")."""
        if self._heads_for is not self.routes:  # once per set of routes, not per question
            self._heads = frozenset(c for cues in self.routes.values() for cue in cues if len(cue) == 1
                                    for c in cue if len(c) >= T.CUE_HEAD_MIN)
            self._heads_for = self.routes
        return {c for s in stems for c in self._heads if len(s) > len(c) and s.endswith(c)}

    def route(self, said: set[str], negated: set[str], role: set[str] = frozenset()) -> tuple:
        """The one route (asked_by section) the asker's words name, or (): a cue's words all said
        and not negated ("vi er en kommune"), or the asker negating what only one route's text
        negates too ("ikke forskning" ~ "andre formål enn forskning"). Two routes named: the one the
        asker's `role` names ("Vi er forskere i en kommune"), else none."""
        if not self.routes:
            return ()
        if self._route_chunks is None:
            self._route_chunks = {key: tuple(i for i, c in enumerate(self.chunks) if (c.source, c.heading) == key)
                                  for key in self.routes}
        said = set(said) - negated
        named = {key for key, cues in self.routes.items() if any(cue <= said for cue in cues)}
        named |= {key for key, rows in self._route_chunks.items()
                  if any(f"!{t}" in self.lexical.doc_sets[i] for i in rows for t in negated)}
        if len(named) > 1 and role:  # "Vi er forskere i en kommune": the role decides
            named = {key for key in named if any(cue <= set(role) for cue in self.routes[key])}
        return next(iter(named)) if len(named) == 1 else ()

    def _query_vector(self, text: str):
        """The question's embedding; the last QUERY_CACHE questions are kept (example buttons, retries)."""
        with self._vector_lock:
            if text in self._vectors:
                self._vectors[text] = self._vectors.pop(text)  # most recently used last
                return self._vectors[text]
        vector = self.embedder.embed_queries([text])[0]
        with self._vector_lock:
            self._vectors[text] = vector
            while len(self._vectors) > T.QUERY_CACHE:
                self._vectors.pop(next(iter(self._vectors)))
        return vector

    def _dense(self, text: str, n: int):
        """(the question's vector, the nearest items); [] while the Chroma server is away (logged once)."""
        vector = self._query_vector(text)
        try:
            # passages and example questions apart: question-to-question similarities run higher,
            # so in one list the examples would crowd every passage out
            found = self.vectors.search_items(vector, max(1, n // 4), kind="chunk")
            if self.with_examples:
                found += self.vectors.search_items(vector, n, kind="example")
        except IndexUnavailableError as exc:
            if not self.dense_down:
                log.warning("%s Answering from the lexical index only until it is back.", exc)
            self.dense_down = True
            return vector, []
        if self.dense_down:
            log.warning("The Chroma server answers again; dense retrieval is back.")
        self.dense_down = False
        return vector, found
