"""Language identification for mentions.

py3langid restricted to the languages Vigil expects (restriction lifts accuracy on
short posts), with Wu and Cantonese folded into Chinese, and a script rule first:
a Chinese post that quotes an English brand name is still Chinese, so a meaningful
share of Han characters decides before the n-gram model is asked.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

__all__ = ["SUPPORTED_LANGUAGES", "UNDETERMINED", "identify_language", "identify_languages"]

UNDETERMINED = "und"

#: Languages py3langid may answer. English and Chinese are analysed in depth; the
#: others are recognised so that they reach the multilingual fallback instead of
#: being forced into English or Chinese.
SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "en",
    "zh",
    "ja",
    "ko",
    "fr",
    "de",
    "es",
    "pt",
    "it",
    "nl",
    "ru",
    "ar",
    "vi",
    "th",
    "id",
    "ms",
    "tr",
)
_ALIASES = {"wuu": "zh", "yue": "zh"}

# A Han character carries roughly as much text as a short Latin word; weighting
# it three times a Latin letter makes "share of the text" comparable across scripts.
_HAN_WEIGHT = 3.0
_CHINESE_SHARE = 0.5
_MIN_CONFIDENCE = 0.3

_URL_RE = re.compile(r"https?://\S+|www\.\S+|@[\w.-]+|#", re.IGNORECASE)
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_KANA_RE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER_RE = re.compile(r"[^\W\d_]")

_lock = threading.Lock()
_identifier: Any = None


def _get_identifier() -> Any:
    """Load py3langid once per process; the restricted copy is shared by threads."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                known = set(ident.nb_classes)
                langs = [c for c in (*SUPPORTED_LANGUAGES, *_ALIASES) if c in known]
                ident.set_languages(langs)
                _identifier = ident
    return _identifier


def _by_script(text: str) -> str | None:
    """Decide from the writing system when it is unambiguous, else None."""
    han = len(_HAN_RE.findall(text))
    kana = len(_KANA_RE.findall(text))
    hangul = len(_HANGUL_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    if kana and kana * 5 >= han:
        return "ja"
    if hangul and hangul * 2 >= han + hangul:
        return "ko"
    if han:
        weighted = han * _HAN_WEIGHT
        if weighted / (weighted + latin) >= _CHINESE_SHARE:
            return "zh"
    return None


def identify_language(text: str) -> str:
    """Return the ISO 639-1 code of ``text``'s language, or ``"und"``.

    ``"und"`` is returned for empty text, text without letters (numbers, emoji,
    links) and text the model cannot place with any confidence.
    """
    cleaned = _URL_RE.sub(" ", text or "").strip()
    if len(_LETTER_RE.findall(cleaned)) < 2:
        return UNDETERMINED
    by_script = _by_script(cleaned)
    if by_script is not None:
        return by_script
    lang, confidence = _get_identifier().classify(cleaned)
    if confidence < _MIN_CONFIDENCE:
        return UNDETERMINED
    return str(_ALIASES.get(lang, lang))


def identify_languages(texts: Iterable[str]) -> list[str]:
    """Batch form of :func:`identify_language`."""
    return [identify_language(t) for t in texts]
