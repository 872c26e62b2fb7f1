"""Which sentences of an e-mail ask: the written patterns (questions.is_asking) heard beside a model
that learned from labelled e-mail sentences.

    model = AskingModel.load(embedder)
    model.judge(["Budsjettet vårt krever at vi oppgir hva NPR tar per time for et uttrekk.",
                 "Vi har søkt REK."]) -> [0.997, 0.003]
    model.combine(regex=False, p=0.997, sentence="Budsjettet vårt krever …") -> True

The patterns find a question, a request, a need or a doubt by its words; a sentence that asks in a
way no pattern names ("Our funder requires us to specify the minimum charge") they miss, and a
statement that happens to match ("I will come back to you with a question about variables") they
take. The model is a logistic regression over the sentence's multilingual-e5 vector, fitted by
`python -m eval.fit_asking` on the labelled sentences of eval/asking/ (set1 to set4 and the
reviewer's probes; set5 stays held out). It only adds, and only where it is sure: a sentence the
patterns miss asks when the model gives it at least `high`, unless the asker says in it who they
are (that steers the answers as context). The threshold and the regularisation were chosen on set4
with the model fitted on the other sets (found minus twice the false alarms); assistant/data/
asking.json holds the weights and which embedding model they belong to. For another embedding
model, or without the file, the patterns alone decide, as before the model existed. Only the
sentences it could overrule the patterns on are judged (`may_overrule`: one they miss, of four
words or more, that says nothing of who asks), at most ASKING_SENTENCES of an e-mail, and each
probability is kept by the sentence's digest (a signature's or a template's lines come again).
Deliberately left out: the model overruling the patterns the other way (a sentence they take, the
model doubts): on set4 it took 3 statements fewer for questions, but development drafts lost 3
doubts that ask ("We're not sure whether we need to use the application form on helsedata.no.");
and the model in the chat, where the whole message is the question.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import tuning as T

log = logging.getLogger(__name__)
PATH = Path(__file__).parent / "data" / "asking.json"
# the asker says who they are ("Eg er journalist i NRK", "I work for …", "We are a consultancy"); not
# what they are bound or unsure to do ("Vi er nødt til å oppgi …", "We are required to state …")
_NOT_WHO = (r"(?!\s+(?:ikke|ikkje|not|nødt|nøydde|pålagt|pålagde|avhengig\w*|usikr\w*|usikker|uklar\w*|"
            r"interessert\w*|ute|opptatt|oppteken|opptekne|klar\w*|på|glad|glade|takknemlig\w*|bedt|bede|blitt|"
            r"vorte|også|òg|still|required|obliged|asked|unsure|uncertain|interested|looking|trying|planning|"
            r"going|dependent|happy|grateful|keen|wondering|told)\b)")
SAYS_WHO = re.compile(r"\b(?:(?:jeg|eg|vi|me)\s+(?:er" + _NOT_WHO + r"|jobber|jobbar|arbeider|arbeidar|"
                      r"representerer|kommer\s+fra|kjem\s+frå)|(?:i|we)\s*(?:(?:'m|’m|'re|’re|\s+am|\s+are)"
                      + _NOT_WHO + r"|\s+work|\s+represent))\b", re.IGNORECASE)


@dataclass(frozen=True)
class AskingModel:
    weights: np.ndarray
    bias: float
    high: float  # a sentence the patterns miss asks from this probability
    embedder: object = None
    # probabilities by the sentence's digest (never the text), for this model's weights only
    judged: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, embedder, path: Path = PATH) -> "AskingModel | None":
        """The fitted model for this embedder, or None (the patterns alone decide)."""
        data = _read(str(path))
        if not data:
            return None
        if data.get("embedder") != getattr(embedder, "name", None):
            log.info("The asking model in %s was fitted for %s, not %s: the patterns alone find the "
                     "questions of an e-mail.", path, data.get("embedder"), getattr(embedder, "name", None))
            return None
        return cls(np.asarray(data["weights"], dtype=np.float32), float(data["bias"]), float(data["high"]), embedder)

    def judge(self, sentences: list[str]) -> list[float]:
        """The probability that each sentence asks (one batch through the embedding model for the
        sentences not judged lately: a signature, a disclaimer or a template's lines come again)."""
        keys = [hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=16).digest() for s in sentences]
        known = {k: p for k in keys if (p := self.judged.get(k)) is not None}  # (another thread may clear it)
        new = list(dict.fromkeys(k for k in keys if k not in known))
        if new:
            # a lone surrogate (a broken character from a pasted text) cannot go to the model as UTF-8
            said = {k: s.encode("utf-8", "replace").decode("utf-8") for k, s in zip(keys, sentences)}
            vectors = np.asarray(self.embedder.embed_queries([said[k] for k in new]), dtype=np.float32)
            z = np.clip(vectors @ self.weights + self.bias, -30.0, 30.0)
            known.update(zip(new, (float(p) for p in 1.0 / (1.0 + np.exp(-z)))))
            if len(self.judged) + len(new) > T.ASKING_KEPT:
                self.judged.clear()  # (another thread clearing it too is harmless)
            self.judged.update((k, known[k]) for k in new)
        return [known[k] for k in keys]

    def may_overrule(self, sentence: str, regex: bool) -> bool:
        """Whether the model's verdict could change the patterns' on this sentence, so that it is
        worth judging: one they miss, of at least ASKING_MIN_WORDS words, that says nothing of who
        asks."""
        return not regex and len(sentence.split()) >= T.ASKING_MIN_WORDS and not SAYS_WHO.search(sentence)

    def combine(self, regex: bool, p: float, sentence: str) -> bool:
        """The patterns' verdict, or the model's where it is sure a sentence they miss asks; never
        for a sentence in which the asker says who they are ("I work for an insurance company and
        we'd like to use NPR data …" tells who asks, which steers the answers as context)."""
        return regex or (p >= self.high and self.may_overrule(sentence, regex))


@lru_cache(maxsize=4)
def _read(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    ok = isinstance(data, dict) and all(k in data for k in ("weights", "bias", "high", "embedder"))
    return data if ok else {}
