"""The Assistant: one object that owns the corpus, the indexes and the model, and answers.

    Assistant().ask("Hva koster det?") -> Answer(answer="• Pris per time NOK 1100,- eks. mva. ...")

Every edge (CLI, app, drafter, eval) calls `ask` or `search`; none re-implements a step.
Construction loads the corpus, builds the lexical index in memory and opens (or builds) the
dense index on disk; that is the cold start. `ask` never raises for a bad question: empty,
too long or unreadable input gets an abstaining Answer with a clear message.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import replace
from functools import cached_property

import numpy as np

from . import language
from . import tuning as T
from .answering import YEAR, abstain, compose, message
from .chunking import chunk_sections, units
from .corpus import load_documents, load_sections
from .decision import Decision
from .embedding import SHIPPED, Embedder, VectorCache, load_embedder
from .examples import load_examples
from .glossary import Glossary
from .index import IndexStore, build_threads
from .lexical import GENERIC_IDF, LexicalIndex, content_stems, stopwords
from .privacy import mask_personal_numbers, without_number_names
from .questions import (about_the_question, as_asked, compared_with, courtesy, detect_language, follows_on, introductions,
                        fronted_reason_apart, is_asking, points_back, reason_apart, roles, split_questions,
                        statements, story_apart, wished)
from .links import fragment_url
from .records import Answer, Hit, Query, Ranking
from .related import load_floor, offer
from .retrieval import HybridSearch, polarity
from .settings import Settings
from .text import readable

log = logging.getLogger(__name__)
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# controls, bidi overrides, and U+FFFD, which a lone surrogate (JSON can carry "\ud800"; the
# tokenizer and UTF-8 output both choke on them) has become (text.readable, as for e-mails)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_question(text) -> str | None:
    """Printable text with single spaces, or None when it cannot be read as text.

    clean_question("  Hva\\x00 koster\\n det? ") -> "Hva koster det?"
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(text, str):
        return None
    return " ".join(CONTROL.sub(" ", ANSI.sub("", unicodedata.normalize("NFC", readable(text)))).split())


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or Settings.from_env()
        started = time.perf_counter()
        self.documents = load_documents(self.settings.corpus_dir)
        self.sections = load_sections(self.documents)
        self.chunks = chunk_sections(self.sections)
        # for links to the official page and the sections offered on a decline
        self._pages = {d.source: (d.source_url, d.text) for d in self.documents}
        self._sections = {}
        for section in self.sections:
            self._sections.setdefault((section.source, section.heading), section)
        self.related_floor = load_floor()
        self.askers: dict = {}
        self.not_for: dict = {}
        self._heard: dict[bytes, frozenset[str]] = {}  # a text's digest -> the stems it says (heard)
        self.examples = load_examples(self.documents, self.sections, self.askers, self.not_for)
        self.lexical = LexicalIndex([c.search_text for c in self.chunks],
                                    Glossary.load(self.settings.corpus_dir),
                                    examples=tuple(e.text for e in self.examples))
        # words the guidance or its example questions use: a question's other words may be missing
        # topics. A year only from the guidance: an example may ask about any year ("Har dere data
        # fra 1995?", answered by "Fra 1997 til d.d."), which the guidance does not state
        self.known = frozenset(self.lexical.df) | frozenset(
            t.lstrip("!") for e in self.examples if e.section for t in content_stems(e.text)
            if not YEAR.fullmatch(t.lstrip("!")))
        # words only the out-of-scope examples use: subjects the guidance was seen not to answer
        self.declined = frozenset(
            t.lstrip("!") for e in self.examples if not e.section for t in content_stems(e.text)) - self.known
        self.with_examples = any(e.section for e in self.examples)
        self.embedder = embedder or load_embedder(self.settings.model_name)
        self.decision = Decision.load(threshold=self.settings.min_confidence, embedder=self.embedder.name)
        self.cache = VectorCache(self.settings.vector_cache_dir, SHIPPED if self.settings.shipped_vectors else None)
        self.store = IndexStore(self.settings.data_dir, self.settings.chroma_url, cache=self.cache)
        self._unit_vectors: dict[str, np.ndarray] = {}
        self.vectors, self.built = self.store.open(self.chunks, self.embedder, examples=self.examples)
        # the sentences' vectors: embedded with a build, read from the vector cache on a later start
        self.sentences_ready = self._embed_units()
        self.hubness = self._hubness()
        self._engine()
        self.startup_seconds = time.perf_counter() - started
        # simplemma reads its dictionaries (about 1 s each) on first use: do it off the first question's path
        threading.Thread(target=language.warm_up, name="language-warm-up", daemon=True).start()

    def _embed_units(self) -> bool:
        """Every chunk's sentence vectors, before any question: embedded with a build (through the
        vector cache, on every core) or read from the cache on a later start, so no question pays for
        a section's first quote. Over T.UNITS_AT_BUILD they are embedded on first quote instead
        (unit_similarities), and the documents-only ranking goes without them. True when all are here."""
        per_chunk = [[u.text for u in units(c)] for c in self.chunks]
        texts = [t for texts in per_chunk for t in texts]
        if not texts or len(texts) > T.UNITS_AT_BUILD:
            return False
        try:
            with self.embedder.threads(build_threads()), self.cache.deferred():
                vectors = self.cache.embed(self.embedder, texts)
        except Exception as exc:  # the model failing here only moves the work to the first quotes
            log.warning("could not embed the sentences (%s); they embed on first quote", exc)
            return False
        at = 0
        for chunk, texts in zip(self.chunks, per_chunk):
            if texts:
                self._unit_vectors[chunk.id] = vectors[at:at + len(texts)]
                at += len(texts)
        return True

    def _hubness(self) -> dict[int, float]:
        """Documents only: how close each chunk stands to questions about other chunks, over its
        mean (chunk position -> excess). A short section of general words ("Annen relevant
        informasjon om innholdet i datakilden") is near every question and would win the vague
        ones; the ranking takes its excess off (hubness reduction, as CSLS does for cross-lingual
        retrieval). The questions are the guidance's own sentences, embedded as questions; a chunk's
        hubness is its mean similarity to the HUB_NEIGHBOURS closest of those from other chunks.
        With example questions, or without every sentence embedded, none: {}."""
        if self.with_examples or not self.sentences_ready or not T.HUB_SHARE or len(self.chunks) < 3:
            return {}
        pairs = [(i, u.text) for i, c in enumerate(self.chunks) for u in units(c)]
        owner = np.asarray([i for i, _ in pairs])
        texts = [t for _, t in pairs]
        try:
            with self.embedder.threads(build_threads()), self.cache.deferred():
                asked = np.asarray(self.cache.embed(self.embedder, texts, "query"), dtype=np.float32)
                passages = np.asarray(self.cache.embed(self.embedder, [c.context for c in self.chunks]),
                                      dtype=np.float32)
        except Exception as exc:  # the ranking simply goes without it
            log.warning("could not measure the sections' hubness (%s)", exc)
            return {}
        asked /= np.maximum(np.linalg.norm(asked, axis=1, keepdims=True), 1e-9)
        passages /= np.maximum(np.linalg.norm(passages, axis=1, keepdims=True), 1e-9)
        sims = asked @ passages.T  # sentence-as-question x chunk
        raw = np.array([np.sort(sims[owner != j, j])[::-1][:T.HUB_NEIGHBOURS].mean() if (owner != j).any() else 0.0
                        for j in range(len(self.chunks))])
        return {j: float(v) for j, v in enumerate(raw - raw.mean())}

    def unit_similarities(self, chunk, vector) -> list[float]:
        """Cosine of each of the chunk's units (chunking.units) to a question vector; [] without one.

        A chunk's units are embedded on first use (and kept in the vector cache on disk).
        """
        if vector is None:
            return []
        if chunk.id not in self._unit_vectors:
            texts = [u.text for u in units(chunk)]
            try:
                self._unit_vectors[chunk.id] = (self.cache.embed(self.embedder, texts) if texts
                                                else np.zeros((0, len(vector)), dtype=np.float32))
            except Exception as exc:  # the model failing here only costs the sentence choice its dense vote
                log.warning("could not embed the sentences of %r (%s)", chunk.heading, exc)
                return []
        return [float(x) for x in self._unit_vectors[chunk.id] @ np.asarray(vector, dtype=np.float32)]

    def _engine(self) -> None:
        # built whole before it is put in place: a question during a rebuild sees the old engine
        # or the new one, never one without its routes
        engine = HybridSearch(self.chunks, self.lexical, self.vectors, self.embedder, with_examples=self.with_examples)
        engine.sections_with_examples = frozenset((e.source, e.section) for e in self.examples if e.section)
        engine.example_counts = dict(Counter((e.source, e.section) for e in self.examples if e.section))
        engine.named = {d.source: document_names(d) for d in self.documents} if len(self.documents) > 1 else {}
        # the documents-only ranking hears a section's closest sentence, when every sentence is embedded
        # (never a model call on a question's path)
        engine.hubness = self.hubness
        engine.sentence_best = ((lambda chunk, vector: max(self.unit_similarities(chunk, vector), default=0.0))
                                if self.sentences_ready else None)

        def stems(words) -> tuple[frozenset[str], ...]:
            return tuple(frozenset(content_stems(c)) for c in words if content_stems(c))

        def phrases(words) -> tuple[str, ...]:  # "egne helseopplysninger" -> "egn helseopplysning"
            return tuple(" ".join(content_stems(c)) for c in words if content_stems(c))

        engine.routes = {key: stems(cues) for key, cues in self.askers.items()}
        # a section is never for some askers, unless they say what it is for: its `unless` words,
        # and the words by which its own askers name it (`asked_by`: "stipendiat", "thesis"); a cue
        # of several words is heard only as one phrase (side by side, or one glossary meaning):
        # "Vi har egne data og trenger helseopplysninger" does not say "egne helseopplysninger"
        engine.not_for = {key: (phrases(askers), phrases(unless) + phrases(self.askers.get(key, ())))
                          for key, (askers, unless) in self.not_for.items()}
        engine.oos_stems = {e.id: frozenset(t.lstrip("!") for t in content_stems(e.text))
                            for e in self.examples if not e.section}
        engine.oos_topics = {item: said - self.known for item, said in engine.oos_stems.items()}
        self.engine = engine

    def rebuild(self) -> dict:
        """Force a new dense index build; returns its manifest."""
        self.vectors, self.built = self.store.open(self.chunks, self.embedder, force=True,
                                                   examples=self.examples)
        self.sentences_ready = self._embed_units()
        self.hubness = self._hubness()
        self._engine()
        return self.vectors.manifest

    def analyze(self, question: str, context: str = "") -> Query:
        """The Query for a question; `context` (an earlier question) adds weaker terms."""
        query = self.lexical.analyze(question)
        return self._with_context(query, self.lexical.analyze(context) if context else None)

    @staticmethod
    def _with_context(query: Query, before: Query | None) -> Query:
        if before is None:
            return query
        own = {g.label for g in query.groups}
        extra = tuple(replace(g, weights=tuple(w * 0.5 for w in g.weights), context=True)
                      for g in before.groups if g.label not in own)
        return replace(query, groups=query.groups + extra)

    def has_topic(self, question: str) -> bool:
        """Whether a question names anything of its own: "Hva koster det?" does, "Kvar gjer eg
        det?" does not (it asks about what was said before it)."""
        query = self.lexical.analyze(clean_question(question) or "")
        return bool(query.groups) or bool(query.off_topic)

    def search(self, question: str, k: int | None = None, context: str = "") -> list[Hit]:
        """The retriever's ranked hits (the Kilder tab); a question that names nothing of its own
        is searched with what `context` asks about, as ask_after answers it."""
        text = clean_question(question) or ""
        context = context if isinstance(context, str) else ""
        if context and follows_on(text) and not self.has_topic(text):
            text = f"{text} {wished(context[-self.settings.max_question_chars:])}"
        return self.engine.search(self.analyze(text, context), k or self.settings.top_k)

    def ask(self, question, context: str = "", trace: list | None = None, whole: str = "",
            earlier: str = "", signed: str = "") -> Answer:
        """The grounded answer to one question (never raises for bad input). `whole`: the whole
        message the question comes from (an e-mail's other questions too), heard only for the
        sections never quoted to some askers (`not_for`). `earlier`: the question asked just
        before, which a part with no topic of its own asks about ("Finnes det ferdig statistikk?"
        before "Hvor finner vi den?"); it is never answered itself. `signed`: what the sender's
        signature says they are ("Rådgiver, Fjellvik kommune"), heard for who asks but never as
        the subject ("Ventetid AS" asks nothing about waiting times)."""
        started = time.perf_counter()
        text = clean_question(question)
        if text is None:
            answer = abstain("", "nb", "invalid")
        else:
            shown = mask_personal_numbers(text)
            lang = detect_language(text)
            limit = self.settings.max_question_chars
            if not text:
                answer = abstain("", lang, "empty")
            elif len(text) > limit:
                answer = abstain(shown[:200] + "…", lang, "too_long", length=len(text), limit=limit)
            else:
                # what a topicless part asks about is the end of what came before it: no earlier
                # question is longer than a question may be
                before = mask_personal_numbers(earlier if isinstance(earlier, str) else "")[-limit:]
                # "fnr ***********": the asker's own number, and its name, are no topic of the question
                signed = signed if isinstance(signed, str) else ""
                asked, parts = self.rank_parts(without_number_names(shown), context, whole, before, signed)
                answer = compose(shown, lang, parts, self.lexical, self.decision, self.known,
                                 self.with_examples, trace, self.unit_similarities, self.declined)
                if answer.reason == "empty" and before and is_asking(shown):
                    # "Når da?" after "Hva koster det?" asks something the guidance does not say:
                    # no call to write a question
                    answer = abstain(shown, lang, "not_covered")
                elif answer.abstained and answer.reason in ("empty", "not_covered"):
                    # "Takk!" gets "Bare hyggelig!" (also when its words are none of the guidance's:
                    # "Supert, takk!"), "Hei!" a greeting back: no question was asked. The reply
                    # is in its courtesy word's language ("Thanks!" read as bokmål gets English)
                    kind, said_in = courtesy(shown)
                    if kind:
                        answer = abstain(shown, "en" if said_in == "en" else lang, "empty")
                        answer = replace(answer, answer=message(answer.lang, kind))
                if answer.reason == "not_covered" and not any(q.off_topic for q, _ in parts):
                    answer = replace(answer, related=offer([r for _, r in parts], self.related_floor,
                                                           self._sections, self._pages))
                if len(asked) > T.MAX_PARTS:
                    rest = "; ".join(asked[T.MAX_PARTS:])
                    answer = replace(answer, answer=answer.answer + "\n\n" + message(
                        lang, "parts_left", limit=T.MAX_PARTS, rest=rest[:200]))
        answer = replace(answer, citations=tuple(replace(c, url=self.link(c.source, c.start, c.end))
                                                 for c in answer.citations))
        return replace(answer, latency_ms=round((time.perf_counter() - started) * 1000, 2))

    def ask_after(self, question, previous: str = "") -> Answer:
        """A question asked after `previous` in a conversation (the chat, the API, `assistant
        chat`): `previous` steers it ("Og hvor lang tid tar det?" after "Hva koster det?") and is
        what a question with no topic of its own asks about ("Hvor finner vi den?" after "Finnes
        det ferdig statistikk?"), as an e-mail's earlier sentence is to the drafter."""
        previous = previous if isinstance(previous, str) else ""
        return self.ask(question, context=previous, earlier=previous)

    def followed(self, previous: str, answer: Answer) -> str:
        """What the next question of a conversation follows, after `answer`: the question it
        answered, with what that one asked about when it named nothing of its own ("Finnes det
        ferdig statistikk? Hvor finner vi den?", so "Og hva koster den?" still asks about the
        statistics); an abstention leaves `previous` as it was."""
        previous = previous if isinstance(previous, str) else ""
        if not isinstance(answer, Answer) or answer.abstained:
            return previous
        if self.has_topic(answer.question):
            return answer.question
        return f"{previous} {answer.question}".strip()[-self.settings.max_question_chars:]

    def link(self, source: str, start: int, end: int) -> str | None:
        """The official page of `source` with a text fragment on [start:end]; None without a source_url."""
        page_url, text = self._pages.get(source, ("", ""))
        return fragment_url(page_url, text, start, end)

    def heard(self, text: str) -> frozenset[str]:
        """What a text says, for `not_for`: its stems unnegated, glossary meanings included, a
        meaning of several words also as one phrase, and its own words each and two by two
        ("egn helseopplysning"). An e-mail's are worked out once for all its questions (the last
        HEARD_KEPT texts are kept, by digest: never the text itself)."""
        text = text[:T.HEARD_CHARS].strip()
        if not text:
            return frozenset()
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self._heard.get(key)
        if found is None:
            found = _said_in(self.lexical.analyze(text)) | _written(text)
            if len(self._heard) >= T.HEARD_KEPT:
                self._heard.clear()  # (another thread clearing it too is harmless)
            self._heard[key] = found
        return found

    def _reasons_apart(self, text: str) -> str:
        """questions.reason_apart and fronted_reason_apart, where what stays of the question still
        names a subject of its own: in "Would I be in your register, since I don't live in Norway?"
        the reason is what is asked about, and stays."""
        apart = reason_apart(fronted_reason_apart(text))
        if apart == text:
            return apart
        for part in split_questions(apart):
            if not any(self.lexical.group_idf(g) >= GENERIC_IDF for g in self.lexical.analyze(part).groups):
                return text
        return apart

    def _without_register(self, query: Query) -> Query:
        """Beside other documents, the register a question names ("Kan jeg ringe KPR?") chooses its
        page (retrieval: DOCUMENT_NAMED), not a section of it: its name's words leave the question's
        topics, or the section that repeats the name ("Om KPR") would win over the one on the
        telephone. Kept where nothing else is asked ("Hva er KPR?")."""
        registers = self.engine.registers_named(query.text)
        if len(registers) > 1:
            return query
        if not registers:  # the only document's register, named in any language ("Norwegian Patient Registry")
            return self._without_own_name(query)
        words = {w for n in next(iter(registers.values())) for w in re.findall(r"\w+", n.lower())}
        words |= {f"{w}s" for w in words}  # "KPRs"

        def names_it(group) -> bool:
            return not group.context and (group.raw or group.label).lower() in words

        return _without_groups(query, [g for g in query.groups if names_it(g)])

    @cached_property
    def _own_names(self) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
        """The only document's register names (from its title, first line and headings, "Norsk
        pasientregister (NPR)"), each (acronym, ()) or ("", its words): each word's stem and, for a
        compound, its two parts among the guidance's stems ("norsk pasientregister" -> (("norsk",),
        ("pasientregist", "pasient", "regist"))). () beside other documents or example questions."""
        if len(self.documents) != 1 or self.with_examples:
            return ()
        names = []
        said = (*document_names(self.documents[0]), *names_in(*(s.heading for s in self.sections)))
        for name in dict.fromkeys(said):
            if " " not in name:
                names.append((name.lower(), ()))
                continue
            parts = []
            for st in content_stems(name):
                cuts = [(st[:n], st[n:]) for n in range(T.NAME_PART_MIN, len(st) - T.NAME_PART_MIN + 1)
                        if st[:n] in self.lexical.df and st[n:] in self.lexical.df]
                parts.append((st, *cuts[0]) if cuts else (st,))
            names.append(("", tuple(parts)))
        return tuple(names)

    def _without_own_name(self, query: Query) -> Query:
        """With one document and no example questions, its register's name says nothing of which
        section answers: "What are the purposes of the Norwegian Patient Registry?" asks for the
        purposes, not for the short section that repeats "Norsk pasientregister". The name leaves
        the topics in any language: its acronym, its words in order, one of the question's words
        (its own stem or a translation) per name word or per part of a compound ("Norwegian
        Patient Registry", "norsk pasientregister"), or the compound alone ("pasientregisteret");
        never the parts alone ("Are all patients registered?"). Kept where nothing else is asked.
        (Beside example questions, which match the section by what is asked, dropping the name
        lost 2 right answers and 3 drafts on the development sets.)"""
        groups = [g for g in query.groups if not g.context]

        def says(g, stem: str) -> bool:
            return any(t == stem and w >= T.NAME_TERM_WEIGHT for t, w in zip(g.terms, g.weights))

        def name_ends(i: int, words) -> int | None:
            """Where the name `words` ends when it starts at groups[i], or None."""
            for word in words:
                if i < len(groups) and says(groups[i], word[0]):
                    i += 1
                elif len(word) > 1 and i + len(word) - 1 <= len(groups) and all(
                        says(g, part) for g, part in zip(groups[i:], word[1:])):
                    i += len(word) - 1
                else:
                    return None
            return i

        drop = set()
        for acronym, words in self._own_names:
            for i, g in enumerate(groups):
                if acronym:
                    if (g.raw or g.label).lower() in (acronym, f"{acronym}s"):
                        drop.add(i)
                    continue
                end = name_ends(i, words)
                if end is None and len(words[-1]) > 1 and says(g, words[-1][0]):
                    end = i + 1  # the compound alone: "pasientregisteret"
                if end is not None:
                    drop.update(range(i, end))
        return _without_groups(query, [groups[i] for i in drop])

    def rank_parts(self, shown: str, context: str = "", whole: str = "",
                   earlier: str = "", signed: str = "") -> tuple[list[str], list[tuple[Query, Ranking]]]:
        """(the question's parts, each answered part's Query and Ranking): what `compose` weighs."""
        k = max(self.settings.top_k, 5)
        parts: list[tuple[Query, Ranking]] = []
        # what the asker says around the question ("Vi trenger data til planlegging.")
        # steers it like an earlier question would; analysed once for all parts
        # "Jeg var innlagt på Ullevål i 2019 og lurer på …?": the story before the wish is context
        shown = self._reasons_apart(story_apart(shown))
        said = statements(shown)
        around = " ".join(x for x in (said, context) if x)
        steer = self.lexical.analyze(around) if around else None
        about = about_the_question(said)  # what the embedding hears around a question
        asked = split_questions(shown)
        prepared = []  # each part's (query, what is embedded, who asks, their role), ranked below
        # the question a part with no topic of its own asks about: the one before it in this
        # message too ("Finnes det ferdig statistikk? Hvor finner vi den?" in the chat, as the
        # drafter hears an e-mail's two sentences), and for the first part the caller's `earlier`
        before = earlier
        for n, part in enumerate(asked[:T.MAX_PARTS]):
            # a wish ("Det hadde vært nyttig å vite om …") is weighed as the question it stands for:
            # "nyttig", "vite" are no subject the guidance must hold (who asks is read from `part`)
            query = self._with_context(self.lexical.analyze(as_asked(part)), steer)
            if n and part[:1].islower():  # "…, og kor lang tid tek det?" was cut from a sentence:
                part = part[0].upper() + part[1:]  # embed it as the sentence it stands for
            # the embedding hears only what this message says around the question: the context
            # (an e-mail's other sentences, an earlier question) is about other questions as often
            # as about this one, and steers through its words (CONTEXT_WEIGHT) instead
            around_it = about
            topicless = not any(not g.context for g in query.groups)
            if topicless:
                # "Hvor gjør jeg det?" after "Jeg vil se hva som er registrert om meg." (or "What
                # should we check first?" after "I have a question about linking data."): the
                # statement is what is asked about, its wish and not the story before it
                # ("innlagt på Ullevål i 2019 og vil se …": the hospital and the year are no subject)
                # (and an earlier question it follows: "Finnes det ferdig statistikk? Hvor finner vi den?")
                # what an earlier question asks about, when this part asks (not "Takk!") and asks
                # no fact of a kind of its own ("Når da?" after "Hva koster det?": the price is no time)
                around_it = " ".join(x for x in (said, before if follows_on(part) else "") if x)
                query = self.analyze(f"{part} {wished(around_it)}", context)
            elif about and points_back(part) and not any(not g.context and self.lexical.group_idf(g) >= GENERIC_IDF
                                                          for g in query.groups):
                # "Are there any for NPR?" after "We must state the exclusion criteria.": a question
                # that points back and whose other words are the guidance's everyday ones ("NPR",
                # "data") asks about the statement before it (not about who the asker is: `about`
                # leaves that out); "Hvor søker jeg?" after "Jeg er masterstudent og …" does not
                query = self.analyze(f"{part} {wished(about)}", context)
                around_it = about
            # a later topicless part asks about this one ("Hvor finner vi den? Og når oppdateres
            # den?" asks about both)
            before = " ".join(x for x in (before, part) if x) if topicless else part
            # a wish ("Eg lurer òg på om …") is embedded as the question it stands for ("Om …?")
            straight = as_asked(part)
            embed = self.lexical.spelled(straight if not around_it else f"{around_it[-T.CONTEXT_CHARS:]} {straight}")
            if not self.with_examples:
                # documents only: the passages are matched by meaning alone, and e5 matches the
                # guidance's bokmål best in bokmål: a nynorsk question in bokmål word forms, an
                # English one with its bokmål gloss (development sets, documents only: the first
                # passage by meaning right for 47 -> 56 % of nynorsk questions, 42 -> 46 % of English
                # ones; answered right 57.2 -> 58.6 %, wrong 4.2 -> 4.7 %). Beside example questions,
                # which are written in each language, the question is embedded as asked
                embed = language.in_guidance_words(embed, detect_language(embed), stopwords())
            # who asks: what the message and the e-mail say around the question, and what the
            # question's own sentence says of the asker ("Vi er en kommune, kan vi …"), never its
            # subject ("tall per kommune")
            said_of_asker = f"{introductions(part)} {around} {signed}"
            compared = frozenset(content_stems(" ".join(compared_with(said_of_asker))))
            asker = frozenset(t for t in content_stems(said_of_asker) if not t.startswith("!") and t not in compared)
            role = frozenset(content_stems(roles(f"{part} {around} {signed}")))
            prepared.append((self._without_register(query), embed, asker, role, part if topicless else ""))
        # everything the message says, for the sections never quoted to some askers (`not_for`:
        # "Hvor ser jeg hva som er registrert om meg? Må jeg bruke skjemaet?"): its parts and what
        # stands around them as analysed above, its words as written, and the whole e-mail
        heard = frozenset()
        if self.engine.not_for:
            heard = frozenset().union(*(_said_in(q) for q, *_ in prepared), _said_in(steer) if steer else (),
                                      _written(f"{shown} {context} {signed}"[:T.HEARD_CHARS]), self.heard(whole))
        for query, embed, asker, role, named in prepared:
            ranking = self.engine.rank(query, k, embed, asker, role, heard, said if len(prepared) == 1 else "",
                                       own=named)
            # a topicless part is ranked with what it asks about, and named as asked (in the note
            # when it is declined: «Hvorfor det», not «Hvorfor det? Hva koster det»)
            parts.append((replace(query, text=named) if named else query, ranking))
        return asked, parts


NAMED = re.compile(r"([^\n()]*?)\s*\(([A-ZÆØÅ]{2,8})\)")
NAME_WORDS = (2, 6)  # a register's name before its acronym: "Norsk pasientregister" .. six words
COMMON_ACRONYM_ZIPF = 4.0  # an acronym that is also a common word ("DET", "OG", "IT", "NAV": Zipf 4.7 to 7.5) counts only in capitals; "npr" (3.5 in English) in any case


def document_names(doc) -> tuple[str, ...]:
    """What a document's register is called, from its title and first line: "Norsk pasientregister
    (NPR) – tilgang til data" -> ("norsk pasientregister", "npr"); () when it names no acronym.
    A name is matched in any case; an acronym in capitals only where it is also a common word
    ("Data og eksport (DET)" -> ("data og eksport", "DET"))."""
    first = next((line.strip() for line in doc.text.splitlines() if line.strip()), "")
    return names_in(doc.title if isinstance(doc.title, str) else "", first)


def _without_groups(query: Query, named: list) -> Query:
    """The query without the groups that only name a register, unless nothing else is asked."""
    if not named:
        return query
    dropped = {id(g) for g in named}
    kept = tuple(g for g in query.groups if id(g) not in dropped)
    if not any(not g.context for g in kept):
        return query
    return replace(query, groups=kept)


def names_in(*texts: str) -> tuple[str, ...]:
    """The register names and acronyms that texts give as "Name (ACRONYM)" (see document_names)."""
    names = []
    for text in texts:
        for name, acronym in NAMED.findall(text):
            name = " ".join(name.strip().lstrip("#").strip(" –-:").split())
            if NAME_WORDS[0] <= len(name.split()) <= NAME_WORDS[1]:
                names.append(name.lower())
            common = max(language.get("nb").zipf(acronym.lower()), language.get("en").zipf(acronym.lower()))
            names.append(acronym if common >= COMMON_ACRONYM_ZIPF else acronym.lower())
    return tuple(dict.fromkeys(names))


def _said_in(query: Query) -> frozenset[str]:
    """A Query's unnegated stems (glossary meanings included), and each meaning of several words
    also as one phrase ("egne helseopplysninger" for "om meg" -> "egn helseopplysning")."""
    found = set(polarity(query)[0])
    for g in query.groups:
        found.update(" ".join(alt) for alt in g.alternatives if len(alt) > 1 and not any(t.startswith("!") for t in alt))
    return frozenset(found)


def _written(text: str) -> frozenset[str]:
    """A text's own stems, each and two side by side ("research project"), unnegated."""
    own = content_stems(text)
    return frozenset([t for t in own if not t.startswith("!")]
                     + [f"{a} {b}" for a, b in zip(own, own[1:]) if "!" not in a + b])
