"""A Run -> JUnit XML: one <testcase> per eval case, so a CI system shows which questions fail.

    write_junit(Path("eval-junit.xml"), "questions", run, review)

<testsuites> holds one <testsuite name="eval.questions">; each case is a <testcase
classname="eval.questions.<lang>" name="<id>: <question>">; a failing case carries <failure>
with its problems (the same ones report.md lists), a stale case <skipped> with its fact and
section. The answer goes in <system-out>. The format is the common one Jenkins, GitLab and
GitHub's test reporters read (the schema the tests validate against: tests/fixtures/junit.xsd).
Deliberately left out: <error> (an eval that cannot run exits 2 without a file) and properties.
"""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .harness import Run

__all__ = ["write_junit"]


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters: drop them (a question is user text)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)


def write_junit(path: Path, name: str, run: Run, review=None) -> None:
    stale = {}
    for s in (review.stale if review is not None else ()):
        stale.setdefault(s.id, []).append(s)
    failures = sum(not o.passed for o in run.outcomes)
    total = len(run.outcomes) + len(stale)
    seconds = f"{sum(o.latency_ms for o in run.outcomes) / 1000:.3f}"
    root = ET.Element("testsuites", name="eval", tests=str(total), failures=str(failures),
                      errors="0", time=seconds)
    suite = ET.SubElement(root, "testsuite", name=f"eval.{name}", tests=str(total),
                          failures=str(failures), errors="0", skipped=str(len(stale)), time=seconds,
                          timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
                          hostname=socket.gethostname())
    for o in run.outcomes:
        case = ET.SubElement(suite, "testcase", classname=f"eval.{name}.{o.lang}",
                             name=_clean(f"{o.id}: {' '.join(o.question.split())}"),
                             time=f"{o.latency_ms / 1000:.3f}")
        if not o.passed:
            fail = ET.SubElement(case, "failure", type="EvalCaseFailed", message=_clean("; ".join(o.problems)))
            cited = "\n".join(f"[{section}] {quote}" for section, quote in o.quotes)
            fail.text = _clean("\n".join(o.problems) + ("\n\nCitations:\n" + cited if cited else ""))
        ET.SubElement(case, "system-out").text = _clean(o.answer)
    for cid, items in stale.items():
        case = ET.SubElement(suite, "testcase", classname=f"eval.{name}.stale", name=cid, time="0")
        ET.SubElement(case, "skipped", message=_clean("; ".join(
            f"stale: /{s.fact}/ is no longer in the guidance (was in {s.section!r})" for s in items)))
    ET.indent(root)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
