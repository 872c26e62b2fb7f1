#!/usr/bin/env python3
"""Regenerate the word-mapping files in assistant/data/lang/ from installed Debian data.

    apt-get install -y apertium-nno-nob dict-freedict-eng-nor dict-freedict-dan-eng \
        lttoolbox lttoolbox-dev
    pip install wordfreq
    python3 scripts/extract_language_data.py [--english-only]

Writes (lowercase, UTF-8, sorted, one entry a line):
  assistant/data/lang/nn_nb.tsv        nynorsk word form <TAB> bokmål word form
  assistant/data/lang/en_nb.tsv        English word <TAB> nb1|nb2|nb3|nb4
  assistant/data/lang/en_nb_via_da.tsv English word <TAB> nb1|...: only words en_nb.tsv lacks
  assistant/data/lang/LICENSES.md      source, licence and package versions of each
(--english-only keeps nn_nb.tsv as it is: the Apertium expansion is the slow part.)

This is a build-time tool, not a runtime dependency of the assistant. Apart from the
standard library it needs the Debian tools above (lt-print is in lttoolbox-dev) and the
PyPI package wordfreq, used only to choose among ambiguous translations and to drop
rare bokmål forms.

nn_nb: every nynorsk surface form of the Apertium nno-nob analyser (compounds excluded)
is translated once per analysis, with the pair's own post-tagger pipeline
(bidix, lexical selection, three transfer stages, generator). Where a form has several
translations, the one that the full pipeline picks for the isolated word gets a bonus of
PIPELINE_BONUS Zipf, and the most frequent bokmål candidate (wordfreq "nb") wins.
Pairs are dropped when identical, when the bokmål side has Zipf <= MIN_ZIPF, when the
nynorsk form is at least as common in bokmål as its translation (a bokmål word, e.g.
"et"), or when one reading translates to the form itself and the margins below are not
met (so "bruke", "liten", "vare" stay as they are, while "kor" -> "hvor").

en_nb_via_da: FreeDict's English-Norwegian dictionary is small (9,000 headwords; no "purpose",
"consent", "delivery", "period"). Danish and bokmål share most of their written words, so the
Danish-English dictionary read backwards fills some of its gaps: an English word gets the Danish
headwords that list it as a translation, kept only when bokmål uses them too (wordfreq "nb" Zipf
>= PIVOT_MIN_ZIPF, and not DANISH_MARGIN commoner in Danish: "formål", "samtykke", "levering"
stay; "hensigt", "undersøgelse", "noget" go). A filter on frequencies, not a dictionary: some
wrong senses stay (the source's own, "count" -> "greve"), and they count only where the guidance
uses the word. It holds only English words en_nb.tsv has no entry for, and the assistant reads
it after en_nb.tsv (a word's own entry in either file before a lemma's).
"""
from __future__ import annotations

import collections
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "assistant" / "data" / "lang"
APT_PACKAGES = ["apertium-nno-nob", "dict-freedict-eng-nor", "dict-freedict-dan-eng",
                "lttoolbox", "lttoolbox-dev"]
INSTALL_HINT = f"apt-get install -y {' '.join(APT_PACKAGES)} && pip install wordfreq"

NNO_NOB = Path("/usr/share/apertium/apertium-nno-nob")
FREEDICT_DICT = Path("/usr/share/dictd/freedict-eng-nor.dict.dz")
FREEDICT_INDEX = Path("/usr/share/dictd/freedict-eng-nor.index")
COPYRIGHT_NNO_NOB = Path("/usr/share/doc/apertium-nno-nob/copyright")
COPYRIGHT_FREEDICT = Path("/usr/share/doc/dict-freedict-eng-nor/copyright")
DAN_ENG_DICT = Path("/usr/share/dictd/freedict-dan-eng.dict.dz")
DAN_ENG_INDEX = Path("/usr/share/dictd/freedict-dan-eng.index")
COPYRIGHT_DAN_ENG = Path("/usr/share/doc/dict-freedict-dan-eng/copyright")
TOOLS = ["lt-print", "lt-proc", "apertium", "apertium-pretransfer", "lrx-proc",
         "apertium-transfer", "apertium-interchunk", "apertium-postchunk", "dpkg-query"]

MIN_ZIPF = 1.0          # bokmål side must be at least this frequent (wordfreq, "nb")
PIPELINE_BONUS = 0.5    # Zipf bonus for the candidate the full pipeline chooses
# A form one of whose readings translates to itself (e.g. "kor": choir / where) is mapped
# only if the other translation is STRONG_MARGIN Zipf commoner in bokmål, or
# IDENTITY_MARGIN commoner and either chosen by the full pipeline or a function word.
IDENTITY_MARGIN = 1.5
STRONG_MARGIN = 2.5
CLOSED_CLASS = {"<adv>", "<prn>", "<det>", "<pr>", "<cnjcoo>", "<cnjsub>", "<ij>"}
MAX_EN_TRANSLATIONS = 4
PIVOT_MIN_ZIPF = 2.0    # a Danish word is kept as bokmål only if this frequent in bokmål
DANISH_MARGIN = 1.0     # and not this much commoner in Danish ("noget" da 6.3, nb 3.0: Danish text in bokmål data)
# Transducer arcs that start a compound: cutting them keeps the expansion finite.
COMPOUND_TAGS = {"<cmp>", "<cmp-split>", "<compound-R>", "<compound-only-L>"}
NN_WORD = re.compile(r"^[a-zæøåéèêóòôâäöüç]+$")
NB_WORD = NN_WORD
EN_WORD = re.compile(r"^[a-z][a-z'-]*$")
NB_PHRASE = re.compile(r"^[a-zæøåéèêóòôâäöüç][a-zæøåéèêóòôâäöüç' -]*$")
LEMMA_UNSAFE = set("^$@/\\[]{}#+*~ ")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def check_requirements(english_only: bool = False):
    missing = [] if english_only else [t for t in TOOLS if shutil.which(t) is None]
    needed = (FREEDICT_DICT, FREEDICT_INDEX, DAN_ENG_DICT, DAN_ENG_INDEX)
    if english_only:
        needed += (OUT_DIR / "nn_nb.tsv", OUT_DIR / "LICENSES.md")  # kept as they are
    else:
        needed += (NNO_NOB / "nno-nob.automorf.bin",)
    missing += [str(p) for p in needed if not p.exists()]
    try:
        import wordfreq  # noqa: F401
    except ImportError:
        missing.append("python module wordfreq")
    if missing:
        sys.exit(f"error: missing {', '.join(missing)}; run: {INSTALL_HINT}")


def package_version(name: str) -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name],
                         capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


# ---------------------------------------------------------------- nynorsk -> bokmål

def expand_analyser(binary: Path) -> list[tuple[str, str]]:
    """(surface, analysis) pairs of the largest section of a compiled lttoolbox analyser."""
    att = subprocess.run(["lt-print", str(binary)], capture_output=True, text=True,
                         check=True).stdout
    sections = att.split("\n--\n")
    main = max(sections, key=len)
    arcs: dict[int, list[tuple[int, str, str]]] = collections.defaultdict(list)
    finals: set[int] = set()
    for line in main.splitlines():
        parts = line.split("\t")
        if len(parts) >= 4:
            src, dst, inp, out = parts[:4]
            if out in COMPOUND_TAGS:
                continue
            arcs[int(src)].append((int(dst), "" if inp == "ε" else inp, "" if out == "ε" else out))
        elif parts and parts[0]:
            finals.add(int(parts[0]))
    pairs: list[tuple[str, str]] = []
    # depth-first over simple paths from state 0
    stack = [(0, "", "", iter(arcs.get(0, ())))]
    on_path = {0}
    if 0 in finals:
        pairs.append(("", ""))
    while stack:
        state, inp, out, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            stack.pop()
            on_path.discard(state)
            continue
        dst, i, o = nxt
        if dst in on_path:
            continue
        ni, no = inp + i, out + o
        if dst in finals:
            pairs.append((ni, no))
        on_path.add(dst)
        stack.append((dst, ni, no, iter(arcs.get(dst, ()))))
    return pairs


def usable_analysis(analysis: str) -> bool:
    if "<np>" in analysis or "<" not in analysis:
        return False
    lemma = analysis[: analysis.index("<")]
    return bool(lemma) and not (set(lemma) & LEMMA_UNSAFE)


def run_lines(cmd: str, lines: list[str], strip_suffix: str) -> list[str]:
    """Send one short 'sentence' a line through a shell pipeline; return one result a line."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as fh:
        fh.write("".join(line + "\n" for line in lines))
        name = fh.name
    try:
        with open(name, encoding="utf-8") as stdin:
            out = subprocess.run(cmd, shell=True, stdin=stdin, capture_output=True,
                                 text=True, check=True).stdout
    finally:
        os.unlink(name)
    res = out.split("\n")
    if res and res[-1] == "":
        res.pop()
    if len(res) != len(lines):
        sys.exit(f"error: pipeline returned {len(res)} lines for {len(lines)}: {cmd[:60]}...")
    return [r.strip().removesuffix(strip_suffix).strip() for r in res]


def post_tagger_pipeline() -> str:
    m = NNO_NOB
    return (
        "apertium-pretransfer"
        f" | lt-proc -b {m}/nno-nob.autobil.bin"
        f" | lrx-proc -m {m}/nno-nob.autolex.bin"
        f" | apertium-transfer -b {m}/apertium-nno-nob.nno-nob.t1x {m}/nno-nob.t1x.bin"
        f" | apertium-interchunk {m}/apertium-nno-nob.nno-nob.t2x {m}/nno-nob.t2x.bin"
        f" | apertium-postchunk {m}/apertium-nno-nob.nno-nob.t3x {m}/nno-nob.t3x.bin"
        f" | lt-proc -g {m}/nno-nob.autogen.bin"
    )


def clean_nb(word: str) -> str | None:
    word = word.lower()
    return word if NB_WORD.match(word) else None   # drops *unknown, @no-bidix, #no-gen, phrases


def build_nn_nb() -> dict[str, str]:
    from wordfreq import zipf_frequency

    log("expanding nno-nob.automorf.bin ...")
    pairs = [(s, a) for s, a in expand_analyser(NNO_NOB / "nno-nob.automorf.bin")
             if NN_WORD.match(s) and usable_analysis(a)]
    log(f"  {len(pairs)} (form, analysis) pairs, {len({s for s, _ in pairs})} forms")

    analyses = sorted({a for _, a in pairs})
    log(f"translating {len(analyses)} analyses ...")
    out = run_lines(post_tagger_pipeline(), [f"^{a}$ ^.<sent>$" for a in analyses], "#.")
    translated = {a: clean_nb(t) for a, t in zip(analyses, out)}

    candidates: dict[str, set[str]] = collections.defaultdict(set)
    closed_class: set[tuple[str, str]] = set()    # (form, translation) via a function word
    for surface, analysis in pairs:
        nb = translated.get(analysis)
        if nb:
            candidates[surface].add(nb)
            if analysis[analysis.index("<"):].split(">")[0] + ">" in CLOSED_CLASS:
                closed_class.add((surface, nb))

    zipf_cache: dict[str, float] = {}

    def zipf(w: str) -> float:
        if w not in zipf_cache:
            zipf_cache[w] = zipf_frequency(w, "nb")
        return zipf_cache[w]

    ambiguous = sorted(s for s, c in candidates.items()
                       if len(c) > 1 and any(w != s and zipf(w) > MIN_ZIPF for w in c))
    log(f"running the full nno-nob pipeline on {len(ambiguous)} ambiguous forms ...")
    full = run_lines("apertium nno-nob", [f"{s} ." for s in ambiguous], ".")
    chosen_by_pipeline = {s: clean_nb(t) for s, t in zip(ambiguous, full)}

    result: dict[str, str] = {}
    for surface, cands in candidates.items():
        preferred = chosen_by_pipeline.get(surface)
        pool = set(cands) | ({preferred} if preferred else set())
        best = max(sorted(pool), key=lambda w: zipf(w) + (PIPELINE_BONUS if w == preferred else 0.0))
        if best == surface or zipf(best) <= MIN_ZIPF:
            continue
        gain = round(zipf(best) - zipf(surface), 2)
        if surface in pool and not (
                gain >= STRONG_MARGIN
                or (gain >= IDENTITY_MARGIN
                    and (best == preferred or (surface, best) in closed_class))):
            continue    # one reading is already bokmål: keep the word as it is
        if gain <= 0:
            continue    # the form is commoner in bokmål than its translation: a bokmål word
        result[surface] = best
    return result


# ---------------------------------------------------------------- English -> bokmål

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 64 + _B64.index(ch)
    return n


SENSE = re.compile(r"^(\d+)\.\s+(.*)$")
TRAILING_NUM = re.compile(r"\s+\d+\.$")


def parse_translations(entry: str) -> list[str]:
    """Translations of one dictd entry, in the order the entry gives them.

    Layout: headword line; then either one translation line, or sense lines '1. a, b'
    (no leading space); glosses follow each; ' 2.' style numbers belong to glosses."""
    lines = entry.split("\n")[1:]
    if not lines:
        return []
    if SENSE.match(lines[0]):
        trans_lines = [SENSE.match(l).group(2) for l in lines if SENSE.match(l)]
    else:
        trans_lines = [lines[0]]
    out: list[str] = []
    for tl in trans_lines:
        tl = TRAILING_NUM.sub("", tl.strip())
        tl = re.sub(r"\([^)]*\)", "", tl)
        for t in tl.split(","):
            t = " ".join(t.split()).strip(" .;:").lower()
            if t and NB_PHRASE.match(t) and len(t.split()) <= 3 and t not in out:
                out.append(t)
    return out


def read_dictd(dict_path: Path, index_path: Path) -> dict[str, list[str]]:
    """A dictd dictionary: folded headword -> its translations, in the entries' order."""
    data = gzip.open(dict_path).read()
    merged: dict[str, list[str]] = {}
    for line in index_path.read_text(encoding="utf-8").splitlines():
        head, off, size = line.split("\t")
        if head.startswith("00database"):
            continue
        entry = data[_b64(off): _b64(off) + _b64(size)].decode("utf-8")
        lst = merged.setdefault(" ".join(head.lower().split()), [])
        for t in parse_translations(entry):
            if t not in lst:
                lst.append(t)
    return merged


def english_key(phrase: str) -> bool:
    words = phrase.split(" ")
    return len(words) <= 2 and all(EN_WORD.match(w) for w in words)


def build_en_nb() -> dict[str, list[str]]:
    merged = {k: v for k, v in read_dictd(FREEDICT_DICT, FREEDICT_INDEX).items() if english_key(k)}
    # an entry whose only translation is the headword itself ("barbados") tells nothing
    return {k: v[:MAX_EN_TRANSLATIONS] for k, v in merged.items() if v and v != [k]}


def build_en_nb_via_da(en_nb: dict[str, list[str]]) -> dict[str, list[str]]:
    """English words en_nb lacks -> the bokmål-spelled Danish words whose entries list them."""
    from wordfreq import zipf_frequency

    found: dict[str, set[str]] = collections.defaultdict(set)
    for danish, english in read_dictd(DAN_ENG_DICT, DAN_ENG_INDEX).items():
        nb = zipf_frequency(danish, "nb")
        if not NB_WORD.match(danish) or nb < PIVOT_MIN_ZIPF or nb < zipf_frequency(danish, "da") - DANISH_MARGIN:
            continue
        for en in english:
            if english_key(en) and en != danish and en not in en_nb:
                found[en].add(danish)
    return {en: sorted(nb, key=lambda w: (-zipf_frequency(w, "nb"), w))[:MAX_EN_TRANSLATIONS]
            for en, nb in found.items()}


# ---------------------------------------------------------------- output

def licence_summary(path: Path, stanza: str | None = None) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if stanza:
        m = re.search(rf"^Files: {re.escape(stanza)}\n(?:.+\n)*?License: (.+)$", text, re.M)
        return m.group(1).strip() if m else "see copyright file"
    m = re.search(r"^Files: \*\n(?:.+\n)*?License: (.+)$", text, re.M)
    return m.group(1).strip() if m else "see copyright file"


def write_licenses(n_nn: int, n_en: int, n_da: int, keep_nn: bool = False) -> None:
    """LICENSES.md; `keep_nn`: nn_nb.tsv was not rebuilt, so its section is kept as it was."""
    v = {p: package_version(p) for p in APT_PACKAGES + ["apertium", "apertium-lex-tools"]}
    try:
        from importlib.metadata import version
        wf = version("wordfreq")
    except Exception:
        wf = "unknown"
    nno_lic = licence_summary(COPYRIGHT_NNO_NOB)
    fd_lic = licence_summary(COPYRIGHT_FREEDICT, "eng-nor/*")
    da_lic = licence_summary(COPYRIGHT_DAN_ENG, "dan-eng/*")
    text = f"""# Sources and licences of the files in this folder

Generated by `scripts/extract_language_data.py`; do not edit by hand.

Regenerate (Debian bookworm, as root):

    apt-get install -y {' '.join(APT_PACKAGES)}
    pip install wordfreq
    python3 scripts/extract_language_data.py

## nn_nb.tsv ({n_nn} lines)

Nynorsk word form -> bokmål word form, derived from the Apertium Norwegian
Nynorsk-Bokmål machine-translation data: Debian package `apertium-nno-nob`
{v['apertium-nno-nob']} (upstream https://apertium.org/; includes apertium-nno and
apertium-nob 1.3.0). Licence: **{nno_lic}** (Debian copyright file:
/usr/share/doc/apertium-nno-nob/copyright; copyright 2008-2019 Kevin Brubeck Unhammer,
Trond Trosterud, Francis M. Tyers and the other Apertium contributors listed there).
As a work derived from GPL-2+ data, this file is distributed under GPL-2-or-later.

Method: every non-compound surface form of the nno analyser (`nno-nob.automorf.bin`,
dumped with `lt-print`) was translated per analysis through the pair's own
bidix, lexical-selection, transfer and generator (`apertium` {v['apertium']},
`lttoolbox` {v['lttoolbox']}, `apertium-lex-tools` {v['apertium-lex-tools']}).
Among several translations the one picked by the full `apertium nno-nob` pipeline for
the isolated word is preferred unless another is clearly more frequent. The PyPI
package `wordfreq` {wf} (nb frequencies) was used only to rank candidates and to drop
pairs whose bokmål side has Zipf frequency <= {MIN_ZIPF}; no wordfreq data is
included. Identical pairs (nn == nb) are omitted, and so are forms that are also
ordinary bokmål words (a form commoner in bokmål than its translation, or one of whose
readings translates to itself, e.g. "bruke", "liten"), unless the other translation is
far commoner ("kor" -> "hvor", "eg" -> "jeg").

## en_nb.tsv ({n_en} lines)

English headword -> up to {MAX_EN_TRANSLATIONS} bokmål translations, `|`-separated, in the
order of the source entry (senses in dictionary order). From the FreeDict
English-Norwegian dictionary (FreeDict+WikDict, edition 2022.11.18, maintainer Karl
Bartel, built by WikDict from Wiktionary data via DBnary): Debian package
`dict-freedict-eng-nor` {v['dict-freedict-eng-nor']} (upstream https://freedict.org/).
Licence: **{fd_lic}** (Creative Commons Attribution-ShareAlike 3.0 Unported;
Debian copyright file: /usr/share/doc/dict-freedict-eng-nor/copyright, "Copyright
2000-2022 FreeDict contributors"). This file is an adaptation and is distributed under
CC BY-SA 3.0: https://creativecommons.org/licenses/by-sa/3.0/
Only one- and two-word headwords are kept, and entries whose only translation is the
headword itself are left out. The source mixes in some nynorsk translations
("utfordrar"); they are kept as given.

## en_nb_via_da.tsv ({n_da} lines)

English word -> up to {MAX_EN_TRANSLATIONS} bokmål words, for English words en_nb.tsv has no
entry for. From the FreeDict Danish-English dictionary read backwards: Debian package
`dict-freedict-dan-eng` {v['dict-freedict-dan-eng']} (upstream https://freedict.org/).
Licence: **{da_lic}** (Debian copyright file: /usr/share/doc/dict-freedict-dan-eng/copyright,
"Copyright 2000-2022 FreeDict contributors"). As a work derived from it, this file is
distributed under the GNU GPL, version 3 or later.
Method: each English translation of a Danish headword gets that headword, kept only if bokmål
uses it too, judged by frequencies (wordfreq {wf}: "nb" Zipf >= {PIVOT_MIN_ZIPF} and at most
{DANISH_MARGIN} below its "da" Zipf; no wordfreq data is included), most frequent in bokmål
first. A filter on frequencies: some Danish spellings and wrong senses remain.
"""
    if keep_nn:
        before = (OUT_DIR / "LICENSES.md").read_text(encoding="utf-8")
        section = re.compile(r"^## nn_nb\.tsv .*?(?=^## )", re.M | re.S)
        kept = section.search(before)
        if not kept:
            sys.exit("error: LICENSES.md has no nn_nb.tsv section to keep; run without --english-only")
        text = section.sub(lambda _: kept.group(0), text, count=1)
    (OUT_DIR / "LICENSES.md").write_text(text, encoding="utf-8")


def write_table(name: str, table: dict[str, list[str]]) -> None:
    with open(OUT_DIR / name, "w", encoding="utf-8", newline="\n") as fh:
        for key in sorted(table):
            fh.write(f"{key}\t{'|'.join(table[key])}\n")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--english-only", action="store_true",
                        help="rebuild the English files only; nn_nb.tsv and its licence text stay as they are")
    args = parser.parse_args()
    print(f"needs Debian packages: apt-get install -y {' '.join(APT_PACKAGES)}"
          " (and: pip install wordfreq)")
    check_requirements(args.english_only)
    OUT_DIR.mkdir(parents=True, exist_ok=True)

    if args.english_only:
        n_nn = len((OUT_DIR / "nn_nb.tsv").read_text(encoding="utf-8").splitlines())
    else:
        nn_nb = build_nn_nb()
        write_table("nn_nb.tsv", {nn: [nb] for nn, nb in nn_nb.items()})
        n_nn = len(nn_nb)

    en_nb = build_en_nb()
    write_table("en_nb.tsv", en_nb)
    via_da = build_en_nb_via_da(en_nb)
    write_table("en_nb_via_da.tsv", via_da)

    write_licenses(n_nn, len(en_nb), len(via_da), keep_nn=args.english_only)
    for name in ("nn_nb.tsv", "en_nb.tsv", "en_nb_via_da.tsv", "LICENSES.md"):
        p = OUT_DIR / name
        print(f"wrote {p.relative_to(ROOT)}: {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
