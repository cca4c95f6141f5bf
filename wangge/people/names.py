"""Pinyin keys for searching names, derived with pypinyin (never typed by hand)."""
from pypinyin import Style, lazy_pinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name: 刘伊蕊 → ("liuyirui", "lyr").

    Tone marks are dropped because people type pinyin without them; where a
    character has several readings pypinyin's phrase-aware default is used,
    and the hanzi themselves remain searchable.
    """
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    return "".join(syllables), "".join(s[0] for s in syllables if s)
