"""Spelling normalisation and tokenisation for near-duplicate claim detection.

Contract of :func:`tokens`: the same text always gives the same tuple, in any process; two
renderings of one sentence that differ only in case, accents, quote/dash style, British/American
spelling, Ukrainian/Russian transliteration (Kiev/Kyiv, Lugansk/Luhansk), closed/hyphenated
compounds (cease-fire/ceasefire), contractions (hasn't/has not), number words (five/5) or light
inflection (rejected/rejects) give the same tokens. Word order is kept; numbers are kept as digit
strings without thousands separators, so that different figures stay different.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

__all__ = ["STOPWORDS", "tokens"]

# Typographic variants that outlets and translation tools pick at random.
_PUNCT: Final = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_COMBINING: Final = re.compile(r"[\u0300-\u036f]")
# Dotted abbreviations (U.S., U.N.) collapse to one token before the tokeniser splits on dots.
_ABBREV: Final = re.compile(r"(?:[a-z]\.){2,}")
# Two-word spellings of one thing, matched on canonical tokens (so "United States" is unit+stat).
_PHRASES: Final[dict[tuple[str, str], str]] = {
    ("per", "cent"): "percent",
    ("unit", "stat"): "usa",
    ("unit", "nation"): "un",
    ("unit", "kingdom"): "uk",
    ("great", "britain"): "uk",
    ("europ", "union"): "eu",
    ("al", "qaeda"): "qaeda",
    ("south", "east"): "southeast",
    ("north", "east"): "northeast",
    ("south", "west"): "southwest",
    ("north", "west"): "northwest",
    ("any", "more"): "anymore",
    ("e", "mail"): "email",
}
_PHRASE_HEADS: Final = frozenset(head for head, _ in _PHRASES)
_TOKEN: Final = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['-][^\W\d_]+)*|%")

# Spelling variants → one canonical form (applied before stemming, to whole words).
_VARIANTS: Final[dict[str, str]] = {
    # Ukrainian vs Russian transliteration of place and person names.
    "kyiv": "kiev",
    "kyev": "kiev",
    "luhansk": "lugansk",
    "kharkov": "kharkiv",
    "odessa": "odesa",
    "donbass": "donbas",
    "lvov": "lviv",
    "lwow": "lviv",
    "nikolaev": "mykolaiv",
    "nikolayev": "mykolaiv",
    "zaporozhye": "zaporizhzhia",
    "zaporizhia": "zaporizhzhia",
    "zaporozhzhia": "zaporizhzhia",
    "dnepr": "dnipro",
    "dnieper": "dnipro",
    "dnepropetrovsk": "dnipro",
    "chernigov": "chernihiv",
    "rovno": "rivne",
    "gorlovka": "horlivka",
    "slavyansk": "sloviansk",
    "slovyansk": "sloviansk",
    "artemovsk": "bakhmut",
    "artemivsk": "bakhmut",
    "severodonetsk": "sievierodonetsk",
    "lisichansk": "lysychansk",
    "chernobyl": "chornobyl",
    "zelensky": "zelenskyy",
    "zelenskiy": "zelenskyy",
    "zelenskii": "zelenskyy",
    "zelenski": "zelenskyy",
    "yanukovich": "yanukovych",
    "timoshenko": "tymoshenko",
    "yatseniuk": "yatsenyuk",
    "klichko": "klitschko",
    "shoygu": "shoigu",
    "medvedev": "medvedev",
    "navalny": "navalny",
    "navalnyy": "navalny",
    "zakharchenko": "zakharchenko",
    "zaharchenko": "zakharchenko",
    "lukashenka": "lukashenko",
    "gaddafi": "qaddafi",
    "kadhafi": "qaddafi",
    "gadhafi": "qaddafi",
    "qadhafi": "qaddafi",
    "alqaeda": "qaeda",
    "alqaida": "qaeda",
    "qaida": "qaeda",
    "muhammad": "mohammed",
    "mohammad": "mohammed",
    "muhammed": "mohammed",
    # Closed vs hyphenated compounds (hyphens are dropped by the tokeniser: cease-fire → ceasefire).
    "beachfront": "beachfront",
    "nonetheless": "nevertheless",
    # British vs American spelling that the suffix rules below do not cover.
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    **{
        british: british.replace("our", "or")
        for british in (
            "colour favour honour labour neighbour behaviour harbour humour rumour vigour valour "
            "armour endeavour flavour savour odour parlour tumour vapour saviour clamour "
            "splendour rancour candour fervour ardour"
        ).split()
    },
    "programme": "program",
    "programmes": "programs",
    "grey": "gray",
    "tonne": "ton",
    "tonnes": "tons",
    "centre": "center",
    "centres": "centers",
    "theatre": "theater",
    "metre": "meter",
    "metres": "meters",
    "kilometre": "kilometer",
    "kilometres": "kilometers",
    "travelled": "traveled",
    "cancelled": "canceled",
    "labelled": "labeled",
    "fuelled": "fueled",
    "modelling": "modeling",
    "pct": "percent",
    "mln": "million",
    "bln": "billion",
    "%": "percent",
    "america": "usa",
    # Nationality adjectives name the country ("the Ukrainian president" / "president of Ukraine").
    "ukrainian": "ukraine",
    "russian": "russia",
    "american": "usa",
    "british": "uk",
    "french": "france",
    "german": "germany",
    "chinese": "china",
    "syrian": "syria",
    "iranian": "iran",
    "iraqi": "iraq",
    "israeli": "israel",
    "turkish": "turkey",
    "european": "europe",
    "japanese": "japan",
    "belarusian": "belarus",
    "crimean": "crimea",
    "italian": "italy",
    "spanish": "spain",
    "canadian": "canada",
    # Irregular verb forms the suffix rules cannot reach ("took advantage" / "taking advantage").
    **{
        form: base
        for base, forms in (
            ("take", "took taken"),
            ("make", "made"),
            ("give", "gave given"),
            ("go", "went gone"),
            ("come", "came"),
            ("tell", "told"),
            ("see", "saw seen"),
            ("begin", "began begun"),
            ("hold", "held"),
            ("meet", "met"),
            ("send", "sent"),
            ("speak", "spoke spoken"),
            ("write", "wrote written"),
            ("know", "knew known"),
            ("think", "thought"),
            ("bring", "brought"),
            ("buy", "bought"),
            ("seek", "sought"),
            ("fight", "fought"),
            ("win", "won"),
            ("lose", "lost"),
            ("pay", "paid"),
            ("lead", "led"),
            ("rise", "rose risen"),
            ("fall", "fell fallen"),
            ("strike", "struck stricken"),
            ("choose", "chose chosen"),
            ("drive", "drove driven"),
            ("keep", "kept"),
            ("feel", "felt"),
            ("find", "found"),
            ("stand", "stood"),
            ("understand", "understood"),
            ("become", "became"),
            ("run", "ran"),
            ("sell", "sold"),
            ("shoot", "shot"),
            ("build", "built"),
            ("mean", "meant"),
            ("draw", "drew drawn"),
            ("grow", "grew grown"),
            ("throw", "threw thrown"),
            ("fly", "flew flown"),
            ("break", "broke broken"),
            ("forget", "forgot forgotten"),
            ("hide", "hid hidden"),
            ("steal", "stole stolen"),
            ("withdraw", "withdrew withdrawn"),
            ("undertake", "undertook undertaken"),
            ("flee", "fled"),
            ("feed", "fed"),
            ("shake", "shook shaken"),
            ("hang", "hung"),
            ("spend", "spent"),
            ("lend", "lent"),
            ("teach", "taught"),
            ("catch", "caught"),
            ("sweep", "swept"),
            ("sleep", "slept"),
            ("deal", "dealt"),
            ("wear", "wore worn"),
            ("swear", "swore sworn"),
            ("tear", "tore torn"),
        )
        for form in forms.split()
    },
    # Nouns derived from verbs in -al that a report may use instead of the verb.
    "proposal": "propose",
    "withdrawal": "withdraw",
    "approval": "approve",
    "refusal": "refuse",
    "removal": "remove",
    "arrival": "arrive",
    "renewal": "renew",
    "survival": "survive",
    "disposal": "dispose",
    "reversal": "reverse",
    "dismissal": "dismiss",
    "betrayal": "betray",
    "denial": "deny",
    "referral": "refer",
    "retrieval": "retrieve",
}

_UNITS: Final = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS: Final = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _number_words() -> dict[str, str]:
    """Map number words (and hyphenated tens-units, which the tokeniser joins) to digits."""
    table = {word: str(value) for value, word in enumerate(_UNITS)}
    for i, tens in enumerate(_TENS):
        base = 20 + 10 * i
        table[tens] = str(base)
        for unit in range(1, 10):
            table[tens + _UNITS[unit]] = str(base + unit)
    return table


_NUMBERS: Final = _number_words()
_COUNTRY_CODES: Final = {"US": "usa", "U.S.": "usa", "U.S": "usa", "USA": "usa", "U.S.A.": "usa"}
# Closed compounds that reports also write as two words: split them, so "counter offer",
# "counter-offer" and "counteroffer" agree and share "offer" with "alternative offer".
_SPLITS: Final = {
    w: ("counter", w[len("counter") :])
    for w in "counteroffer counterattack counteroffensive counterproposal countermeasure "
    "counterterrorism counterstrike".split()
}
_CONTRACTIONS: Final = {"won't": "will", "can't": "can", "shan't": "shall", "ain't": "is"}
_CLITICS: Final = ("'s", "'re", "'ve", "'ll", "'d", "'m")
# Words ending in -s that are not plurals; stripping them would merge them with other words.
_KEEP_S: Final = frozenset(
    "news series species always perhaps whereas towards politics economics crisis analysis "
    "thesis basis texas paris athens brussels wales vegas kansas arkansas olympics lens "
    "bus gas yes afterwards".split()
)

STOPWORDS: Final = frozenset(
    "a an the and or but if of to in on at by for from with without about as into onto over "
    "under than then that this these those there here it its it's he she they we you i me him "
    "her them us our their his my your is are was were be been being am do does did done "
    "has have had having will would shall should can could may might must also just so such "
    "very too which who whom whose what when where why how all any both each few more most "
    "other some own same only not no nor s said say says saying told tell according mr mrs ms "
    "while during after before again further once up down out off".split()
)


@lru_cache(maxsize=1 << 16)
def _canon(word: str) -> tuple[str, ...]:
    """Canonical token(s) for one raw lower-case word; cached because vocabularies are Zipfian."""
    if word[0].isdigit():
        return (word.replace(",", ""),)
    if word == "cannot":
        return ("can", "not")
    if word.endswith("n't"):
        stem = _CONTRACTIONS.get(word, word[:-3])
        return (*_canon(stem), "not") if stem else ("not",)
    if "'" in word:
        for clitic in _CLITICS:
            if word.endswith(clitic):
                word = word[: -len(clitic)]
                break
        word = word.replace("'", "")
        if not word:
            return ()
    word = word.replace("-", "")
    if word.rstrip("s") in _SPLITS:
        return tuple(t for part in _SPLITS[word.rstrip("s")] for t in _canon(part))
    word = _NUMBERS.get(word, word)
    word = _VARIANTS.get(word, word)
    if word[0].isdigit() or len(word) <= 3:
        return (word,)
    return (_VARIANTS.get(_stem(_british(word)), _stem(_british(word))),)


def _british(word: str) -> str:
    """Fold British -ise/-isation spellings onto -ize (organise → organize; -ise words that are
    -ise in American English too, like "promise", fold the same way whichever side they are on)."""
    if word.endswith(("isation", "isations")):
        return word.replace("isation", "ization")
    if word.endswith(("ise", "ised", "ises", "ising")) and len(word) > 6:
        return word[: word.rindex("is")] + "iz" + word[word.rindex("is") + 2 :]
    return word


def _undouble(stem: str) -> str:
    """stopp → stop, runn → run; keep ll/ss/zz, which are part of the base word (kill, miss)."""
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return stem


def _stem(word: str) -> str:
    """Light inflectional stemmer: plural -s, -ing, -ed, final -e; deliberately conservative."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and word not in _KEEP_S:
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    elif word.endswith("ied") and len(word) >= 5:
        word = word[:-3] + "y"
    elif word.endswith("ed") and len(word) >= 5:
        word = _undouble(word[:-2])
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


def _fold(text: str) -> str:
    """Strip accents and unify quotes/dashes; only non-ASCII text needs it (the fast path skips)."""
    text = text.translate(_PUNCT)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


@lru_cache(maxsize=1 << 17)
def _piece(piece: str) -> tuple[str, ...]:
    """Canonical tokens of one whitespace-delimited piece ("U.S.", "offer,", "Kyiv's").

    Cached per piece rather than per word: splitting on whitespace is much cheaper than running
    the tokeniser regex over a whole sentence, and pieces repeat as much as words do.
    """
    bare = piece.strip(",;:!?\"()'")
    if bare in _COUNTRY_CODES:
        # Upper-case "US" is the country; once casefolded it would be the pronoun "us".
        return (_COUNTRY_CODES[bare],)
    piece = piece.casefold()
    if _ABBREV.fullmatch(bare.casefold()):
        piece = piece.replace(".", "")
    out: list[str] = []
    for raw in _TOKEN.findall(piece):
        out.extend(_canon(raw))
    return tuple(out)


def _merge_phrases(words: list[str]) -> list[str]:
    """Replace two-word spellings listed in ``_PHRASES`` by their one-word form."""
    out: list[str] = []
    for word in words:
        merged = _PHRASES.get((out[-1], word)) if out else None
        if merged is None:
            out.append(word)
        else:
            out[-1] = merged
    return out


def tokens(text: str) -> tuple[str, ...]:
    """Normalised word tokens of ``text`` (see the module docstring for what is unified)."""
    if not text.isascii():
        text = _fold(text)
    out: list[str] = []
    for piece in text.split():
        out.extend(_piece(piece))
    if not _PHRASE_HEADS.isdisjoint(out):
        out = _merge_phrases(out)
    return tuple(out)
