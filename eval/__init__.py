"""The evaluation: questions written from the guidance, run through `assistant ask --json`.

    python -m eval              run every case, write eval/report.md, .json and .html,
                                exit 1 when a figure is below eval/thresholds.json,
                                3 when the guidance changed under the cases (stale cases)

    from eval import load_cases, evaluate, gate, MockAnswerer
    run = evaluate(load_cases(QUESTIONS), MockAnswerer(lambda q: my_answer(q)))

questions.jsonl is the main set (gated); holdout.jsonl is a held-out set for measuring how well
tuning generalises: run it now and then, never tune the assistant to its failures.

cases.py (the question file) -> checked.py (stale cases: the guidance changed since the cases
were checked, eval/checked.json) -> answerers.py (who answers) -> harness.py (score, figures,
gate) -> report.py (markdown, JSON), html.py (report.html), junit.py, history.py (CSV);
baseline.py is the textbook LangChain pipeline we compare against.
"""

import os

# before anything imports huggingface, chromadb or onnxruntime: nothing here goes online
for _name, _value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                      "HF_HUB_DISABLE_TELEMETRY": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                      "ORT_DISABLE_TELEMETRY": "1", "ANONYMIZED_TELEMETRY": "False"}.items():
    os.environ.setdefault(_name, _value)

from pathlib import Path  # noqa: E402

from .answerers import Answerer, CliAnswerer, EvalError, MockAnswerer, answer_from_dict
from .cases import Case, CaseError, load_cases, problems
from .harness import Outcome, Run, evaluate, gate, load_thresholds, score, suggest_thresholds, summarize

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.jsonl"
THRESHOLDS = HERE / "thresholds.json"

__all__ = ["Answerer", "CliAnswerer", "MockAnswerer", "EvalError", "answer_from_dict", "Case",
           "CaseError", "load_cases", "problems", "Outcome", "Run", "evaluate", "gate",
           "load_thresholds", "score", "suggest_thresholds", "summarize", "QUESTIONS", "THRESHOLDS",
           "HERE"]
