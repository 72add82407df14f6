"""Answers for published roster versions, kept serialized: a published version never changes, so its
answer is built once and can never go stale. Bounded (least recently used out first), thread-safe."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class PublishedAnswers:
    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: bytes) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
