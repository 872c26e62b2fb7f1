"""One object per language (nb, nn, en): its words, lemmas, frequencies, spelling, and the way to
the guidance's own (bokmål) words.

    get("nn").to_guidance("kostar") -> ['koster']           (Apertium nno-nob, assistant/data/lang)
    get("en").to_guidance("price")   -> ['pris']           (FreeDict eng-nor)
    get("en").to_guidance("consent") -> ['samtykke']       (FreeDict dan-eng read backwards)
    get("nb").rarity("pris") -> 0.0 (everyday: never a missing topic); rarity("minnepinne") -> ~1.0
    detect("Kva kostar det?") -> "nn"

Lemmas come from simplemma, general-language frequencies from wordfreq (there is no nynorsk list;
nynorsk uses bokmål's), spelling from symspellpy over the guidance's vocabulary. Heavy data
(simplemma's dictionaries, symspell) loads on first use, so a question whose words the guidance
already has costs nothing extra. Deliberately left out: grammar, and phrase translation (the
domain glossary, corpus/glossary.tsv, carries the phrases).
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache

from . import tuning as T
from .text import DATA, WORD, data_text, fold, raw_words

LANGS = ("nb", "nn", "en")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def markers() -> dict[str, frozenset[str]]:
    # not folded: "frå" (nynorsk) must not become "fra" (bokmål)
    data = json.loads(data_text("language.json"))
    return {k: frozenset(w.lower() for w in v) for k, v in data.items() if not k.startswith("_")}


def detect(text: str) -> str:
    """'What does it cost?' -> 'en'; 'Kva kostar det?' -> 'nn'; 'Hva koster det?' -> 'nb'."""
    toks = raw_words(text)
    m = markers()
    if any(t in m["nn"] for t in toks):
        return "nn"
    en = sum(t in m["en"] for t in toks)
    nb = sum(t in m["nb"] for t in toks)
    return "en" if en > nb else "nb"


@lru_cache(maxsize=8)
def _mapping(name: str) -> dict[str, tuple[str, ...]]:
    """A word-mapping file of assistant/data/lang: 'word<TAB>a|b' lines -> {word: (a, b)}."""
    path = DATA / "lang" / name
    if not path.is_file():
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("\t")
        if key and value and not key.startswith("#"):
            out.setdefault(key, tuple(v for v in value.split("|") if v))
    return out


def nn_to_nb() -> dict[str, tuple[str, ...]]:
    """Nynorsk word form -> its bokmål forms (Apertium nno-nob, assistant/data/lang/nn_nb.tsv)."""
    return _mapping("nn_nb.tsv")


def in_guidance_words(text: str, code: str, skip: frozenset[str] = frozenset()) -> str:
    """The question as the guidance's bokmål would word it, for matching its passages by meaning
    where no example questions stand between (documents only): a nynorsk word form becomes its
    first bokmål form (Apertium; typed without æøå too; addresses such as helsedata.no stay as
    written), an English question is followed by its word-by-word gloss (FreeDict, each word's first
    translation; a word it lacks in lower case; `skip`: the function words left out, and single
    letters); bokmål comes back as it is. Deliberately left out: the first translation the guidance
    uses ("formål", not "mål", for "purpose"): the first passage right for 2 % more English
    questions, and no more answered right. A bokmål question with one nynorsk word is read as
    nynorsk (`detect`), and its words that are nynorsk forms too ("lista") change with it.

        in_guidance_words("Kva kostar det å få tal?", "nn") -> "Hva koster det å få tall?"
        in_guidance_words("What does it cost?", "en", {"what", "does", "it"}) -> "What does it cost? koste"
    """
    if code == "nn":
        table, folded = nn_to_nb(), _general("nn")[1]

        def one(m: re.Match) -> str:
            word = m.group(0)
            low = word.lower()
            if "." in low or "@" in low:  # helsedata.no, an e-mail address: "no" is no "nå" there
                return word
            nb = table.get(low) or (table.get(folded.get(fold(low), "")) if low.isascii() else None)
            if not nb:
                return word
            if word.isupper() and len(word) > 1:
                return nb[0].upper()
            return nb[0].capitalize() if word[:1].isupper() else nb[0]

        return WORD.sub(one, text)
    if code == "en":
        speech = get("en")
        gloss = []
        for word in raw_words(text):
            if len(word) > 1 and word not in skip:
                found = speech.to_guidance(word)
                gloss.append(found[0] if found else word)
        return f"{text} {' '.join(gloss)}" if gloss else text
    return text


# the regular spelling differences between English words of Latin or Greek stock and their
# Norwegian cognates: endings first (one, the longest that fits), then letters in order
COGNATE_ENDINGS = (("ications", "ikasjoner"), ("ication", "ikasjon"), ("ations", "asjoner"), ("ation", "asjon"),
                   ("tions", "sjoner"), ("tion", "sjon"), ("ssions", "sjoner"), ("ssion", "sjon"), ("sions", "sjoner"),
                   ("sion", "sjon"),
                   ("ities", "iteter"), ("ity", "itet"), ("ical", "isk"), ("ics", "ikk"), ("ic", "isk"),
                   ("ble", "bel"), ("ous", ""), ("ism", "isme"), ("ive", "iv"))
COGNATE_LETTERS = ((r"ph", "f"), (r"th", "t"), (r"ch", "k"), (r"qu", "kv"), (r"xc(?=[eiy])", "ks"), (r"x", "ks"),
                   (r"ck", "kk"), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"sh", "sj"))


class Language:
    """Everything language-specific about one of nb, nn, en."""

    def __init__(self, code: str):
        self.code = code
        self.freq_lang = "en" if code == "en" else "nb"  # wordfreq has no nynorsk list
        self.lemma_langs = {"nb": ("nb",), "nn": ("nn", "nb"), "en": ("en",)}[code]

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    def tokens(self, text: str) -> list[str]:
        return raw_words(text)

    @property
    def function_words(self) -> frozenset[str]:
        return markers()[self.code]

    def lemma(self, word: str) -> str:
        """'opplysningane' (nn) -> 'opplysning'; unknown words come back as they are."""
        import simplemma

        with _lock:
            return simplemma.lemmatize(word, lang=self.lemma_langs)

    @lru_cache(maxsize=8192)
    def zipf(self, word: str) -> float:
        """General-language frequency (Zipf scale, 0 for unknown words)."""
        from wordfreq import zipf_frequency

        return zipf_frequency(word, self.freq_lang)

    def rarity(self, word: str) -> float:
        """How much a word the guidance lacks says about a topic it lacks (0..1).

        Everyday words (pris 5.2, kommune 5.3) -> 0; domain words and names (minnepinne) -> ~1;
        numbers (years) -> 1: a year the guidance does not name is a specific fact it lacks.
        """
        if any(c.isdigit() for c in word):
            return 1.0
        z = max(self.zipf(w) for w in self.written_forms(word))
        if self.code != "en":
            z = max(z, get("en").zipf(word))
        return min(1.0, max(0.0, (T.COMMON_ZIPF - z) / (T.COMMON_ZIPF - T.RARE_ZIPF)))

    @lru_cache(maxsize=8192)
    def written_forms(self, word: str) -> tuple[str, ...]:
        """The word, and the everyday words it may be written for, whose frequency it shares:
        without æøå ("altsa" -> "altså", "naar" -> "når", ø as "oe"), in Norwegian a nynorsk
        form's bokmål word ("kostar" -> "koster", "sjølv" -> "selv": wordfreq has no nynorsk list,
        and bokmål questions borrow nynorsk forms), and its lemma ("approvals" -> "approval"). So
        an everyday word typed without æøå, in nynorsk or inflected never reads as a rare topic
        the guidance lacks.

            get("nn").written_forms("berre") -> ('berre', 'bare')
        """
        forms = [word]
        if word.isascii() and word.isalpha():
            _, surface = _general(self.code)
            for folded in {word, fold(word.replace("aa", "å")), fold(word.replace("oe", "ø"))}:
                if surface.get(folded, word) != word:
                    forms.append(surface[folded])
        if self.code != "en":
            forms += _mapping("nn_nb.tsv").get(word, ())
        if word.isalpha():  # an inflected form is no rarer a topic than its word ("approvals", "ventelister")
            forms.append(self.lemma(word))
        return tuple(dict.fromkeys(forms))

    def cognates(self, word: str) -> list[str]:
        """Norwegian spellings an English word of Latin or Greek stock would have, by the regular
        spelling differences (-tion -> -sjon, -ity -> -itet, -ics -> -ikk, c -> k or s, x -> ks,
        ph -> f, ch -> k, qu -> kv): a guess for the words whose dictionary words the guidance
        lacks, used only where it is the guidance's own word. [] for other languages and short words.

            get("en").cognates("exclusion") -> ['eksklusjon'];  cognates("criteria") -> ['kriteria']
        """
        if self.code != "en" or len(word) < T.COGNATE_MIN or not word.isascii() or not word.isalpha():
            return []
        w = word.lower()
        for english, norwegian in COGNATE_ENDINGS:
            if w.endswith(english) and len(w) - len(english) >= 3:
                w = w[:-len(english)] + norwegian
                break
        for english, norwegian in COGNATE_LETTERS:
            w = re.sub(english, norwegian, w)
        return [w] if w != word.lower() else []

    def to_guidance(self, word: str) -> list[str]:
        """Bokmål words for a word of this language (nn via Apertium, or for a compound its word
        list lacks by the compound's parts; en via FreeDict's eng-nor, then dan-eng read
        backwards); [] for nb."""
        if self.code == "nn":
            table = _mapping("nn_nb.tsv")
            found = table.get(word, ())
            if not found and word.isascii() and word.isalpha():  # typed without æøå: "foremal" is "føremål"
                found = table.get(_general(self.code)[1].get(fold(word), ""), ())
            return list(found) or list(_compound_cached(word))
        if self.code == "en":
            # FreeDict eng-nor first; for words it lacks ("purpose", "consent"), the Danish-English
            # dictionary read backwards (the Danish words bokmål shares). The word's own entry in
            # either before its lemma's ("records": "arkiv", not "record"'s "spille inn"); eng-nor
            # has few plurals ("variables"), so the lemma is the fallback
            tables = (_mapping("en_nb.tsv"), _mapping("en_nb_via_da.tsv"))
            for table in tables:
                if table.get(word):
                    return list(table[word])[:4]
            lemma = self.lemma(word) if len(word) > 3 else word  # only when the word has no entry
            for table in tables:
                if lemma != word and table.get(lemma):
                    return list(table[lemma])[:4]
        return []


@lru_cache(maxsize=T.COMPOUNDS_SEEN)
def _compound_cached(word: str) -> tuple[str, ...]:
    """_compound_in_bokmal with Apertium's list, kept per word: every word of a nynorsk question
    the list lacks is looked up (its general-language frequency twice), question after question."""
    return tuple(_compound_in_bokmal(word, _mapping("nn_nb.tsv")))


def _compound_in_bokmal(word: str, table: dict) -> list[str]:
    """A nynorsk compound Apertium's word list lacks, by its parts: the longest last part the list
    has (at least COMPOUND_TAIL_MIN letters), its first part too where the list has it (a linking s
    kept); else the longest first part the list has before a linking s, the last part being one both
    languages share.
    [] when nothing changes.

        _compound_in_bokmal("sjukehusopphald", table) -> ["sykehusopphold"]
        _compound_in_bokmal("forskingsdata", table)   -> ["forskningsdata"]
    """
    # a word general bokmål or English knows is no nynorsk compound ("tjenestene" is not "tjenes" +
    # nynorsk "tene"): only words the list and wordfreq both lack are taken apart
    if len(word) > T.COMPOUND_SPAN or not word.isalpha() or get("nb").zipf(word) > 0 or get("en").zipf(word) > 0:
        return []

    def head_of(head: str) -> str | None:
        if table.get(head):
            return table[head][0]
        if head.endswith("s") and table.get(head[:-1]):
            return table[head[:-1]][0] + "s"
        return None

    for cut in range(3, len(word) - T.COMPOUND_TAIL_MIN + 1):
        tails = table.get(word[cut:])
        if tails:
            head = head_of(word[:cut]) or word[:cut]
            return [head + t for t in tails[:3] if " " not in t and head + t != word]
    for cut in range(len(word) - 4, 4, -1):
        # a first part ending in a linking s ("forskings|data", "sjukdoms|register"), before a last
        # part of four letters or more
        if word[cut - 1] == "s" and table.get(word[:cut - 1]):
            head = table[word[:cut - 1]][0] + "s"
            if " " not in head and head + word[cut:] != word:
                return [head + word[cut:]]
    return []


@lru_cache(maxsize=3)
def _general(code: str) -> tuple[dict[int, list[str]], dict[str, str]]:
    """A language's commonest words (wordfreq, most frequent first), folded and by length, with
    each folded word's written form; nynorsk adds the Apertium word forms (wordfreq has no list)."""
    from wordfreq import top_n_list

    listed = top_n_list("en" if code == "en" else "nb", T.SPELLING_WORDS)
    if code == "nn":
        listed = listed + list(_mapping("nn_nb.tsv"))
    return _by_length(listed)


def _by_length(listed) -> tuple[dict[int, list[str]], dict[str, str]]:
    """Words best first -> (folded words by length, best first; folded -> as written)."""
    by_len: dict[int, list[str]] = {}
    surface: dict[str, str] = {}
    for w in listed:
        f = fold(w)
        if f.isalpha() and f not in surface:
            surface[f] = w
            by_len.setdefault(len(f), []).append(f)
    return by_len, surface


def _nearest(word: str, by_len: dict[int, list[str]], most: int) -> str | None:
    """The best-listed word at the smallest Damerau-Levenshtein distance (<= most) from `word`.

    _nearest("hovrdan", {7: ["hvordan"]}, 1) -> "hvordan"
    """
    from rapidfuzz.distance import DamerauLevenshtein

    best, key = None, (most + 1, 0)
    for n in range(len(word) - most, len(word) + most + 1):
        for rank, cand in enumerate(by_len.get(n, ())):
            d = DamerauLevenshtein.distance(word, cand, score_cutoff=key[0])
            if (d, rank) < key:
                best, key = cand, (d, rank)
    return best


class Spelling:
    """Typing slips: a word that neither the guidance, its example questions nor general language
    knows, one slip (two in a long word) from one they do, is read as that word.

        Spelling({"hvordan": 9}).correct("hovrdan", "hovrdan", get("nb")) -> "hvordan"

    The guidance's and its examples' own words come first, then the language's commonest words
    ("beetale" -> "betale"); the word comes back as they write it, æøå and all. A slip keeps the
    first letter, so a prefix is never taken for a slip ("uanonyme", "avidentifisering"), and a
    real word is left alone ("lefse", "forsere", "consents"). General language knows the commonest
    slips too, barely (wordfreq: "reserch" at Zipf 1.2): a word below SLIP_ZIPF one slip from a
    far commoner word is read as that word ("reserch" -> "research"). So a slip in an
    everyday word no longer reads as a rare topic the guidance lacks (which declines), and a slip
    in a guidance word finds it. A word shorter than SPELLING_MIN_LENGTH is read only for two
    swapped letters ("logn", "Hovr"): too many real short words lie one dropped, added or changed
    letter apart. Deliberately left out: slips in a word's first letter.
    """

    def __init__(self, domain: dict[str, int]):
        """`domain`: word as written (lower case, æøå kept) -> how often the guidance and its examples use it."""
        ordered = sorted(domain, key=lambda w: (-domain[w], w))
        self._domain, self._written = _by_length(ordered)
        self.known = frozenset(self._written)
        # folded -> the commonest of the guidance's and its examples' words that hold æøå ("a" -> "å",
        # though the English examples' "a" is commoner as typed)
        self._lettered = _by_length(w for w in ordered if not w.isascii())[1]
        self._seen: dict[tuple[str, str, str], str | None] = {}  # a slip is looked up once

    def correct(self, tok: str, raw: str, speech: "Language") -> str | None:
        """The word `tok` (folded; `raw` as written) was meant to be, as written, or None."""
        if len(tok) < T.SPELLING_SHORT or not tok.isalpha() or tok in self.known:
            return None
        key = (tok, raw, speech.code)
        try:
            return self._seen[key]
        except KeyError:
            found = self._correct(tok, raw, speech) if len(tok) >= T.SPELLING_MIN_LENGTH else self._swapped(tok, raw, speech)
        if len(self._seen) >= T.SPELLING_SEEN:  # another thread may clear it too: harmless
            self._seen.clear()
        self._seen[key] = found
        return found

    def _swapped(self, tok: str, raw: str, speech: "Language") -> str | None:
        """A short word (SPELLING_SHORT up to SPELLING_MIN_LENGTH letters) that neither general
        language (its word forms, nynorsk's too) nor the guidance knows, with two letters after
        the first swapped as typed: "logn" -> "long", "tkae" -> "take", "Hovr" -> "hvor", "hwo" ->
        "how". A word general language has seen at all is read only as one of the guidance's and
        its examples' own ("nkr" is no "nrk", "drak" no "dark", "msis" no "miss"), and a real word
        stays ("byar", "evna", "krut"). Dropped, added or changed letters stay unread in a short
        word: too many other words lie there ("kost", "kose")."""
        # the cheap test first: a word general language knows well needs no look in its word list
        seen = max(speech.zipf(raw), get("en").zipf(raw) if speech.code != "en" else 0.0)
        if seen >= T.SLIP_ZIPF or tok in self._written:
            return None
        general = _general(speech.code)[1]
        if tok in general:
            return None
        for i in range(1, len(raw) - 1):
            cand = raw[:i] + raw[i + 1] + raw[i] + raw[i + 2:]  # as typed: "hsø" is no slip of "hos"
            written = self._written.get(fold(cand)) or (None if seen else general.get(fold(cand)))
            if written and written.lower() == cand \
                    and max(speech.zipf(w) for w in speech.written_forms(written)) >= seen + T.SLIP_COMMONER:
                return written
        return None

    def with_letters(self, raw: str, speech: "Language") -> str | None:
        """A Norwegian word typed without æøå ("undersokelse", "naar", "faar") as it is written,
        when that is far commoner (LETTERS_COMMONER) than what was typed; None otherwise. Coverage and
        BM25 fold æøå anyway; this is for the embedding, which reads "hva koster en mr-undersokelse"
        nearer the price than "hva koster en MR-undersøkelse". A real word typed so is left alone
        ("far" is not "får", "sa" not "så", "mal" not "mål").

            Spelling({"når": 3}).with_letters("naar", get("nb")) -> "når"
        """
        if speech.code not in ("nb", "nn") or not raw.isascii() or not raw.isalpha() or len(raw) < 2:
            return None
        key = ("æøå", raw, speech.code)
        found = self._seen.get(key, key)  # one look-up: another thread may clear the cache between two
        if found is not key:
            return found
        low, found = raw.lower(), None
        for folded in dict.fromkeys((low, low.replace("aa", "a"))):  # "aa" is how å is typed without it
            # the guidance's and its examples' own words first; general language's (30,000 words,
            # read once, about a second) only for a word they never use, so that most questions,
            # and a cold start, never load it
            written = self._lettered.get(folded)
            if not written and folded not in self.known:
                written = _general(speech.code)[1].get(folded)
            if written and not written.isascii() and speech.zipf(written) >= speech.zipf(low) + T.LETTERS_COMMONER:
                found = written
                break
        if len(self._seen) >= T.SPELLING_SEEN:
            self._seen.clear()
        self._seen[key] = found
        return found

    def _correct(self, tok: str, raw: str, speech: "Language") -> str | None:
        # a word general language does not know at all; or one it barely knows, the way common
        # slips are known ("reserch" 1.2, "aplication" 1.3, "lenght" 2.0), one slip from a word
        # that is far commoner. A rarer real word is as likely meant ("forsere" 2.9 is not
        # "forskere", "consents" 2.8 not "contents")
        seen = max(speech.zipf(raw), get("en").zipf(raw) if speech.code != "en" else 0.0)
        if seen >= T.SLIP_ZIPF:
            return None
        most = 1 if len(tok) < T.SPELLING_TWO_SLIPS or seen else 2
        found, written = _nearest(tok, self._domain, most), self._written
        if not found:
            by_len, written = _general(speech.code)
            found = _nearest(tok, by_len, most)
        # a slip keeps the first letter: "atypisk", "ubrukte", "avidentifisering" and
        # "deidentified" are words of their own, not "typisk", "brukte", "identifisering"
        if not found or found[0] != tok[0]:
            return None
        if seen and max(speech.zipf(w) for w in speech.written_forms(written[found])) < seen + T.SLIP_COMMONER:
            return None
        # a Norwegian word is no slip of an English one the examples use ("studiets" is not "studies",
        # "tekes" not "takes")
        if speech.code != "en" and get("en").zipf(written[found]) > max(
                speech.zipf(w) for w in speech.written_forms(written[found])):
            return None
        return written[found]


def warm_up() -> None:
    """Load the lemma dictionaries of all three languages (a second each) and their commonest
    words (for slips and written forms, 0.4 s each) before they are needed."""
    for code in LANGS:
        try:
            get(code).lemma("data")
            _general(code)
        except Exception:  # a warm-up must never fail the process; the first real use will say why
            return


@lru_cache(maxsize=3)
def get(code: str) -> Language:
    return Language(code if code in LANGS else "nb")


class Speller:
    """symspellpy over a vocabulary (the guidance's words): 'pasientregistret' -> 'pasientregisteret'."""

    def __init__(self, vocabulary: dict[str, int]):
        self.vocabulary = vocabulary
        self._sym = None

    def correct(self, word: str) -> str | None:
        if len(word) < 5 or word in self.vocabulary:
            return None
        if self._sym is None:
            from symspellpy import SymSpell

            sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
            for w, n in self.vocabulary.items():
                sym.create_dictionary_entry(w, max(1, n))
            self._sym = sym
        from symspellpy import Verbosity

        found = self._sym.lookup(word, Verbosity.TOP, max_edit_distance=2 if len(word) >= 8 else 1)
        return found[0].term if found and found[0].term != word else None
