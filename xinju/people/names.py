"""Chinese names sort by pinyin: 安 before 白 before 陈. The key is computed once per person
and stored (Person.name_pinyin), so lists sort in the database."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames read differently from the character's commonest reading (单 shan, not dan).
SURNAME_READINGS = {
    "单": "shan4",
    "曾": "zeng1",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "查": "zha1",
    "区": "ou1",
    "盖": "ge3",
    "乐": "yue4",
    "覃": "qin2",
    "缪": "miao4",
    "繁": "po2",
    "种": "chong2",
    "黑": "he4",
    "翟": "zhai2",
    "召": "shao4",
    "折": "she2",
    "员": "yun4",
    "宓": "fu2",
    "秘": "bi4",
    "能": "nai4",
    "华": "hua4",
    "纪": "ji3",
    "沈": "shen3",
    "贾": "jia3",
    "葛": "ge3",
    "牟": "mu4",
    "过": "guo1",
    "祭": "zhai4",
    "尉": "yu4",
    "万": "wan4",
    "长": "zhang3",
    "重": "chong2",
    "柏": "bai3",
    "薄": "bo2",
    "句": "gou1",
}
_TOKENS = re.compile(r"[A-Za-z0-9]+|.", re.DOTALL)


@lru_cache(maxsize=20000)
def _syllable(char: str) -> str:
    return lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0].lower()


def pinyin_key(name: str) -> str:
    """ "张三" → "zhang1 san1": syllables with tone numbers, so equal spellings sort by tone."""
    parts = []
    for i, token in enumerate(_TOKENS.findall(name.strip())):
        if token.isspace():
            continue
        if i == 0 and token in SURNAME_READINGS:
            parts.append(SURNAME_READINGS[token])
        elif token.isascii():
            parts.append(token.lower())
        else:
            parts.append(_syllable(token))
    return " ".join(parts)[:200]
