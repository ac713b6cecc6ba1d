"""English entities: capitalised sequences, classified by suffixes, gazetteers, titles and
reporting verbs (see ``find_english``)."""

from __future__ import annotations

import re

from vigil.analysis.entities.lexicon import ORGANISATION, PERSON, PLACE, gazetteer, words

_EN_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9&'.\-]*[A-Za-z0-9]|[A-Za-z]|[,;:()\"!?.]")
_ABBREVIATIONS = words("mr mrs ms dr prof st inc ltd corp co jr sr no vs")
_CONNECTORS = frozenset({"of", "and", "&", "de", "for", "the", "von", "van", "du"})
_ORG_SUFFIXES = words(
    "inc inc. ltd ltd. llc plc corp corp. corporation company co co. group holdings bank "
    "university college institute ministry department agency commission association "
    "foundation airlines airways motors insurance technologies technology systems labs "
    "partners capital fund council court police hospital news times post journal "
    "authority bureau board federation union party school office service services "
    "pharma pharmaceuticals therapeutics biotech telecom interactive studios games air "
    "energy electric electronics software media networks robotics logistics foods"
)
#: Months and weekdays open many capitalised spans ("in April", "on Monday"); never names.
_CALENDAR = words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday mon tue tues wed thu thurs fri sat sun"
)
_ORG_HEADS = words("university ministry department bank bureau office court")
_PLACE_SUFFIXES = words(
    "city county province state street road river mountains district valley island "
    "islands bay lake region"
)
_TITLES = words(
    "mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame president ceo chairman chairwoman "
    "minister senator governor mayor spokesperson spokesman spokeswoman founder director "
    "judge officer chief"
)
_REPORTING = words("said says told added noted wrote tweeted posted")
_PLACE_PREPOSITIONS = frozenset({"in", "near", "across"})  # "at / from Halvex": often a brand
_NOT_ACRONYM_ORG = frozenset(
    {
        "CEO",
        "CFO",
        "CTO",
        "COO",
        "PR",
        "OK",
        "TV",
        "AI",
        "EV",
        "APP",
        "FAQ",
        "USD",
        "RMB",
        "GDP",
        "LOL",
        "OMG",
        "PSA",
        "IPO",
        "VIP",
        "DM",
        "AM",
        "PM",
        # Kinds of product and technology, not makers (found in brand mentions).
        "PC",
        "SUV",
        "OTA",
        "DLC",
        "GPS",
        "USB",
        "LED",
        "LCD",
        "OLED",
        "VR",
        "AR",
        "UI",
        "UX",
        "API",
        "SDK",
        "PDF",
        "DIY",
        "HD",
        "NFC",
        "SIM",
        "SMS",
        "QR",
        "ETA",
        "KPI",
        "ROI",
        "ESG",
        "PPT",
        "OS",
        "ASAP",
        "FYI",
        "BTW",
        "IMO",
        "TBH",
        "XL",
        "XXL",
        "BIOS",
        "GMT",
        "UTC",
        "RGB",
        "RPG",
        "FPS",
        "AC",
        "QC",
        "DAD",
        "MOM",
        "WTF",
        "SOS",
        "FREE",
        "NEW",
        "SALE",
        "ALL",
        "NOT",
        "NEVER",
        "WORST",
        "BEST",
        "STOP",
        "HELP",
        "ONE",
        "TWO",
        "THREE",
        "FOUR",
        "FIVE",
        "TEN",
    }
)


def find_english(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    lowered_words = set(re.findall(r"[a-z]+", text))
    tokens = _EN_TOKEN_RE.findall(text)
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens):
            if _capitalised(tokens[j]):
                j += 1
            elif (
                tokens[j].lower() in _CONNECTORS
                and j + 1 < len(tokens)
                and _capitalised(tokens[j + 1])
            ):
                j += 2
            else:
                break
        for start, end in _split_at_titles(tokens, i, j):
            entity = _classify_span(tokens, start, end, lowered_words)
            if entity is not None:
                out.extend(entity)
        i = j
    return out


def _split_at_titles(tokens: list[str], i: int, j: int) -> list[tuple[int, int]]:
    """ "Apple CEO Tim Cook" → "Apple", "Tim Cook" (the title stays as context)."""
    parts: list[tuple[int, int]] = []
    start = i
    for k in range(i, j):
        if tokens[k].lower() in _TITLES:
            if k > start:
                parts.append((start, k))
            start = k + 1
    if start < j:
        parts.append((start, j))
    return parts


def _previous_word(tokens: list[str], i: int) -> tuple[str, bool]:
    """The word before position ``i`` (skipping a full stop) and whether ``i`` opens a sentence."""
    k = i - 1
    if k < 0:
        return "", True
    if tokens[k] in {".", "!", "?"}:
        word = tokens[k - 1].lower() if k > 0 else ""
        return word, word not in _ABBREVIATIONS
    return tokens[k].lower(), tokens[k] in {'"', "(", ":"}


def _classify_span(
    tokens: list[str], start: int, end: int, lowered: set[str]
) -> list[tuple[str, str]] | None:
    span = [t.removesuffix("'s").removesuffix("\u2019s") for t in tokens[start:end]]
    before, sentence_start = _previous_word(tokens, start)
    names = gazetteer("given_names_en.txt", " ")
    if sentence_start and len(span) > 1 and span[0] not in names and _opener(span):
        # "Ordered the Qubrix Air", "Shares of Solquist", "Called Sheltra Insurance": the
        # sentence's first word is an ordinary word glued to the name by its capital.
        cut = 2 if len(span) > 2 and span[1].lower() in {"the", "of"} else 1
        before, sentence_start = span[cut - 1].lower(), False
        span, start = span[cut:], start + cut
    after = tokens[end].lower() if end < len(tokens) else ""
    # "Jane Foster of Keystone Insurance": a person of an organisation.
    if "of" in span and (before in _TITLES or span[0] in names):
        k = span.index("of")
        left = _classify(span[:k], before, "of", sentence_start, lowered)
        right = _classify(span[k + 1 :], "of", after, False, lowered)
        if left is not None and left[1] == PERSON and right is not None:
            return [left, right]
    entity = _classify(span, before, after, sentence_start, lowered)
    if entity is None and sentence_start and len(span) > 1 and span[0] not in names:
        # "Later Reuters updated …": the opener is an ordinary capitalised word.
        entity = _classify(span[1:], span[0].lower(), after, False, lowered)
    return None if entity is None else [entity]


def _opener(span: list[str]) -> bool:
    """Whether a sentence-opening span starts with an ordinary word: a verb form (Called,
    Using) or a common noun joined by "the"/"of" (Shares of …), but not Bank of America."""
    first = span[0].lower()
    if first in _ORG_HEADS or first in _CONNECTORS:
        return False
    if len(span) > 2 and span[1].lower() in {"the", "of"}:
        return True
    return len(first) > 4 and first.endswith(("ed", "ing"))


def _capitalised(token: str) -> bool:
    return token[0].isupper() and (len(token) == 1 or not token.isupper() or len(token) <= 6)


def _classify(
    span: list[str], before: str, after: str, sentence_start: bool, lowered: set[str]
) -> tuple[str, str] | None:
    name = " ".join(span)
    places = gazetteer("places_en.txt", ";")
    orgs = gazetteer("orgs_en.txt", ";")
    names = gazetteer("given_names_en.txt", " ")
    if span[0].lower() == "the" and len(span) > 1:
        span = span[1:]
        name = " ".join(span)
    first, last = span[0], span[-1]
    if name.lower() in _TITLES or all(t.lower() in _CALENDAR for t in span):
        return None
    if name in orgs:
        return name, ORGANISATION
    if name in places:
        return name, PLACE
    if last.lower() in _ORG_SUFFIXES or (len(span) > 2 and first.lower() in _ORG_HEADS):
        return name, ORGANISATION
    if len(span) > 1 and last.lower() in _PLACE_SUFFIXES:
        return name, PLACE
    if before in _TITLES:
        return name, PERSON
    if first in names and 2 <= len(span) <= 3 and all(t[0].isupper() for t in span):
        return name, PERSON
    if (
        len(span) == 1
        and first.isupper()
        and first.isalpha()  # R7, X9: model numbers, not makers
        and 2 <= len(first) <= 6
        and first not in _NOT_ACRONYM_ORG
    ):
        return name, ORGANISATION
    if sentence_start and len(span) == 1 and first.lower() in lowered:
        return None  # an ordinary word that happens to open the sentence
    if (
        2 <= len(span) <= 3
        and after in _REPORTING
        and not any(t.lower() in _CONNECTORS for t in span)  # "Telecom and Orbivo said"
    ):
        return name, PERSON
    if (
        before in _PLACE_PREPOSITIONS
        and len(span) <= 2
        and not sentence_start
        and len(name) >= 3
        and "'" not in name
    ):
        return name, PLACE
    return None
