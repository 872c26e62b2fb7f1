"""scripts/merge_examples.py: an independent writer's examples join the example file without
near-duplicates, and questions two writers file under different sections are left to a person."""

from __future__ import annotations

import sys

import yaml

from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from merge_examples import fold, main, merge  # noqa: E402

FILE = '''# kept as it is
sections:
  "Pris":
    nb:
      - "Hva koster et uttrekk?"
  "Leveringsfrister":
    en:
      - "How long does delivery take?"
out_of_scope:
  nb:
    - "Får studenter rabatt?"
'''


def test_fold_makes_case_punctuation_and_aeoeaa_one():
    assert fold("Hvor lang tid tar det å få data?") == "hvor lang tid tar det a fa data"
    assert fold("HVA KOSTER  et uttrekk") == fold("hva koster et uttrekk?")


def test_new_questions_are_appended_and_near_duplicates_and_conflicts_left_out():
    new = [("Pris", "nb", "hva koster et uttrekk"),              # the same once folded
           ("Pris", "en", "What do you charge per hour?"),        # new: a new language list
           ("Leveringsfrister", "en", "How long does delivery take"),  # the same
           ("", "nb", "Får studenter rabatt"),                   # the same, out of scope
           ("Pris", "nb", "Får studenter rabatt?"),              # filed elsewhere by another writer
           ("", "nn", "Kan eg få data på minnepinne?")]
    text, added, dropped, conflicts = merge(new, FILE)
    assert (added, len(dropped), len(conflicts)) == (2, 3, 1)
    assert "rabatt" in conflicts[0] and "out_of_scope" in conflicts[0]
    assert text.startswith("# kept as it is\n")
    data = yaml.safe_load(text)
    assert data["sections"]["Pris"] == {"nb": ["Hva koster et uttrekk?"], "en": ["What do you charge per hour?"]}
    assert data["out_of_scope"]["nn"] == ["Kan eg få data på minnepinne?"]


def test_the_command_writes_the_file_once_and_a_dry_run_writes_nothing(tmp_path, capsys):
    writer, examples = tmp_path / "writer.yaml", tmp_path / "x.questions.yaml"
    writer.write_text('sections:\n  "Pris":\n    nn:\n      - "Kor mykje kostar det?"\n', encoding="utf-8")
    examples.write_text(FILE, encoding="utf-8")
    assert main([str(writer), str(examples), "--dry-run"]) == 0
    assert examples.read_text(encoding="utf-8") == FILE
    assert main([str(writer), str(examples)]) == 0
    assert yaml.safe_load(examples.read_text(encoding="utf-8"))["sections"]["Pris"]["nn"] == ["Kor mykje kostar det?"]
    assert main([str(writer), str(examples)]) == 0  # a second time: nothing new
    assert "0 added" in capsys.readouterr().out.splitlines()[-1]
    assert main([str(tmp_path / "missing.yaml"), str(examples)]) == 2
    writer.write_text('sections:\n  "Pris":\n    - "Hva koster det?"\n', encoding="utf-8")  # no language
    assert main([str(writer), str(examples)]) == 2
    assert "Pris: expected nb:/nn:/en: lists" in capsys.readouterr().err
    writer.write_text('sections:\n  "Pris":\n    de:\n      - "Was kostet es?"\n', encoding="utf-8")
    assert main([str(writer), str(examples)]) == 2  # a language the assistant does not read


class _Words:
    """A stand-in embedder: a question's vector counts the words of a small vocabulary."""
    VOCAB = ("søker", "data", "pasientregisteret", "kommunalt", "rabatt", "minnepinne")

    def embed_queries(self, texts):
        import numpy as np
        return np.array([[fold(t).split().count(w) + 0.01 for w in map(fold, self.VOCAB)] for t in texts])


def test_an_out_of_scope_question_close_in_meaning_to_an_in_scope_example_is_left_out():
    from merge_examples import close_to_scope
    text = FILE.replace('      - "Hva koster et uttrekk?"', '      - "Hvordan søker jeg om data fra pasientregisteret?"')
    new = [("", "nb", "Hvordan søker jeg om data fra kommunalt pasientregisteret?"),  # a register's name apart
           ("", "nb", "Kan jeg få data på minnepinne?"),                              # far from any
           ("Pris", "nb", "Hvordan søker jeg om data fra pasientregisteret, og hva koster det?")]  # in scope: kept
    kept, left = close_to_scope(new, text, 0.8, _Words())
    assert kept == new[1:]
    assert len(left) == 1 and "kommunalt" in left[0] and "Søknad" not in left[0] and "(Pris)" in left[0]
    assert close_to_scope(new, text, 0.999, _Words()) == (new, [])  # a stricter cut keeps it


def test_close_to_scope_without_a_model_says_so_and_writes_nothing(tmp_path, capsys, monkeypatch):
    from assistant import embedding
    from assistant.errors import ModelError

    def missing(*_):
        raise ModelError("no model at /nowhere")
    monkeypatch.setattr(embedding, "load_embedder", missing)
    writer, examples = tmp_path / "writer.yaml", tmp_path / "x.questions.yaml"
    writer.write_text('out_of_scope:\n  nb:\n    - "Kan jeg få data på minnepinne?"\n', encoding="utf-8")
    examples.write_text(FILE, encoding="utf-8")
    assert main([str(writer), str(examples), "--close-to-scope", "0.9"]) == 2
    assert "needs the model" in capsys.readouterr().err
    assert examples.read_text(encoding="utf-8") == FILE
