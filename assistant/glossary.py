"""The bilingual domain glossary (corpus/glossary.tsv): applicants' words -> the guidance's words.

The file is for the support team to edit; its header explains the format. Each entry maps words
an applicant may use (a phrase; a trailing * matches any ending, a leading * any compound
"*register*") to alternatives the guidance uses ("pris, kostnad"); an empty right side means
"ignore this word", and "!" means "a subject outside the guidance: decline". Matching is on
folded words, longest phrase first. Deliberately left out: inflection rules beyond the *.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .text import words

log = logging.getLogger(__name__)

LANG_TAGS = {"nb": frozenset({"nb"}), "nn": frozenset({"nn"}), "en": frozenset({"en"}),
             "no": frozenset({"nb", "nn"})}


HEAD_MIN = 6  # letters of a compound's last part that may stand for the compound (head)
HEAD_SPAN = 30  # the longest last part tried (a longer tail is no compound head; bounds the look-ups of a pasted run of letters)
# words a phrase may hold between its own without changing what it names: "submit my application"
# is "submit application", "the price of the data" "price of data" (folded, as questions are); not
# bokmål's "vår" (folded "var": also "was")
DETERMINERS = frozenset(
    "a an the my our your their his her its this these those some min mi mitt mine vart vare din di ditt dine "
    "dykkar deres sin si sitt sine denne dette disse desse".split())


class Glossary:
    """Phrases applicants use -> the guidance's words; see corpus/glossary.tsv for the format.

    Glossary.parse("kost*\\tpris") maps 'kostar' to ('pris',); an empty right side means "ignore".
    """

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]],
                 langs: dict[tuple[str, ...], frozenset[str]] | None = None,
                 lines: list[tuple[int, str, tuple[str, ...], tuple[str, ...]]] = ()):
        # entries: applicant's words (last may end in *) -> alternatives, each a phrase string
        self.entries = entries
        self.langs = langs or {}  # key -> the question languages it applies to (absent: all)
        self.lines = list(lines)  # (line number, key as written, folded key, alternatives)
        self.longest = max((len(k) for k in entries), default=0)
        # "*register*" keys (a word inside a compound): few, scanned for every word of a question
        self.infixes = [(key[0].strip("*"), means) for key, means in entries.items()
                        if key[0].startswith("*")]

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        langs: dict[tuple[str, ...], frozenset[str]] = {}
        lines = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, means = line.partition("\t")
            tag, sep, rest = key.partition(":")
            only = LANG_TAGS.get(tag.strip().lower()) if sep else None
            if only:
                key = rest
            key_words = tuple(words(key))
            if key.strip().endswith("*") and key_words:
                key_words = key_words[:-1] + (key_words[-1] + "*",)
            if key.strip().startswith("*") and len(key_words) == 1:
                key_words = ("*" + key_words[0],)
            if key_words:
                alts = tuple(a.strip() for a in means.split(",") if a.strip())
                entries[key_words] = tuple(dict.fromkeys(entries.get(key_words, ()) + alts))  # a repeated line adds nothing
                if only:
                    langs[key_words] = only
                lines.append((number, key.strip(), key_words, alts))
        return cls(entries, langs, lines)

    @classmethod
    def load(cls, corpus_dir: Path) -> "Glossary":
        path = Path(corpus_dir) / "glossary.tsv"
        if not path.exists():
            log.warning("No glossary at %s: answering from the documents, example questions and the "
                        "language data alone. Put the domain synonyms in glossary.tsv there.", path)
            return cls({})
        return cls.parse(path.read_text(encoding="utf-8"))

    def _applies(self, key: tuple[str, ...], lang: str | None) -> bool:
        return key in self.entries and (lang is None or key not in self.langs or lang in self.langs[key])

    def match(self, toks: list[str], i: int, lang: str | None = None) -> tuple[int, tuple[str, ...]] | None:
        """The longest entry starting at toks[i] for a question in `lang`: (length, alternatives), or
        None. A phrase may hold determiners between its words ("submit my application")."""
        for n in range(min(self.longest + 2, len(toks) - i), 0, -1):
            window = toks[i:i + n]
            if n > 2 and window[0] not in DETERMINERS and window[-1] not in DETERMINERS:
                inner = [t for t in window[1:-1] if t not in DETERMINERS]
                if len(inner) < n - 2:  # determiners left out: the phrase as the entry writes it
                    window = [window[0], *inner, window[-1]]
            if len(window) > self.longest:
                continue
            exact = tuple(window)
            if self._applies(exact, lang):
                return n, self.entries[exact]
            for cut in range(len(window[-1]), 2, -1):
                key = exact[:-1] + (window[-1][:cut] + "*",)
                if self._applies(key, lang):
                    return n, self.entries[key]
        tok = toks[i]
        for inner, means in self.infixes:
            # "*register*" names another register only as a compound head ("kreftregisteret")
            if tok.find(inner) >= 3 and "@" not in tok:
                return 1, means
        return None

    def head(self, tok: str, lang: str | None = None, is_word=None) -> tuple[str, ...]:
        """The meanings of a compound's last part, for a word no entry starts: "helseforsikring" ->
        what "forsikring*" means. Norwegian compounds name a kind of their last part; the part kept
        is at least HEAD_MIN letters, leaves at least three before it and, with `is_word`, is a word
        of its own ("undersøkelse" is not a kind of "søkelse"). () when none; an "ignore"
        or off-topic entry's head says nothing of the compound ("masterstudent" is still asked about).

        Glossary.parse("forsikring*\tforsikringsfinansierte").head("helseforsikring") -> ("forsikringsfinansierte",)
        """
        # a compound's last part lies in its last HEAD_SPAN letters: a 20,000-letter "word" (pasted
        # junk) is looked up HEAD_SPAN times, not once per letter (each look-up slices the word)
        for cut in range(max(3, len(tok) - HEAD_SPAN), len(tok) - HEAD_MIN + 1):
            hit = self.match([tok[cut:]], 0, lang)
            if hit and (is_word is None or is_word(cut)):
                return () if hit[1] in ((), ("!",)) else hit[1]
        return ()


def check(glossary: Glossary, corpus_stems: set[str], stem, en_to_nb: dict, zipf) -> list[str]:
    """What is wrong with a glossary, as sentences naming the line; [] when it is clean.

    - two keys that are one key once æøå are folded ("søknad" and "soknad");
    - an alternative whose words never all stand in the corpus (it can never match);
    - a key that is an everyday word in English and in Norwegian with different senses ("time"
      is an hour in Norwegian, not in English) and has no language tag (nb:, nn:, no:, en:).
    `stem` maps an alternative to its content stems (lexical.content_stems), `en_to_nb` an English word to its bokmål translations,
    `zipf(word, lang)` gives general-language frequency.
    """
    out, seen = [], {}
    for number, raw, key, alts in glossary.lines:
        tag = tuple(sorted(glossary.langs.get(key, ())))
        if (key, tag) in seen and seen[(key, tag)][1] != raw:
            out.append(f"line {number}: {raw!r} is the same key as {seen[(key, tag)][1]!r} on line "
                       f"{seen[(key, tag)][0]} once æøå are folded; merge the two lines.")
        seen.setdefault((key, tag), (number, raw))
        for alt in alts:
            if alt == "!":
                continue
            stems = [t.lstrip("!") for t in stem(alt)]
            if stems and not all(s in corpus_stems for s in stems):
                out.append(f"line {number}: {raw!r} -> {alt!r} never matches the corpus (no "
                           f"{', '.join(s for s in stems if s not in corpus_stems)}); use the guidance's own words.")
        word = raw.strip("*")
        if (len(key) == 1 and key not in glossary.langs and not raw.endswith("*") and alts
                and alts != ("!",) and zipf(word, "en") >= 4.0 and zipf(word, "nb") >= 4.0):
            english = {t for tr in en_to_nb.get(word, ()) for t in stem(tr)}
            meant = {t.lstrip("!") for a in alts for t in stem(a)}
            if english and not english & meant and not english & set(stem(word)):
                out.append(f"line {number}: {raw!r} is an English word too, meaning "
                           f"{'/'.join(en_to_nb[word][:3])}: tag it (nb:, nn:, no: or en:) so it "
                           "applies only to questions in the language it is meant for.")
    return out
