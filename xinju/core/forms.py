"""Form conventions shared by every app."""

from __future__ import annotations

from typing import Any


class NoColonMixin:
    """Labels stand above their fields (Bootstrap); no colon after them in any language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
