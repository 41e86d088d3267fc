"""The SQLite request cache: one row per successful reply, keyed by the request's content hash.

Only replies are stored (text, token counts, finish reason and the served model that wrote them), never endpoints, headers or API keys. Each reply is committed as it
arrives, so a killed run keeps every reply it got and a resumed run repeats no request.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from adrbench.llm.messages import Reply
from adrbench.paths import cache_root

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    reply TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_cache_path() -> Path:
    """requests.sqlite in adrbench's cache folder ($ADRBENCH_CACHE, else ~/.cache/adrbench)."""
    return cache_root() / "requests.sqlite"


class RequestCache:
    """A persistent map from request key to Reply (SQLite in WAL mode, safe for several processes)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def get(self, key: str) -> Reply | None:
        row = self._db.execute("SELECT reply FROM replies WHERE key = ?", (key,)).fetchone()
        return None if row is None else Reply(**json.loads(row[0]))

    def put(self, key: str, backend: str, model: str, reply: Reply) -> None:
        """Store `reply` for `key`; `model` is the requested name, the served one is in the reply."""
        body = json.dumps(
            {
                "text": reply.text,
                "input_tokens": reply.input_tokens,
                "output_tokens": reply.output_tokens,
                "finish_reason": reply.finish_reason,
                "model": reply.model,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO replies (key, backend, model, reply, created) VALUES (?, ?, ?, ?, ?)",
                (key, backend, model, body, time.time()),
            )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM replies").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def open_cache(setting: str | None) -> RequestCache | None:
    """The cache a `cache=` model-arg names: None/'' → the default path, 'off' → no cache, else a file path."""
    if setting is not None and setting.strip().lower() in {"off", "none", "false", "0"}:
        return None
    return RequestCache(Path(setting).expanduser() if setting else default_cache_path())
