"""Where index builds live: a folder per build on disk, or a collection per build in a server.

    LocalBuilds(data_dir / "index" / "builds")   embedded Chroma, one PersistentClient folder per build
    ServerBuilds("http://127.0.0.1:8000", owner)  a Chroma server (ASSISTANT_CHROMA_URL), one
                                                 collection `chunks-<build id>` per build

Both offer the same four calls (open, create, drop, drop_all_but) that index.IndexStore uses to
build, switch and clean up; neither knows about manifests or fingerprints. A server that cannot
be reached is an IndexUnavailableError naming ASSISTANT_CHROMA_URL.
Deliberately left out: authentication headers and tenants/databases other than Chroma's default.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError, IndexUnavailableError

__all__ = ["LocalBuilds", "ServerBuilds", "IndexUnavailableError", "parse_chroma_url", "unavailable"]

log = logging.getLogger(__name__)
COLLECTION = "chunks"


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """'http://127.0.0.1:8000' -> ('127.0.0.1', 8000, False); 'https://db.example' -> (.., 443, True)"""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise ConfigError(f"ASSISTANT_CHROMA_URL={url!r} is not a server address; give e.g. "
                          "http://127.0.0.1:8000, or unset it to keep the index in the data directory.")
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else 8000), ssl


def _client(path: Path):
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def unavailable(url: str, exc: BaseException) -> IndexUnavailableError:
    return IndexUnavailableError(
        f"The Chroma server at ASSISTANT_CHROMA_URL={url} cannot be reached ({type(exc).__name__}: "
        f"{str(exc).splitlines()[0] if str(exc) else 'no detail'}). Start it (`chroma run --path DIR "
        "--port PORT`), or unset ASSISTANT_CHROMA_URL to keep the index in the data directory.")


class LocalBuilds:
    """Embedded mode: one PersistentClient folder per build under index/builds/."""

    url = ""

    def __init__(self, builds: Path):
        self.builds = builds

    def open(self, build_id: str):
        path = self.builds / build_id
        if not path.is_dir():
            raise FileNotFoundError(f"build folder {path} is missing")
        return _client(path).get_collection(COLLECTION)

    def create(self, build_id: str):
        return _client(self.builds / build_id).create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})

    def drop(self, build_id: str) -> None:
        shutil.rmtree(self.builds / build_id, ignore_errors=True)

    def drop_all_but(self, build_id: str) -> None:
        for old in self.builds.iterdir():  # the manifest no longer points at these
            if old.name != build_id:
                shutil.rmtree(old, ignore_errors=True)


class ServerBuilds:
    """Server mode: collection `chunks-<build id>` in the Chroma server at `url`.

    Collections carry {"owner": <hash of the data dir>}, so two data directories can share a
    server without deleting each other's builds.
    """

    def __init__(self, url: str, owner: str):
        self.url, self.owner = url, owner
        self._client = None

    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings

            host, port, ssl = parse_chroma_url(self.url)
            try:
                self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl,
                                                   settings=Settings(anonymized_telemetry=False))
            except Exception as exc:  # ValueError "Could not connect to a Chroma server"
                raise unavailable(self.url, exc) from exc
        return self._client

    @staticmethod
    def name(build_id: str) -> str:
        return f"{COLLECTION}-{build_id}"

    def open(self, build_id: str):
        import chromadb.errors

        client = self.client()
        try:
            return client.get_collection(self.name(build_id))
        except (chromadb.errors.NotFoundError, ValueError):
            raise  # the collection is gone: rebuild
        except Exception as exc:
            raise unavailable(self.url, exc) from exc

    def create(self, build_id: str):
        return self.client().create_collection(
            self.name(build_id), embedding_function=None, metadata={"owner": self.owner},
            configuration={"hnsw": {"space": "cosine"}})

    def drop(self, build_id: str) -> None:
        try:
            self.client().delete_collection(self.name(build_id))
        except Exception as exc:  # best effort: a leftover collection only costs space
            log.warning("could not delete collection %s (%s)", self.name(build_id), exc)

    def drop_all_but(self, build_id: str) -> None:
        for col in self.client().list_collections():
            if (col.metadata or {}).get("owner") == self.owner and col.name != self.name(build_id):
                self.client().delete_collection(col.name)
