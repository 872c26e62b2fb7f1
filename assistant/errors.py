"""The assistant's errors: one small tree, every message says what to do.

    AssistantError                 base; the CLI and the UI turn it into one line
    ├── ConfigError                a setting is wrong (names the ASSISTANT_* variable)
    ├── ModelError                 the embedding model cannot be loaded
    ├── CorpusError                the corpus folder is missing or holds no usable text
    ├── IndexBuildError             the index cannot be built or written (e.g. read-only data dir)
    ├── IndexUnavailableError       the Chroma server behind ASSISTANT_CHROMA_URL cannot be reached
    ├── MailError                   an e-mail, a folder of them or a reply template cannot be read,
    │                               or drafts cannot be written
    ├── FeedbackError               the feedback file (feedback.sqlite3) is not a readable database
    └── TeachingError               a lesson's example or eval file is read-only or a symbolic link

The core raises these and never prints or exits; only the edges (cli.py, app.py) turn them
into user messages. Bad *questions* are not errors: they get an abstaining Answer.
"""

__all__ = ["AssistantError", "ConfigError", "ModelError", "CorpusError", "IndexBuildError", "IndexUnavailableError",
           "MailError", "FeedbackError", "TeachingError"]


class AssistantError(Exception):
    """Base class: str(error) is a complete, user-facing sentence."""


class ConfigError(AssistantError):
    pass


class ModelError(AssistantError):
    pass


class CorpusError(AssistantError):
    pass


class IndexBuildError(AssistantError):
    pass


class IndexUnavailableError(AssistantError):
    """The Chroma server behind ASSISTANT_CHROMA_URL cannot be reached (or lost the index)."""


class MailError(AssistantError):
    """An input that cannot be read as an e-mail; the message says what to give instead."""


class FeedbackError(AssistantError):
    """The thumbs up/down store cannot be read; the message says where it is and what to do."""


class TeachingError(AssistantError):
    """An example or eval file the staff app may not replace; the message says what to do."""
