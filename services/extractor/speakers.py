"""Speaker phrases: find a source phrase next to a cue, split it into name and title, and
resolve it in the article.

``np_left`` / ``np_right`` find the source phrase before a cue ("Kremlin spokesman Dmitry Peskov
said") or after an inverted one ("said Hans Schellnhuber, the director of ..."), in the masked
frame text of ``attribution`` (quoted words replaced by ``cues.MASK``).

``parse_source("Kremlin spokesman Dmitry Peskov")`` gives name "Dmitry Peskov" and title
"Kremlin spokesman"; descriptions without a name ("the Russian foreign ministry") keep their
words as the description; pronouns are kept as pronouns.

``Resolver`` maps a source to the fullest name one article uses for it: a bare surname
("Peskov") to the most frequent full form ("Dmitry Peskov"), a singular description ("the
spokesman", "the ministry") to the latest named entity before it whose title has that head
word, or to an institution with that head ("Russian Foreign Ministry"), a pronoun to the latest
fitting speaker. It looks names up on demand (a surname by a targeted search, titles by one
scan the first time a description needs them), so articles cost what their sources need. A
source it cannot resolve stays as written (without its article: "harbor board").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from services.extractor import cues

# A run of capitalised words, allowing initials, inner connectors and possessive endings.
_NAME_WORD = (
    r"(?:(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Adm|Maj|Rev|Sens|Reps|Jr|"
    r"Sr|St|Prof|Del|Ft|Mt)\.|[A-Z][\w’'&-]*)"
)
_NAME_RUN = re.compile(  # the look-arounds make the engine skip most positions at once
    rf"(?<![\w’'])(?=[A-Z]){_NAME_WORD}"
    rf"(?:[ \t]+(?:(?:of|for|on|and|the|de|da|van|von|bin|al|la|le|del)[ \t]+)*{_NAME_WORD})*"
)
# Capitalised words right before a position (searched in a short window ending there).
_NAME_PREFIX = re.compile(rf"(?<![\w’'.&-])(?:{_NAME_WORD}[ \t]+){{1,4}}$")
_PAREN = re.compile(r"\s*\([^)]*\)")
_POSSESSIVE = re.compile(r"[’']s?$")
_CARRIER_WORDS = "|".join(sorted(cues.CARRIERS))
_CARRIER_OF = re.compile(
    rf"^(?:an?|the|this|that)?\s*(?:[\w-]+\s+){{0,2}}?(?:{_CARRIER_WORDS})\s+(?:of|by|from)\s+(.+)$",
    re.IGNORECASE,
)
_CARRIER_POSS = re.compile(rf"^(.+?)[’']s?\s+(?:[\w-]+\s+){{0,2}}?(?:{_CARRIER_WORDS})\b.*$", re.IGNORECASE)
# Appositive after a name in running text: "Dmitry Peskov, the press secretary of ...,".
_APPOSITIVE = re.compile(r",\s+(?:the|a|an|his|her|its|their)\s+((?:[\w’'-]+\s+){0,8}[\w’'-]+)")
_APPOSITIVE_STOP = frozenset("is was are were has had have who which that and but".split())
_ROLE_PP = re.compile(r"(?<=[a-z])\s+(?:of|for|to|at|from|with|in)\s+")
_NAME_CONNECT = frozenset("of for on and the de da van von bin al la le del".split())
_LEADING_DET = re.compile(r"^(?:the|a|an)(?:\s+|$)", re.IGNORECASE)
_SENTENCE_OPENERS = frozenset(
    "The A An But And Or So Yet However Still Also Then Now Meanwhile Instead Thus Indeed In On "
    "At For With By From As After Before When While If Because Although Though Since This That "
    "These Those There Here It He She They We I You His Her Their Its Our My Your Asked "
    "Speaking According Last Next Earlier Later Yesterday Today Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday Mr. Mrs. Ms. Dr.".split()
)
# Capitalised words that are dates, never a speaker's name.
_DATES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Jan. Feb. Aug. Sept. Oct. Nov. "
    "Dec.".split()
)
_ORG_HEADS = frozenset(
    "ministry council committee commission department agency office court party union "
    "association institute foundation university center centre bank fund company corp "
    "corporation inc group times post news network service services kremlin government "
    "administration house senate congress parliament assembly republic federation states "
    "nations organization organisation board bureau authority police army forces".split()
)


_TOKEN = re.compile(r"[A-Z][a-z]{0,4}\.(?=\s+[A-Z])|(?:[A-Za-z]\.){2,}|[\w#](?:[\w’'&#-]|\.(?=\w))*|[^\w\s]")
_TIME = re.compile(
    r"\s*(?:,\s*)?(?:(?:on|last|this|early|late|earlier|later)\s+)?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|"
    r"earlier|later|recently|previously|again|also|once|repeatedly|publicly|privately|"
    r"week|weekend|month|year)(?:\s+(?:morning|afternoon|evening|night))?(?![\w’'])"
)
_MANNER = re.compile(
    r"\s*(?:,\s*)?(?:in|during|at|on|via|through|over|after|before|with|to)\s+"
    r"(?:(?:an?|the|his|her|their|its|a\s+recent|one|several)\s+)?(?:[\w’'.-]+\s+){0,5}?"
    r"(?:statement|interview|conference|briefing|rally|post|tweet|tweets|email|e-mail|letter|"
    r"call|appearance|speech|address|remarks|hearing|broadcast|meeting|session|event|"
    r"Twitter|Facebook|Instagram|television|radio|TV|podcast|op-ed|editorial|column|book|"
    r"website|site|blog|page|account|channel|network|newsletter|video|documentary|"
    r"release|report|filing|court|program|show|reporters|journalists)(?![\w’'])"
    r"(?:\s+(?:with|to|on|at|in)\s+(?:[A-Z][\w’'.&-]*\s*)+)?"
)
_ABOUT = re.compile(r"\s*(?:of|about|to)\s+(?:the\s+)?(?:[A-Z][\w’'.&-]*\s*)+(?=,)")

# Role nouns naming one person: a description with one of these heads may match on its
# qualifier alone ("the French president" -> "his French counterpart, Emmanuel Macron").
_PERSON_ROLES = frozenset(
    "president minister premier chancellor spokesman spokeswoman secretary governor mayor "
    "senator leader counterpart envoy ambassador chairman chairwoman director".split()
)


# --- finding source phrases --------------------------------------------------------------------


def _is_name_tok(tok: str) -> bool:
    return (tok[:1].isupper() or tok[:1].isdigit()) and tok not in cues.NOT_NAMES and cues.MASK not in tok


def _np_word(tok: str) -> bool:
    low = tok.lower()
    if low.endswith(("’s", "'s")):
        return True  # a possessive determiner: "the party's", "Clinton's"
    return _is_name_tok(tok) or low in cues.ROLES or low in cues.MODIFIERS or "-" in tok


def _noun_like(tok: str) -> bool:
    """A lower-case word that may be a noun modifier ("city" in "the city council")."""
    low = tok.lower()
    return (
        tok.isalpha()
        and tok.islower()
        and low not in cues.FUNCTION_WORDS
        and low not in cues.ALL_VERBS
        and not low.endswith(("ed", "ly"))
    )


def _has_head(toks: list[str]) -> bool:
    last = toks[-1]
    low = last.lower()
    return (_is_name_tok(last) and not last[:1].isdigit()) or low in cues.ROLES


def _tokens(masked: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(masked, lo, hi)]


def np_left(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The source phrase ending at ``hi`` (after auxiliaries such as "has also"), or None.

    Accepts names, titles, role nouns and their modifiers, a parenthesis such as "(R-Ind.)",
    "of"-phrases after a role ("secretary of the Russian president") and appositives
    ("Dmitry Peskov, the press secretary, said"; "Schiff, 56, who ..., said").
    """
    toks = _tokens(masked, max(lo, hi - 200), hi)
    i = len(toks) - 1
    while i >= 0 and toks[i][2] in cues.AUX:
        i -= 1
    if i < 0:
        return None
    end = toks[i][1]
    if toks[i][2] == ")":  # "Sen. David Perdue (R-Ga.) said"
        k = i
        while k > 0 and toks[k][2] != "(" and i - k < 8:
            k -= 1
        i = k - 1 if toks[k][2] == "(" else i
        if i < 0:
            return None
    if toks[i][2].lower() in cues.PRONOUNS:
        return (toks[i][0], end)
    if toks[i][2] == ",":
        return _appositive_chain(toks, i)
    if toks[i][2].lower() in cues.RELATIVES | {"that"} and i > 0:
        k = i - 1 if toks[i - 1][2] != "," else i - 2  # "a letter ... that says", "X, who said"
        found = np_left(masked, lo, toks[k][1]) if k >= 0 else None
        return (found[0], end) if found else None
    first = _walk_np(toks, i)
    if first is None:
        first = _bare_np(toks, i)
    if first is None:
        first = _opening_subject(toks, i, toks[0][0] == lo if toks else False)
    if first is None:
        return None
    # "Dmitry Peskov, the press secretary of the president said": step over the comma to the name.
    if first > 1 and toks[first - 1][2] == "," and toks[first][2].lower() in ("the", "a", "an"):
        name = _walk_np(toks, first - 2)
        if name is not None and _is_name_tok(toks[first - 2][2]) and _segment_start(toks, name):
            first = name
    return (toks[first][0], end)


def _walk_np(toks: list[tuple[int, int, str]], i: int) -> int | None:
    """Index of the first token of the noun phrase ending at token ``i``, or None."""
    if not _np_word(toks[i][2]) or not _has_head([toks[i][2]]):
        return None
    j = best = i
    loose = 0  # lower-case words not known as NP words ("city" in "the city council")
    while j > 0:
        tok = toks[j - 1][2]
        low = tok.lower()
        if tok == ")":
            k = j - 1
            while k > 0 and toks[k][2] != "(":
                k -= 1
            if k == 0 or j - 1 - k > 6:
                break
            j = k
            continue
        if low in cues.CONNECTORS and j > 1 and low != "the":
            left = toks[j - 2][2]
            if low == "and" and not (_is_name_tok(left) and _is_name_tok(toks[j][2])):
                break
            if low != "and" and not (left.lower() in cues.ROLES or _is_name_tok(left)):
                break
            j -= 1
            continue
        if _np_word(tok) and tok not in cues.NOT_NAMES:
            j -= 1
            best = j
            continue
        before = toks[j - 2][2].lower() if j > 1 else ""
        if (
            loose == 0
            and _noun_like(tok)
            and toks[j][2].lower() in cues.ROLES
            and (before in cues.MODIFIERS or before.endswith(("’s", "'s")))
        ):
            loose += 1
            j -= 1
            continue
        break
    while best < i and toks[best][2].lower() in cues.CONNECTORS - {"the"}:
        best += 1
    return best


def _bare_np(toks: list[tuple[int, int, str]], i: int) -> int | None:
    """ "The clip says": a determiner and up to three nouns opening a clause."""
    j = i
    while j >= 0 and i - j < 3 and _noun_like(toks[j][2]):
        j -= 1
    if j < 0 or j == i or toks[j][2].lower() not in ("the", "a", "an", "this", "that", "these"):
        return None
    return j if _segment_start(toks, j) else None


def _opening_subject(toks: list[tuple[int, int, str]], i: int, at_start: bool) -> int | None:
    """ "Experts on North Korea said": a short phrase opening the sentence, with no clause
    words, is the subject even when its head is not a known role."""
    if not at_start or i > 7 or toks[0][2] in cues.NOT_NAMES:
        return None
    words = [t[2] for t in toks[: i + 1]]
    if words[-1].lower() in cues.FUNCTION_WORDS:
        return None
    for word in words:
        low = word.lower()
        if not (_np_word(word) or low in cues.CONNECTORS or _noun_like(word)):
            return None  # a verb or a clause word: not a bare noun phrase
    first = words[0]
    return 0 if first[:1].isupper() or first.lower() in ("the", "a", "an") else None


def _segment_start(toks: list[tuple[int, int, str]], j: int) -> bool:
    """Whether token ``j`` opens a clause (sentence start, after a comma, colon or quote)."""
    return j == 0 or toks[j - 1][2] in (",", ":", ";", "—", "–", "(", "“", "”", '"')


def _appositive_chain(toks: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
    """ "Name, appositive(, relative clause), said": the phrase from the name to the last comma.

    Comma segments are collected leftwards while they look like a noun phrase, an appositive
    or a relative clause; the leftmost noun phrase among them is the subject.
    """
    end = toks[i][0]
    comma = i
    subject: int | None = None
    for _ in range(5):
        seg_start = comma - 1
        while seg_start >= 0 and toks[seg_start][2] not in (",", ";", ":", "“", "”", '"', "—"):
            seg_start -= 1
        first = seg_start + 1
        while first < comma and toks[first][2] in cues.NOT_NAMES:
            first += 1  # "But Megan Hester, ..., said"
        seg = [t[2] for t in toks[first:comma]]
        if not seg:
            break
        at_start = seg_start < 0
        if _looks_np(seg, loose=at_start):
            subject = first
        elif not _appositive_like(seg):
            break
        if at_start or toks[seg_start][2] != ",":
            break
        comma = seg_start
    if subject is None:
        return None
    return (toks[subject][0], end)


def _appositive_like(seg: list[str]) -> bool:
    first = seg[0].lower()
    return (
        first.endswith(("’s", "'s"))  # "China, Pyongyang's only ally, said"
        or first in cues.RELATIVES
        or first in ("a", "an", "the", "who’s", "who's", "however", "too", "though")
        or seg[0][:1].isdigit()
        or first in ("democrat", "republican", "independent")
        or not seg[0][:1].isupper()
    )


def _looks_np(seg: list[str], loose: bool = False) -> bool:
    """A noun-phrase test for a comma segment: short, opens with a name or determiner, has a
    head (``loose``: any last word, for a segment opening the sentence), no clause words."""
    if not seg or len(seg) > 9 or any(w.lower() in cues.CLAUSE_WORDS for w in seg):
        return False
    if seg[0] in cues.NOT_NAMES or not (_np_word(seg[0]) or seg[0].lower() in ("the", "a", "an")):
        return False
    if seg[0].lower() in ("the", "a", "an") and not loose and not _has_head(seg):
        return False
    return loose or _has_head(seg) or _is_name_tok(seg[-1])


def np_right(masked: str, pos: int, end: int, appositive: bool = True) -> tuple[int, int] | None:
    """The source phrase right after an inverted cue (``," said Hans Schellnhuber, the ...``);
    with ``appositive`` a description after a comma ("..., the director of ...") is included."""
    pos = skip_adverbials(masked, pos, end)
    toks = _tokens(masked, pos, min(end, pos + 300))
    j = 0
    while j < len(toks):
        tok = toks[j][2]
        low = tok.lower()
        if low in cues.CONNECTORS and low != "the":
            prev = toks[j - 1][2] if j else ""
            if not (prev.lower() in cues.ROLES or _is_name_tok(prev)):
                break
            if j + 1 >= len(toks) or not (_np_word(toks[j + 1][2]) or toks[j + 1][2] == "the"):
                break
        elif not (_np_word(tok) or low == "the"):
            break
        j += 1
    while j and toks[j - 1][2].lower() in cues.CONNECTORS:
        j -= 1
    if j == 0 or not _has_head([t[2] for t in toks[:j]]):
        return None
    stop = toks[j - 1][1]
    # An appositive description after the name runs to the next comma or the sentence end.
    if appositive and j < len(toks) and toks[j][2] == ",":
        k = j + 1
        while k < len(toks) and toks[k][2] not in (",", ";", "—", "“", '"', ".", "?", "!"):
            k += 1
        nxt = toks[j + 1][2] if j + 1 < len(toks) else ""
        if k > j + 1 and (nxt.lower() in cues.APPOSITIVE_OPENERS or nxt.islower()):
            stop = toks[k - 1][1]
    return (toks[0][0], stop)


def skip_adverbials(masked: str, pos: int, end: int) -> int:
    while True:
        m = _TIME.match(masked, pos, end) or _MANNER.match(masked, pos, end) or _ABOUT.match(masked, pos, end)
        if not m or m.end() == pos:
            return pos
        pos = m.end()


def strip_aux_left(masked: str, lo: int, hi: int) -> int:
    """Position after the last token before ``hi`` that is not an auxiliary or adverb."""
    toks = list(_TOKEN.finditer(masked, max(lo, hi - 80), hi))
    i = len(toks) - 1
    while i >= 0 and toks[i].group() in cues.AUX:
        i -= 1
    return toks[i].end() if i >= 0 else lo


# --- splitting source phrases -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """A source phrase split into parts: ``name`` (proper name), ``title`` (role words),
    ``description`` (the phrase without article, when it has no name) and ``pronoun``."""

    text: str
    name: str | None = None
    title: str | None = None
    description: str | None = None
    pronoun: str | None = None

    @property
    def head(self) -> str | None:
        """The head word of a description ("ministry" for "the Russian foreign ministry",
        "secretary" for "press secretary of the president")."""
        if not self.description:
            return None
        words = _core(self.description).lower().split()
        return words[-1] if words else None


def _core(description: str) -> str:
    """A description without its prepositional tail ("press secretary of X" -> "press
    secretary"), when a lower-case role word comes before the preposition."""
    m = _ROLE_PP.search(description)
    return description[: m.start()] if m else description


def parse_source(text: str) -> Source:
    """Split a speaker noun phrase into name/title, description or pronoun (see ``Source``)."""
    text = _PAREN.sub("", text).strip(' ,;:.—–-"“”')
    low = text.lower()
    if low in cues.PRONOUNS:
        return Source(text, pronoun=low)
    carried = _carrier_author(text)
    if carried is not None:
        return parse_source(carried)
    main, _, appositive = text.partition(", ")
    core = _core(main)
    if core != main and core.split()[-1].lower() in cues.ROLES:
        return Source(text, description=_strip_det(main))  # "the secretary of the president"
    name, title = _split_name(main)
    if name is None and appositive:
        name2, title2 = _split_name(appositive)
        if name2 is not None:  # "the press secretary, Dmitry Peskov"
            return Source(text, name=name2, title=_strip_det(main) or title2)
    if name is None:
        return Source(text, description=_strip_det(main) or None)
    if appositive and _describes(appositive):
        title = _strip_det(appositive.rstrip(", ")) or title
    return Source(text, name=name, title=title)


def _describes(appositive: str) -> bool:
    """Whether an appositive is a description ("the press secretary", "a Clinton surrogate")."""
    words = appositive.split()
    return bool(words) and (
        words[0].lower() in ("the", "a", "an", "his", "her", "its", "their")
        or words[0].islower()
        or _core(appositive).split()[-1].lower() in cues.ROLES
    )


def _carrier_author(text: str) -> str | None:
    """``"a statement of the Russian Foreign Ministry"`` -> its author; None when not a carrier."""
    m = _CARRIER_OF.match(text)
    if m:
        return m.group(1)
    m = _CARRIER_POSS.match(text)
    if m and m.group(1)[:1].isupper():
        return m.group(1)
    return None


def _strip_det(text: str) -> str:
    return _LEADING_DET.sub("", text.strip()).strip()


@lru_cache(maxsize=8192)  # pure; names recur within and across articles
def _split_name(phrase: str) -> tuple[str | None, str | None]:
    """(name, title) when ``phrase`` ends in a proper name; (None, None) for a description."""
    words = phrase.split()
    if not words:
        return None, None
    last = words[-1]
    if not last[:1].isupper() and not last[:1].isdigit():
        return None, None  # the head is a common noun: a description
    runs = list(_NAME_RUN.finditer(phrase))
    if not runs:
        return None, None
    run = runs[-1]
    tokens = run.group().split()
    cut = 0
    for i, tok in enumerate(tokens):
        if tok.lower().rstrip(".") in cues.TITLES or tok.lower() in cues.TITLES:
            cut = i + 1
    while cut < len(tokens) and tokens[cut] in _SENTENCE_OPENERS:
        cut += 1
    name_tokens = tokens[cut:]
    if name_tokens and name_tokens[0] in _NAME_CONNECT:
        # "President of Ukraine Petro Poroshenko": the of-phrase belongs to the title.
        keep = 3 if len(name_tokens) > 3 and name_tokens[-2].endswith(".") else 2
        cut += len(name_tokens) - keep
        name_tokens = name_tokens[-keep:]
    if not name_tokens or name_tokens[0] in _NAME_CONNECT:
        return None, None
    if all(tok in _DATES or tok[:1].isdigit() for tok in name_tokens):
        return None, None
    name = _POSSESSIVE.sub("", " ".join(name_tokens))
    title = (phrase[: run.start()] + " ".join(tokens[:cut])).strip()
    return name, (_strip_det(title) or None)


def _appositive_words(phrase: str) -> list[str]:
    """Head words of an appositive ("press secretary" of "press secretary of the president
    said ..."): up to a preposition, a verb or a clause word."""
    out: list[str] = []
    for word in _core(phrase).lower().split():
        if word in _APPOSITIVE_STOP or word in cues.ALL_VERBS:
            break
        out.append(word)
    return out


def _title_before(text: str, pos: int) -> list[str]:
    """Role words written right before a name ("Kremlin spokesman" in "... spokesman Peskov")."""
    words = text[max(0, pos - 60) : pos].split()
    if words and words[-1].endswith(",") and words[-1].rstrip(",").lower() in cues.ROLES:
        words[-1] = words[-1].rstrip(",")  # "his French counterpart, Emmanuel Macron"
    out: list[str] = []
    for word in reversed(words):
        low = word.lower().strip(",.’'")
        if not (low in cues.ROLES or low in cues.MODIFIERS or low in cues.TITLES) or word[-1] in ",.":
            break
        if low not in ("the", "a", "an"):
            out.append(low)
    return out


@lru_cache(maxsize=8192)
def is_org(name: str) -> bool:
    """Whether a name looks like an institution rather than a person."""
    words = name.lower().split()
    return bool(words) and (words[-1] in _ORG_HEADS or name.isupper() or len(words) > 4)


class Resolver:
    """Resolves sources within one article; see the module docstring."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._fullest: dict[str, str] = {}  # name as written -> fullest form (cache)
        self._orgs: list[str] = []  # institution names, in order seen
        self._descs: list[str] = []  # descriptions used as sources ("Russian foreign ministry")
        # (position, head words of its titles, all title words, name)
        self._titled: list[tuple[int, frozenset[str], frozenset[str], str]] = []
        self._scanned = False
        self._last_person: str | None = None
        self._last_group: str | None = None
        self._last: str | None = None

    def _scan(self) -> None:
        """Collect names with their titles and appositives from the whole article, once, the
        first time a description needs them (most articles never do)."""
        if self._scanned:
            return
        self._scanned = True
        text = self._text
        for m in _NAME_RUN.finditer(text):
            phrase = m.group()
            if not self._worth_scanning(text, m.start(), m.end(), phrase):
                continue
            name, title = _split_name(phrase)
            if name is None or name.count(" ") > 4:
                continue  # a title-case headline, not a name
            title_words = _title_before(text, m.start())  # nearest first: its head is [0]
            heads = title_words[:1]
            if title:
                words = title.lower().replace(".", "").split()
                title_words += words
                heads += words[-1:]
            app = _APPOSITIVE.match(text, m.end())
            if app:
                words = _appositive_words(app.group(1))
                title_words += words
                heads += words[-1:]
            if is_org(name):
                self._orgs.append(name)
            if title_words:
                self._titled.append((m.start(), frozenset(heads), frozenset(title_words), name))

    @staticmethod
    def _worth_scanning(text: str, start: int, end: int, phrase: str) -> bool:
        """Whether a name can tell a description anything: an institution, or a titled name
        ("Kremlin spokesman Peskov", "President Putin", "Peskov, the spokesman")."""
        if text.startswith(", ", end) and _APPOSITIVE.match(text, end):
            return True
        if phrase[phrase.rfind(" ") + 1 :].lower() in _ORG_HEADS:
            return True
        if " " in phrase and any(w.lower() in cues.TITLES for w in phrase.split()[:-1]):
            return True
        space = text.rfind(" ", max(0, start - 30), start - 1)
        before = text[space + 1 : start].strip(" ,").lower()
        return before in cues.ROLES or before in cues.TITLES

    def resolve(self, source: Source, pos: int) -> tuple[str | None, str | None]:
        """(speaker, title) for ``source`` mentioned at ``pos``; remembers it for pronouns."""
        if source.pronoun is not None:
            return self._pronoun(source.pronoun), None
        if source.name is not None:
            name = self.fullest(source.name)
            self._remember(name)
            return name, source.title
        desc = source.description or source.text
        if source.head in cues.CARRIERS and self._last is not None:
            return self._last, desc  # "according to the statement": the last source's statement
        found = self._describe(desc, pos)
        if found is not None:
            self._remember(found)
            return found, desc
        if any(w[:1].isupper() for w in desc.split()):
            self._descs.append(desc)  # "Russian foreign ministry": later "the ministry"
        self._last_group = self._last = desc
        return desc, None

    def fullest(self, name: str) -> str:
        """The fullest form of a name in the article: for a person the most frequent
        multi-word form ending in the same surname, the longer on a tie ("Peskov" -> "Dmitry
        Peskov", not a one-off "Crooked Hillary Clinton"); for an institution the longest
        capitalised form ending in it ("Foreign Ministry" -> "Russian Foreign Ministry")."""
        if name not in self._fullest:
            self._fullest[name] = self._find_fullest(name)
        return self._fullest[name]

    def _find_fullest(self, name: str) -> str:
        words = name.split()
        if not words:
            return name
        org = is_org(name)
        tail = name if org else words[-1]
        counts: dict[str, int] = {}
        text = self._text
        at = text.find(tail)
        while at >= 0:
            end = at + len(tail)
            prefix = _NAME_PREFIX.search(text, max(0, at - 60), at)
            at = text.find(tail, end)
            if prefix is None or (end < len(text) and (text[end].isalnum() or text[end] in "-")):
                continue
            form = text[prefix.start() : end] if org else _split_name(text[prefix.start() : end])[0]
            if form is None or (not org and (len(form.split()) < 2 or is_org(form))):
                continue
            form = _POSSESSIVE.sub("", form)
            counts[form] = counts.get(form, 0) + 1
        best = max(counts, key=lambda f: (counts[f], len(f.split())), default=name)
        return best if len(best.split()) > len(words) else name

    def _describe(self, desc: str, pos: int) -> str | None:
        """The entity a description refers to: the latest named entity whose title has the
        description's head noun and no clashing qualifier ("the Russian spokesman"), else an
        institution with that head ("the ministry" -> "Russian foreign ministry")."""
        core = _core(desc).split()
        words = [w.strip(",.").lower() for w in core]
        if not words:
            return None
        head = words[-1]
        if head.endswith("s") and not head.endswith("ss"):
            return None  # "officials", "sources": a group, not one entity named earlier
        self._scan()
        quals = {w for w in words[:-1] if w not in cues.MODIFIERS}
        quals |= {w.lower() for w in core[:-1] if w[:1].isupper()} - {"the", "a", "an"}
        best: tuple[int, int, str] | None = None
        for tpos, heads, title_words, name in self._titled:
            if tpos > pos:
                continue
            score = 2 * (head in heads) + len(quals & title_words)
            score -= len(quals - title_words) if head in heads else 0
            if score >= 1 and (best is None or (score, tpos) >= best[:2]):
                best = (score, tpos, name)
        if best is not None and (best[0] >= 2 or head in _PERSON_ROLES):
            return self.fullest(best[2])
        for org in reversed(self._descs + self._orgs):
            org_words = org.lower().split()
            if org_words[-1] == head and (not quals or quals & set(org_words)):
                return org
        return None

    def _remember(self, name: str) -> None:
        """The latest source, for pronouns: a person for "he"/"she", a group for "they"/"it"."""
        self._last = name
        if is_org(name):
            self._last_group = name
        elif len(name.split()) == 1 and self.fullest(name) == name:
            self._last_group = self._last_person = name  # "Ricci" or "Moscow": either may follow
        else:
            self._last_person = name

    def _pronoun(self, pronoun: str) -> str | None:
        if pronoun in cues.PERSON_PRONOUNS or pronoun in ("i",):
            return self._last_person
        if pronoun in ("they", "it", "we"):
            return self._last_group
        return None
