"""The bilingual domain glossary (corpus/glossary.tsv): applicants' words -> the guidance's words.

The file is for the support team to edit; its header explains the format. Each entry maps words
an applicant may use (a phrase; a trailing * matches any ending, a leading * any compound
"*register*") to alternatives the guidance uses ("pris, kostnad"); an empty right side means
"ignore this word", and "!" means "a subject outside the guidance: decline". Matching is on
folded words, longest phrase first. Deliberately left out: inflection rules beyond the *.
"""

from __future__ import annotations

from pathlib import Path

class Glossary:
    """Phrases applicants use -> the guidance's words; see corpus/glossary.tsv for the format.

    Glossary.parse("kost*\\tpris") maps 'kostar' to ('pris',); an empty right side means "ignore".
    """

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]]):
        # entries: applicant's words (last may end in *) -> alternatives, each a phrase string
        self.entries = entries
        self.longest = max((len(k) for k in entries), default=0)

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        from .lexical import words  # lexical.py builds on this module

        entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, means = line.partition("\t")
            key_words = tuple(words(key))
            if key.strip().endswith("*") and key_words:
                key_words = key_words[:-1] + (key_words[-1] + "*",)
            if key.strip().startswith("*") and len(key_words) == 1:
                key_words = ("*" + key_words[0],)
            if key_words:
                alts = tuple(a.strip() for a in means.split(",") if a.strip())
                entries[key_words] = entries.get(key_words, ()) + alts
        return cls(entries)

    @classmethod
    def load(cls, corpus_dir: Path) -> "Glossary":
        path = Path(corpus_dir) / "glossary.tsv"
        return cls.parse(path.read_text(encoding="utf-8")) if path.exists() else cls({})

    def match(self, toks: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
        """The longest entry starting at toks[i]: (length, alternatives), or None."""
        for n in range(min(self.longest, len(toks) - i), 0, -1):
            window = toks[i:i + n]
            exact = tuple(window)
            if exact in self.entries:
                return n, self.entries[exact]
            for cut in range(len(window[-1]), 2, -1):
                key = exact[:-1] + (window[-1][:cut] + "*",)
                if key in self.entries:
                    return n, self.entries[key]
        tok = toks[i]
        for key, means in self.entries.items():  # "*register*": few such entries, so a scan is fine
            # "*register*" names another register only as a compound head ("kreftregisteret")
            if key[0].startswith("*") and tok.find(key[0].strip("*")) >= 3 and "@" not in tok:
                return 1, means
        return None
