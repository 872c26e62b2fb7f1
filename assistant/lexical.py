"""Norwegian lexical search: tokens, stems, the glossary, fuzzy matching, BM25.

The English embedding model cannot read Norwegian, so this module carries most of the retrieval:
- `words("Søknadene koster")` -> ["soknadene", "koster"]: lower case, diacritics folded
  (ø->o, æ->ae, å->a), so "soknad" finds "søknad";
- `stem(...)`: PyStemmer's Norwegian Snowball stemmer, applied before folding;
- the glossary (glossary.py, corpus/glossary.tsv) turns English, nynorsk and everyday words into the
  guidance's own words ("cost" -> pris kostnad fakturerer);
- rapidfuzz maps a word the index has never seen to near spellings and compounds it has
  ("leveringstid" -> "leveringsfrist"), looked up in the vocabulary, never by scanning chunks;
- bm25s scores chunks through its inverted index.

Deliberately left out: decompounding beyond shared prefixes, and phrase or proximity scoring.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
from functools import lru_cache

import numpy as np

from . import language
from . import tuning as T
from .glossary import Glossary
from .records import Group, Query
from .text import WORD, data_text as _data, fold, raw_words, words  # noqa: F401  (re-exported)

GENERIC_IDF = 1.5  # a concept in roughly a quarter of the chunks or more is generic
_stemmer_lock = threading.Lock()
_stemmer = None


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Norwegian Snowball stem of a lower-case word, then folded: 'søknadene' -> 'soknad'.

    Compound tokens with dots stay whole ('helsedata.no'); PyStemmer is not thread-safe, hence the lock.
    """
    global _stemmer
    if "." in word or "@" in word:
        return fold(word)
    with _stemmer_lock:
        if _stemmer is None:
            import Stemmer

            _stemmer = Stemmer.Stemmer("norwegian")
        return fold(_stemmer.stemWord(word.lower()))


def _quiet_bm25s() -> None:
    """bm25s sets its logger to DEBUG on import; let it inherit the application's level instead."""
    logging.getLogger("bm25s").setLevel(logging.NOTSET)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    import bm25s.stopwords as sw

    _quiet_bm25s()

    listed = [w for line in _data("stopwords.txt").splitlines()
              if not line.startswith("#") for w in line.split()]
    base = frozenset(fold(w) for w in (*sw.STOPWORDS_NORWEGIAN, *sw.STOPWORDS_EN, *listed))
    # ...and the nynorsk words whose bokmål word is one of them ("berre" -> "bare", "allereie" ->
    # "allerede", "sjølv" -> "selv"): the lists are bokmål's, and an unknown nynorsk function word
    # would otherwise be a topic the guidance lacks
    return base | frozenset(fold(nn) for nn, nb in language.nn_to_nb().items() if nb and fold(nb[0]) in base)


# "Helsedirektoratet eller en underleverandør?": the words on either side are alternatives
EITHER = frozenset({"eller", "or"})

# A word after one of these is about its opposite: "andre formål enn forskning" is not research.
NEGATORS = frozenset({"enn", "ikke", "ikkje", "not", "non", "than", "uten", "utan", "without",
                      # English short negations typed without the apostrophe ("we dont do research")
                      "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "wont",
                      "wouldnt", "couldnt", "shouldnt", "hasnt", "havent"})
# words that qualify what a negation denies without ending it: "not formal research", "ikke egentlig
# forskning" deny research (as written: "formal" folds to "formål")
QUALIFIERS = frozenset({"formal", "formally", "academic", "scientific", "actual", "real", "proper", "strictly",
                        "traditional", "pure", "formell", "formelt", "akademisk", "vitenskapelig", "vitskapleg",
                        "egentlig", "eigentleg", "ordentlig", "tradisjonell"})


def marked_stems(toks: list[str]) -> list[str]:
    """Stems of the content words, those in a negation's scope marked with '!'.

    ['andre', 'formal', 'enn', 'forskning'] -> ['andr', 'formal', '!forskning']
    """
    stop, out, negate = stopwords(), [], False
    for w in toks:
        if w in NEGATORS:
            negate = True
        elif w not in stop and len(w) > 1:
            out.append(("!" if negate else "") + stem(w))
            negate = False
    return out


def _acronyms(text: str) -> frozenset[str]:
    """Short words written in capitals, lower-cased: names ("MSIS", "KPR"), never read as slips
    ("MSIS" is no swapped "miss").

        _acronyms("Hvilke regler gjelder for MSIS-data?") -> frozenset({'msis'})
    """
    return frozenset(w.lower() for w in WORD.findall(text) if len(w) < T.SPELLING_MIN_LENGTH and w.isupper())


def content_stems(text: str) -> list[str]:
    """Stems of the words that can carry meaning: 'Hva koster det?' -> ['kost']"""
    return marked_stems(words(text))


# the guidance's own stems for linking data (other languages reach them through the glossary:
# "link", "kople"), and how NPR is named: a question that names NPR and then another register
# to link it with asks what the linking section says, so that register is no veto
LINKING = frozenset({"kobl", "kobling", "sammenstill", "sammenstilling"})
NPR_NAMES = ("npr", "pasientregist", "patient regist")  # in a group's own words, not the glossary's


def _names_npr(groups) -> bool:
    """Whether the question itself names NPR (not "helseregister", which the glossary only relates
    to it, and not "ikke NPR")."""
    return any(any(n in g.label for n in NPR_NAMES) and g.terms and not g.terms[0].startswith("!") for g in groups)


# the glossary's outside subjects that are data sources NPR can be linked with, besides registers
# (as a question's labels are: folded, "sentralbyrå" -> "sentralbyra")
OTHER_SOURCES = frozenset({"ssb", "statistisk sentralbyra", "kuhr", "fhi", "folkehelseinstituttet", "mfr",
                           "primary care", "kpr", "prescription database", "norwegian prescription database",
                           "statistics norway", "norwegian institute of public health", "institute of public health"})


def _is_source(label: str) -> bool:
    """'reseptregisteret', 'cancer registry', 'ssb'; not 'legevakt', 'tannlege', 'medisin'."""
    return "regist" in label or label in OTHER_SOURCES


def _links(groups) -> bool:
    return any(t in LINKING for g in groups for t in g.terms)  # a negated "!kobl" is not in it


def _beside_or(toks: list[str], start: int, end: int, pending, stop) -> bool:
    """Whether the words toks[start:end] stand as one side of an "or": an "or" waits for them
    (`pending`, within reach), or one follows them with a word within reach after it."""
    if pending and start - pending[1] <= T.EITHER_REACH:
        return True
    if end < len(toks) and toks[end] in EITHER:
        return any(t not in stop and len(t) >= 2 for t in toks[end + 1:end + 1 + T.EITHER_REACH])
    return False


# a preposition before "A or B" makes the pair the object of another question ("for Reseptregisteret
# eller Helsedirektoratet"), not the choice between two bodies it asks for
BEFORE_PAIR = frozenset({"for", "fra", "om", "til", "av", "hos", "i", "pa", "med", "from", "of", "about", "in", "at",
                         "by", "on", "with"})


def _capitalised_in(texts: list[str]) -> frozenset[str]:
    """The words the texts write with a capital letter inside a sentence (folded): the names of
    bodies and services they use ("Helsedirektoratet", "NPR"), not a sentence's first word."""
    names = set()
    for text in texts:
        for sentence in re.split(r"(?<=[.!?:])\s+|\n+", text):
            for w in WORD.findall(sentence)[1:]:
                if w[:1].isupper():
                    names.add(fold(w.lower()))
    return frozenset(names)


def _starting(ordered: list[str], part: str, most: int = 3) -> list[str]:
    """The first `most` words of a sorted list that start with `part` and go on for three letters
    or more: _starting(["leveringsfrist", "levert"], "levering") -> ["leveringsfrist"]."""
    found, at = [], bisect.bisect_left(ordered, part)
    while at < len(ordered) and ordered[at].startswith(part) and len(found) < most:
        if len(ordered[at]) - len(part) >= 3:
            found.append(ordered[at])
        at += 1
    return found


class LexicalIndex:
    """BM25 over the chunks' stems plus the vocabulary for fuzzy matching and coverage."""

    def __init__(self, texts: list[str], glossary: Glossary | None = None, examples: tuple[str, ...] = ()):
        """`examples`: the example questions' texts, whose words are known words too (for spelling)."""
        import bm25s

        self._weights: dict = {}  # coverage's weights per question (_weighed)

        _quiet_bm25s()

        self.glossary = glossary or Glossary({})
        self.doc_terms = [content_stems(t) for t in texts]
        self.doc_sets = [frozenset(d) for d in self.doc_terms]
        postings: dict[str, list[int]] = {}
        for i, terms in enumerate(self.doc_sets):
            for t in terms:
                postings.setdefault(t, []).append(i)
        self.postings = {t: frozenset(ids) for t, ids in postings.items()}
        self.df = {t: len(ids) for t, ids in self.postings.items()}
        self.vocab = sorted(self.df)
        self._backwards: list[str] | None = None  # on first use (compounds_of)
        self.n = len(texts)
        self.capitalised = _capitalised_in(texts)  # names the guidance writes ("helsedirektoratet")
        surface: dict[str, int] = {}
        for t in texts:
            for w in words(t):
                surface[w] = surface.get(w, 0) + 1
        self.speller = language.Speller(surface)
        # what a slip is read against: the guidance's words, its examples', the glossary's and the
        # function words (language.Spelling)
        domain: dict[str, int] = {}
        for t in (*texts, *examples):
            for w in raw_words(t):
                domain[w] = domain.get(w, 0) + 1
        for key in self.glossary.entries:
            if len(key) == 1 and key[0].isalpha():
                domain.setdefault(key[0], 1)
        for w in stopwords():
            domain.setdefault(w, 1)
        self.spelling = language.Spelling(domain)
        self.bm25 = bm25s.BM25()
        # bm25s needs one non-empty document; an empty chunk list gets one placeholder token
        self.bm25.index([d or ["\x00"] for d in self.doc_terms] or [["\x00"]], show_progress=False)

    def idf(self, term: str) -> float:
        """BM25 idf; a term the index has never seen gets the highest possible value."""
        return self._idf(self.df.get(term, 0))

    def _idf(self, df: int) -> float:
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))

    def similar(self, term: str, limit: int = 3) -> list[tuple[str, float]]:
        """Vocabulary terms close to an unseen term: typos (ratio >= 80), shared prefixes, compound heads.

        With 'leveringsfrist' in the vocabulary: similar('leveringstid') -> [('leveringsfrist', 0.75)]
        """
        from rapidfuzz import fuzz, process

        if len(term) < 4:
            return []
        found = {m: s / 100 for m, s, _ in
                 process.extract(term, self.vocab, scorer=fuzz.ratio, score_cutoff=80, limit=limit)}
        lo = bisect.bisect_left(self.vocab, term[:6])
        for cand in self.vocab[lo:lo + 50]:
            if not cand.startswith(term[:6]):
                break
            common = len(next(iter([p for p in (term[:k] for k in range(min(len(term), len(cand)), 5, -1))
                                    if cand.startswith(p)]), ""))
            if common >= 6 and common >= 0.6 * min(len(term), len(cand)):
                found.setdefault(cand, 0.75)
        # a compound's head is its last part: "timepris" -> "pris", "kvalitetsregistre" -> "registr"
        for cut in range(2, len(term) - 3):
            head = term[cut:]
            if head in self.df and len(head) >= 4:
                # a generic head says nothing: "parkeringsinformasjon" is not about "informasjon"
                if self.idf(head) >= GENERIC_IDF:
                    found.setdefault(head, 0.7)
                break
        return sorted(found.items(), key=lambda kv: -kv[1])[:limit]

    def compounds_of(self, term: str) -> list[str]:
        """The guidance's compounds that `term` is the last or the first part of, at most three of
        each (stems): compounds_of('kvalit') -> ['datakvalit'], compounds_of('levering') ->
        ['leveringsfrist']. An ending or beginning shorter than COMPOUND_PART_MIN is no part ("sjon"
        of "informasjon"); a longer one that only looks like one ("handling" of "saksbehandling")
        is taken all the same. By bisection, in the vocabulary and in it spelt backwards: never a
        pass over the corpus's words."""
        if len(term) < T.COMPOUND_PART_MIN or term in self.df:
            return []
        if self._backwards is None:  # the vocabulary spelt backwards: its words ending so stand together
            self._backwards = sorted(v[::-1] for v in self.vocab)
        ending = [w[::-1] for w in _starting(self._backwards, term[::-1])]
        return ending + [w for w in _starting(self.vocab, term) if w not in ending]

    def guidance_terms(self, raw: str, tok: str, lang: language.Language) -> list[tuple[str, float]]:
        """Stems the guidance uses for a word it does not have, best first, with weights.

        In order: the language's way to bokmål (nn: Apertium, en: FreeDict), its lemma, an English
        word's Norwegian cognate ("criteria" -> "kriteria"), the guidance's compounds a translation is
        part of ("quality" -> "kvalitet" -> "datakvalitet",
        "delivery" -> "levering" -> "leveringsfrist"), and a spelling correction against the
        guidance's words.
        """
        out: dict[str, float] = {}
        unmatched: list[str] = []
        for cand in lang.to_guidance(raw):
            for st in marked_stems(words(cand)):
                if st in self.df:
                    out.setdefault(st, 0.8)
                else:
                    unmatched.append(st)
        if not out:
            lemma = fold(lang.lemma(raw))
            if lemma != tok and stem(lemma) in self.df:
                out[stem(lemma)] = 0.9
        if not out:
            # an English word whose dictionary words the guidance lacks, read as its Norwegian
            # cognate ("exclusion" -> "eksklusjon"); only a stem the guidance has itself, never as a
            # compound's part (a guessed stem is short: "centre" -> "sentr" is no part of "sentralt")
            for cand in lang.cognates(raw):
                st = stem(fold(cand))
                if st in self.df:
                    out.setdefault(st, T.COGNATE_WEIGHT)
        if not out and T.TRANSLATION_COMPOUND:
            for st in unmatched:
                for cand in self.compounds_of(st):
                    out.setdefault(cand, T.TRANSLATION_COMPOUND)
        if not out:
            fixed = self.speller.correct(tok)
            if fixed and stem(fixed) in self.df:
                out[stem(fixed)] = 0.8
        return list(out.items())

    def _names_pair(self, toks: list[str], label: str, other: str, starts: dict[str, int]) -> bool:
        """Whether an outside subject and the other side of its "or" are a choice between two bodies:
        the outside one a source of data (another register, FHI, SSB) and the other a name the
        guidance itself writes (Helsedirektoratet), never NPR itself, and the pair no object of a
        preposition. "Er det Helsedirektoratet eller Folkehelseinstituttet som er ansvarleg?" is
        answered by the line naming Helsedirektoratet; "Reseptregisteret eller NPR" asks about
        another register too, "Medisiner eller Diagnoser" names no bodies, and "ansvarlig for
        Reseptregisteret eller Helsedirektoratet" asks about the other register."""
        if any(n in other for n in NPR_NAMES) or not _is_source(label):
            return False
        if other.split()[0] not in self.capitalised:
            return False
        first = min(starts.get(label, 0), starts.get(other, 0))
        return not any(t in BEFORE_PAIR for t in toks[max(0, first - 2):first])  # "for the Cancer Registry or …"

    def analyze(self, question: str, lang: str | None = None) -> Query:
        """Question -> Query of term groups (own words, glossary meanings, translations, fuzzy neighbours)."""
        lang = lang or language.detect(question)
        speech = language.get(lang)
        toks, stop = words(question), stopwords()
        raws = raw_words(question)
        if len(raws) != len(toks):  # folding never splits a word, but be safe
            raws = toks
        budget = [T.SPELLING_PER_TEXT]
        acronyms = _acronyms(question)
        for n, (tok, raw) in enumerate(zip(toks, raws)):  # typing slips: "Hovrdan" -> "hvordan"
            fixed = None if raw in acronyms else self.respelled(tok, raw, speech, budget)
            if fixed:
                toks[n], raws[n] = fold(fixed), fixed.lower()
        # "not formal research" denies research as "not research" does
        keep: list[int] = []
        for n in range(len(toks)):
            if not (raws[n] in QUALIFIERS and keep and toks[keep[-1]] in NEGATORS):
                keep.append(n)
        toks, raws = [toks[n] for n in keep], [raws[n] for n in keep]
        # a nynorsk question is also read word by word in bokmål for the glossary's entries, phrases
        # and words: "ikkje eit forskingsprosjekt" is "ikke et forskningsprosjekt", "fastlegar" is
        # "fastleger" (no entry needs each nynorsk form)
        in_bokmal = [self._bokmal(raw, tok, speech) for tok, raw in zip(toks, raws)] if lang == "nn" else None
        if in_bokmal == toks:
            in_bokmal = None
        groups: dict[str, Group] = {}
        i, negate, carry, off_topic, npr_before = 0, False, False, "", False
        # "A or B": the topic words on either side of an "or" (pairs of group labels)
        either: list[tuple[str, str]] = []
        sided: dict[str, bool] = {}  # outside subjects read as one side of an "or" -> NPR named before them
        starts: dict[str, int] = {}  # where each group's words begin
        # (label, index after it) of the last group; (label, index of the "or") waiting for its other side
        last, pending = (None, -9), None

        def made(label: str, start: int, end: int) -> None:
            nonlocal last, pending
            starts.setdefault(label, start)
            # the side after the "or" is its next word or the one after ("eller en underleverandør"),
            # not a clause of its own ("or do we receive …")
            if pending and start - pending[1] <= T.EITHER_REACH and pending[0] != label:
                either.append((pending[0], label))
            pending, last = None, (label, end)

        while i < len(toks):
            hit = self.glossary.match(toks, i, lang)
            if hit is None and in_bokmal is not None:
                hit = self.glossary.match(in_bokmal, i, "nb")
            if hit and hit[1] == ("!",) and hit[0] == 1 and stem(toks[i]) in self.df:
                hit = None  # a word the guidance itself uses ("kvalitetsregistre") is no other subject
            if hit:
                n, means = hit
                label = " ".join(toks[i:i + n])
                i += n
                if not means:
                    continue  # an "ignore" entry
                if means == ("!",):
                    if not negate and label not in groups and _beside_or(toks, i - n, i, pending, stop):
                        # "Helsedirektoratet eller Folkehelseinstituttet?": one side of an "or" may
                        # be answered by the other (`either`, answering._unknown); it is a phrase no
                        # text knows (weights under KNOWN_BY_WEIGHT), so only a section holding the
                        # other side excuses it. Kept or made the outside subject after all below
                        own = tuple(stem(w) for w in label.split() if w not in stop) or (stem(label),)
                        groups[label] = Group(label, own, (T.COMPOUND_HEAD_WEIGHT,) * len(own), (own,))
                        sided[label] = _names_npr(groups.values())
                        made(label, i - n, i)
                        continue
                    last, pending = (None, i), None  # another subject stands between: no pair across it
                    if not off_topic:  # the answerer abstains; context keeps the rest
                        off_topic, npr_before = label, _names_npr(groups.values())
                    continue
                # a phrase's own words ("lang", "tid") are too vague to search; one word is not
                own = [stem(w) for w in label.split() if w not in stop] if n == 1 else []
                alts = [tuple(marked_stems(words(m))) for m in means]
                if negate:  # "enn forskning": the glossary's words are negated too
                    own = ["!" + t for t in own]
                    alts = [tuple(t if t.startswith("!") else "!" + t for t in a) for a in alts]
                    negate = carry = False
                alts = [a for a in alts if a]
                terms = list(dict.fromkeys(own + [t for a in alts for t in a]))
                groups[label] = Group(label, tuple(terms), tuple(1.0 if t in own else 0.8 for t in terms),
                                      tuple([(t,) for t in own] + alts))
                made(label, i - n, i)
                continue
            tok, raw = toks[i], raws[i]
            i += 1
            if tok in EITHER:
                pending = (last[0], i - 1) if last[0] and i - 1 - last[1] <= T.EITHER_REACH else None
                continue
            if tok in NEGATORS:
                negate = carry = True
                continue
            if tok in groups:  # a word said again is that side of an "or" too
                last, pending = (tok, i), None
                continue
            if tok in stop or len(tok) < 2:
                continue
            st = ("!" if negate else "") + stem(tok)
            if negate and st not in self.df:
                # the guidance's own word for it, negated where the guidance draws that line: "ikkje
                # forsking", "not research" -> "!forskning" ("andre formål enn forskning")
                st = next((f"!{cand}" for cand, _ in self.guidance_terms(raw, tok, speech) if f"!{cand}" in self.df), st)
            if negate and st not in self.df:
                if carry:
                    # "uten å søke": what the asker does not want is not the topic; the negation
                    # reaches one word further, past a verb ("ikkje driv med forsking", "don't
                    # conduct research"), where the guidance draws that line
                    carry = False
                    last, pending = (None, i), None
                    continue
                st = st[1:]  # ...and the word after that stands as it is
            negate = carry = False
            terms, weights = [st], [1.0]
            if st not in self.df:
                for cand, w in self.guidance_terms(raw, tok, speech):
                    terms.append(("!" if st.startswith("!") else "") + cand)
                    weights.append(w)
                for cand, sim in self.similar(st.lstrip("!")):
                    if cand not in terms:
                        terms.append(cand)
                        weights.append(0.8 * sim)
                # a compound the guidance lacks is a kind of its last part: "helseforsikring" is
                # searched as what "forsikring" means, but never made known by it (the weight stays
                # under KNOWN_BY_WEIGHT: "tannbehandling" still asks about something missing)
                tail_is_word = (lambda cut: speech.zipf(raw[cut:]) >= T.COMPOUND_HEAD_ZIPF) if len(raw) == len(tok) else None
                for alt in self.glossary.head(tok, lang, tail_is_word):
                    for cand in marked_stems(words(alt)):
                        if cand not in terms and not cand.startswith("!"):
                            terms.append(("!" if st.startswith("!") else "") + cand)
                            weights.append(T.COMPOUND_HEAD_WEIGHT)
            groups[tok] = Group(tok, tuple(terms), tuple(weights), tuple((t,) for t in terms), raw=raw)
            made(tok, i - 1, i)
        for label, named_before in sided.items():
            other = next((b if a == label else a for a, b in either if label in (a, b)), None)
            if other is None or other in sided or not self._names_pair(toks, label, other, starts):
                del groups[label]
                either = [pair for pair in either if label not in pair]
                if not off_topic:
                    off_topic, npr_before = label, named_before
        if off_topic and npr_before and _is_source(off_topic) and _links(groups.values()):
            # "koble NPR med Kreftregisteret/SSB": the other register is a source NPR is linked with;
            # "Hvilke krav stiller Kreftregisteret ved kobling med NPR?" asks about that register
            off_topic = ""
        return Query(question, lang, tuple(groups.values()), off_topic, tuple(either))

    @staticmethod
    def _bokmal(raw: str, tok: str, speech: language.Language) -> str:
        """A nynorsk word's first bokmål word (Apertium), folded; the word itself when it has none or
        several words: _bokmal("ikkje", ...) -> "ikke"."""
        found = speech.to_guidance(raw)
        return fold(found[0]) if found and " " not in found[0] else tok

    def respelled(self, tok: str, raw: str, speech: language.Language, budget: list[int]) -> str | None:
        """The word a slip stands for ("hovrdan" -> "hvordan"), or None for a word the guidance,
        a stop list or general language knows. `budget`: look-ups left for this text."""
        if tok in stopwords() or stem(tok) in self.df or tok in self.spelling.known or budget[0] <= 0:
            return None
        budget[0] -= 1
        return self.spelling.correct(tok, raw, speech)

    def spelled(self, text: str, lang: str | None = None) -> str:
        """`text` with its slips mended, for the embedding: "Hovrdan søker jeg?" -> "hvordan søker jeg?"."""
        speech = language.get(lang or language.detect(text))
        budget = [T.SPELLING_PER_TEXT]

        acronyms = _acronyms(text)

        def mend(m) -> str:
            word = m.group(0)
            if word.lower() in acronyms:  # "PA", "DOD", "MSIS": names, not slips
                return word
            fixed = self.respelled(fold(word), word.lower(), speech, budget)
            if fixed:
                return fixed
            fixed = self.spelling.with_letters(word, speech)
            return fixed.capitalize() if fixed and word[:1].isupper() else (fixed or word)

        return WORD.sub(mend, text)

    def group_idf(self, group: Group) -> float:
        """How rare the group's concept is: idf of the chunks holding any alternative in full.

        So "registeret" (-> npr, pasientregister, ...) counts as common, however rare the word.
        """
        docs: set[int] = set()
        for alt in group.alternatives or tuple((t,) for t in group.terms):
            sets = [self.postings.get(t, frozenset()) for t in alt]
            docs.update(frozenset.intersection(*sets) if sets else ())
        return self._idf(len(docs))

    def group_weight(self, group: Group, lang: str) -> float:
        """A group's say in coverage: its idf, times its rarity in general language when the
        guidance has none of its terms, so an everyday word it lacks ("fram", "oss") never counts
        against a section while a specific one ("minnepinne") does."""
        w = self.group_idf(group)
        if any(t.lstrip("!") in self.df for t in group.terms):
            return w
        speech = language.get(lang)
        return w * max((speech.rarity(x) for x in (group.raw or group.label).split()), default=1.0)

    def coverage(self, query: Query, terms: frozenset[str] | set[str], generic: bool = False) -> float:
        """Idf-weighted share of the query's groups that `terms` cover (0..1).

        Words in most chunks ("data", "NPR") say little about which section answers: when the
        question has anything more specific, coverage is measured on that, unless `generic`.
        """
        own, weights, total = self._weighed(query.groups, query.lang, generic)
        if not total:
            return 0.0
        return sum(w * g.credit(terms) for w, g in zip(weights, own)) / total

    def _weighed(self, groups: tuple[Group, ...], lang: str, generic: bool) -> tuple[list, list, float]:
        """(the groups coverage counts, their weights, the weights' sum): the same for every chunk
        a question is weighed against, so worked out once per question (kept for the last few)."""
        key = (groups, lang, generic)
        found = self._weights.get(key)
        if found is None:
            own = [g for g in groups if not g.context]
            specific = [g for g in own if self.group_idf(g) >= GENERIC_IDF]
            own = own if generic else (specific or own)
            weights = [self.group_weight(g, lang) for g in own]
            found = (own, weights, sum(weights))
            if len(self._weights) >= 256:
                self._weights.clear()
            self._weights[key] = found
        return found

    def scores(self, query: Query) -> np.ndarray:
        """Weighted BM25 per chunk: per group, its best term in full and the others at half.

        So a group never counts a synonym twice over, but a chunk holding all of a phrase's
        words ("andre formål enn forskning") beats one holding only one of them.
        """
        # sparse: each term costs its postings, not the corpus (bm25s get_scores fills zeros(n))
        total = np.zeros(self.n, dtype=np.float32)
        for g in query.groups:
            posts = [self._postings(t, w) for t, w in zip(g.terms, g.weights) if t in self.df]
            if not posts:
                continue
            docs, inverse = np.unique(np.concatenate([d for d, _ in posts]), return_inverse=True)
            best = np.zeros(len(docs), dtype=np.float32)
            summed = np.zeros(len(docs), dtype=np.float32)
            at = 0
            for d, v in posts:  # term order, as the dense version summed its rows
                rows = inverse[at:at + len(d)]
                at += len(d)
                np.maximum.at(best, rows, v)
                summed[rows] += v
            total[docs] += best + np.float32(0.5) * (summed - best)
        return total

    def _postings(self, term: str, weight: float) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, weight * BM25 score) of the chunks holding `term`, from bm25s's CSC arrays."""
        s, tid = self.bm25.scores, self.bm25.vocab_dict[term]
        lo, hi = s["indptr"][tid], s["indptr"][tid + 1]
        docs, vals = s["indices"][lo:hi], s["data"][lo:hi]
        keep = docs < self.n
        return docs[keep], (weight * vals[keep]).astype(np.float32)
