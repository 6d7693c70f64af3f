"""Search that forgives what people type: case, NFC/NFD, and Vietnamese diacritics.

"tinh bot", "TINH BỘT" and "tinh bột" typed in combining mode all find "Tinh bột"; Chinese is matched
as written (its characters carry no diacritics to drop).
"""

from __future__ import annotations

import unicodedata

# đ/Đ are letters of their own, not d + a combining mark: NFD leaves them whole.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def folded(text: str) -> str:
    """Lower case, without combining marks, with runs of spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", bare).casefold().split())


def matches(needle_folded: str, text: str) -> bool:
    """Whether `text` contains the already folded needle."""
    return needle_folded in folded(text)
