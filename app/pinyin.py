"""Pinyin initials of Chinese names ("张三" -> "zs"), with surnames read as surnames."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames whose everyday reading differs from their reading as a surname.
_SURNAME_INITIALS = {
    "单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "覃": "q",
    "盖": "g", "尉": "y", "乐": "y", "缪": "m", "秘": "b", "种": "c", "燕": "y", "繁": "p",
    "长": "c", "召": "s", "员": "y", "宿": "s", "翟": "z", "祭": "z", "万": "w",
}  # fmt: skip


@lru_cache(maxsize=50_000)
def _initial(char: str) -> str:
    # Character by character: names are not phrases, and a cache of a few thousand
    # characters makes a 668,000-person import cheap.
    letters = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="default")
    return "".join(letters).lower()


def initials(name: str) -> str:
    """Lower-case initials, one per character; letters and digits in the name are kept."""
    if not name:
        return ""
    first = _SURNAME_INITIALS.get(name[0]) or _initial(name[0])
    return first + "".join([_initial(c) for c in name[1:]])
