"""The records that cross module borders, defined once (frozen dataclasses).

Section -> Chunk -> Hit -> Citation -> Answer. Every record that points into a corpus file keeps
`source` (the path shown to users, relative to the repo root) and character offsets into that
file, so `open(source).read()[start:end]` is always the quoted text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Section:
    """A heading and the body that follows it. `start`/`end` span the body only."""

    source: str
    title: str  # the document's title
    heading: str
    parent: str  # an empty-bodied heading right above this one ("Kostnad og tidsbruk"), or ""
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """A piece of one section: the unit that is indexed and retrieved."""

    id: str
    source: str
    title: str
    heading: str
    parent: str
    start: int
    end: int
    text: str

    @property
    def context(self) -> str:
        """What is embedded and searched: headings give the body its topic."""
        heads = " / ".join(h for h in (self.parent, self.heading) if h)
        return f"{heads}\n{self.text}"

    @property
    def search_text(self) -> str:
        """What BM25 indexes: the heading counts twice, as a title field would."""
        return f"{self.heading}\n{self.context}"


@dataclass(frozen=True)
class Example:
    """A question a section answers (or, with section "", one the document does not answer)."""

    source: str  # the document it belongs to, as Chunk.source
    section: str  # the heading it is an example for; "" for an out-of-scope example
    lang: str
    text: str

    @property
    def id(self) -> str:
        import hashlib

        return "ex-" + hashlib.sha1(f"{self.source}\x00{self.section}\x00{self.text}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Hit:
    """A chunk the retriever ranked, with the scores that ranked it."""

    chunk: Chunk
    score: float  # the fused ranking score
    lexical: float  # weighted BM25
    dense: float  # cosine similarity of the passage, 0 when it was not among the dense hits
    coverage: float  # idf-weighted share of the question's terms found in the chunk (0..1)
    example: float = 0.0  # similarity to the section's example questions (its closest)
    # a section without example questions: the score a documents-only ranking gives it (its passage,
    # its closest sentence, its words), which the documents-only decision weighs; beside sections
    # with examples (whose `score` is on theirs) as near that scale as it can be measured there
    # (no hubness, the glossary's words); 0 for a section with examples
    plain: float = 0.0


@dataclass(frozen=True)
class Ranking:
    """One question's hits, and what the decision needs beyond them."""

    hits: tuple[Hit, ...]
    out_of_scope: float = 0.0  # similarity to the nearest out-of-scope example
    runner_up: float = 0.0  # the best example similarity of any other section than the first
    oos_share: float = 0.0  # the share of out-of-scope questions among the nearest example questions
    oos_named: bool = False  # the question names the subject of its nearest out-of-scope example
    route: tuple = ()  # (source, heading) of the route the asker's words name (asked_by), or ()
    other_routes: frozenset = frozenset()  # the routes for other askers: never quoted to this one
    vector: object = field(default=None, compare=False, repr=False)  # the question's embedding, or None
    dense: bool = True  # False while the vector store is away: lexical signals only
    routed: bool = False  # the first hit is the named route, raised by what the asker said of themselves
    next_section: float | None = None  # the ranking score of the best chunk of any other section than the first's
    asked: object = None  # the kind of fact the question asks for (asked_for.Asked), or None
    neighbours: tuple = ()  # (source, heading) of each of the nearest example questions, nearest first ("" heading: out of scope)
    with_examples: frozenset = frozenset()  # (source, heading) of every section with example questions
    example_counts: object = field(default=None, compare=False, repr=False)  # (source, heading) -> its number of example questions
    other_registers: frozenset = frozenset()  # the sources of other registers' pages, where the question names one register


@dataclass(frozen=True)
class Citation:
    source: str
    section: str
    quote: str
    start: int
    end: int
    score: float
    title: str = ""
    url: str | None = None  # the official page with a text fragment on the quote; None without a source_url


@dataclass(frozen=True)
class Related:
    """A section offered when the assistant declines: close to the question, not an answer to it."""

    section: str
    url: str | None  # the official page at the section's opening; None without a source_url
    score: float  # the section's similarity to the question (above the fitted floor)
    source: str = ""  # the document it belongs to (not in the JSON: `section` names it for people)

    def to_dict(self) -> dict:
        return {"section": self.section, "url": self.url, "score": self.score}


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    latency_ms: float = 0.0
    lang: str = "nb"
    reason: str = "answered"  # answered | not_covered | empty | too_long | invalid
    confidence: float = 0.0
    related: tuple[Related, ...] = ()  # only on a decline (reason "not_covered"); never citations

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [asdict(c) for c in self.citations]
        data["related"] = [r.to_dict() for r in self.related]
        return data


@dataclass(frozen=True)
class Unit:
    """An answerable span inside a chunk: one sentence or one list item (offsets in the file)."""

    start: int
    end: int
    text: str
    kind: str = "sentence"  # sentence | item | intro
    list_id: int = -1  # items of one list (and its intro line) share this


@dataclass(frozen=True)
class Group:
    """One thing the question asks about: a content word or a glossary phrase.

    `terms` are folded stems; the first come from the question itself (weight 1.0), the rest
    from the glossary or fuzzy matching (lower weights). `alternatives` are the ways a text can
    say it: one stem each, or several for a glossary phrase ("andre formål enn forskning"),
    which covers the group fully only where all its stems stand.
    """

    label: str
    terms: tuple[str, ...]
    weights: tuple[float, ...]
    alternatives: tuple[tuple[str, ...], ...] = ()
    context: bool = False  # from an earlier question: steers ranking, never counts as covered
    raw: str = ""  # the word as written (æøå kept), for its general-language frequency

    def credit(self, stems) -> float:
        """Share of the group a text with these stems covers (0..1): the best alternative's."""
        alts = self.alternatives or tuple((t,) for t in self.terms)
        return max((sum(t in stems for t in alt) / len(alt) for alt in alts if alt), default=0.0)


@dataclass(frozen=True)
class Query:
    """A question made searchable."""

    text: str
    lang: str  # nb | nn | en
    groups: tuple[Group, ...] = ()
    off_topic: str = ""  # a subject the glossary marks as outside the guidance ("kreftregisteret")
    either: tuple[tuple[str, str], ...] = ()  # labels of groups on either side of an "or"

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(t for g in self.groups for t in g.terms)
