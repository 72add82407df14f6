"""What the API keeps in memory between requests.

- :class:`PublishedAnswers`: answers for published roster versions, kept serialized. A published
  version never changes, so its answer is built once and can never go stale.
- :class:`SignedInUsers`: the users behind recent tokens, for a few seconds, so a signed-in request
  does not look its user up in the database every time.

Both are bounded (least recently used out first) and thread-safe.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.tables import User


@dataclass(frozen=True)
class Answer:
    """A serialized roster answer, gzipped too, with the team whose members may read it."""

    team_id: int
    body: bytes
    gzipped: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Roster JSON shrinks about 14-fold; compressed once here, not on every request.
        object.__setattr__(self, "gzipped", gzip.compress(self.body, compresslevel=6, mtime=0))


class PublishedAnswers:
    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)


class SignedInUsers:
    """Users by id, each remembered for ``seconds`` after it was read from the database.

    A user deactivated (or given another role) by this process is forgotten at once (``forget``); a
    change made by another process or directly in the database shows within ``seconds``.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        seconds: float = 5.0,
        size: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._seconds = seconds
        self._size = size
        self._clock = clock
        self._users: OrderedDict[int, tuple[float, User]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user_id: int) -> User | None:
        """The remembered user, or ``None`` when unknown or remembered too long ago."""
        with self._lock:
            entry = self._users.get(user_id)
            if entry is None or self._clock() - entry[0] > self._seconds:
                return None
            self._users.move_to_end(user_id)
            return entry[1]

    def load(self, user_id: int) -> User | None:
        """Read the user from the database (blocking) and remember them."""
        with Session(self._engine) as session:
            user = session.get(User, user_id)
            if user is None:
                return None
            session.expunge(user)
        with self._lock:
            self._users[user_id] = (self._clock(), user)
            self._users.move_to_end(user_id)
            while len(self._users) > self._size:
                self._users.popitem(last=False)
        return user

    def forget(self, user_id: int | None = None) -> None:
        """Forget one user (after a change to them), or everyone."""
        with self._lock:
            if user_id is None:
                self._users.clear()
            else:
                self._users.pop(user_id, None)
