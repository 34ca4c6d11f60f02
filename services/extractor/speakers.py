"""Speaker phrases: find a source phrase next to a cue and split it into name and title.

``np_left`` / ``np_right`` find the source phrase before a cue ("Kremlin spokesman Dmitry Peskov
said") or after an inverted one ("said Hans Schellnhuber, the director of ..."), in the masked
frame text of ``attribution`` (quoted words replaced by ``cues.MASK``). Before a cue they step
over auxiliaries, adverbs and time phrases ("Lund on Tuesday said"), appositive chains ("X, 59,
of Y, who ..., said"), a leading adverbial ("In a statement, X said"), a restrictive relative
clause ("officials who reviewed it told"), and accept a plain noun phrase opening its clause
("Experts on North Korea said", "A 2019 study found", "Sixty percent said"). Before a cue
that is often a plural noun ("rules", "questions") only a name or a role counts.

``parse_source("Kremlin spokesman Dmitry Peskov")`` gives name "Dmitry Peskov" and title
"Kremlin spokesman"; "Rep. Ann Fox, the ranking member" gives title "Rep., ranking member";
"a spokesman for the board, Tom Berg" gives Tom Berg; descriptions without a name ("the Russian
foreign ministry", "a spokeswoman for Clinton") keep their words as the description; pronouns
(and possessive "his", "her") are kept as pronouns.

Resolving a source within its article is ``resolver``'s job.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from services.extractor import cues

# A run of capitalised words, allowing initials, inner connectors and possessive endings.
NAME_WORD = (
    r"(?:(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Adm|Maj|Rev|Sens|Reps|Jr|"
    r"Sr|St|Prof|Del|Ft|Mt)\.|[A-Z][\w’'&-]*)"
)
NAME_RUN = re.compile(  # the look-arounds make the engine skip most positions at once
    rf"(?<![\w’'])(?=[A-Z]){NAME_WORD}"
    rf"(?:[ \t]+(?:(?:of|for|on|and|the|de|da|van|von|bin|al|la|le|del)[ \t]+)*{NAME_WORD})*"
)
_PRONOUN_OF = {"his": "he", "her": "she", "their": "they", "its": "it", "our": "we", "my": "i"}
_PAREN = re.compile(r"\s*\([^)]*\)")
POSSESSIVE = re.compile(r"[’']s?$")
_CARRIER_WORDS = "|".join(sorted(cues.CARRIERS))
_CARRIER_OF = re.compile(
    rf"^(?:an?|the|this|that)?\s*(?:[\w-]+\s+){{0,2}}?(?:{_CARRIER_WORDS})\s+(?:of|by|from)\s+(.+)$",
    re.IGNORECASE,
)
_CARRIER_POSS = re.compile(rf"^(.+?)[’']s?\s+(?:[\w-]+\s+){{0,2}}?(?:{_CARRIER_WORDS})\b.*$", re.IGNORECASE)
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


_TOKEN = re.compile(
    r"[A-Z][a-z]{0,4}\.(?=\s+[A-Z]|,)|(?:[A-Za-z]\.){2,}|[\w#][\w’'&#-]*(?:[/.](?=\w)[\w’'&#-]*)*|[^\w\s]"
)
_TIME = re.compile(
    r"\s*(?:,\s*)?(?:(?:on|last|this|early|late|earlier|later)\s+)?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|"
    r"earlier|later|recently|previously|again|also|once|repeatedly|publicly|privately|"
    r"week|weekend|month|year)(?:\s+(?:morning|afternoon|evening|night))?(?![\w’'])"
)
_MANNER = re.compile(
    r"\s*(?:,\s*)?(?:(?:in|during|at|on|via|through|over|after|before|with)\s+"
    r"|to\s+(?=(?:an?|the|his|her|their|its|reporters|journalists)\b))"
    r"(?:(?:an?|the|his|her|their|its|a\s+recent|one|several)\s+)?(?:[\w’'.-]+\s+){0,5}?"
    r"(?:statement|interview|conference|briefing|rally|post|tweet|tweets|email|e-mail|letter|"
    r"call|appearance|speech|address|remarks|hearing|broadcast|meeting|session|event|"
    r"Twitter|Facebook|Instagram|television|radio|TV|podcast|op-ed|editorial|column|book|"
    r"website|site|blog|page|account|channel|network|newsletter|video|documentary|"
    r"release|report|filing|court|program|show|reporters|journalists)(?![\w’'])"
    r"(?:\s+(?:with|to|on|at|in)\s+(?:[A-Z][\w’'.&-]*\s*)+)?"
)
# An adverb between subject and verb ("Anderson largely agreed"); not a noun in -ly.
_ADVERB = re.compile(
    r"(?!(?:family|ally|rally|supply|assembly|monopoly|anomaly|daily|weekly|bully)$)[a-z]{2,}ly"
)
_TIME_WORDS = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday week weekend month year morning "
    "afternoon evening night today yesterday tonight January February March April May June July "
    "August September October November December".split()
)
_TIME_LEFT = re.compile(
    r"\s+(?:(?:on|last|this|next|earlier|later|early|late)\s+)?(?:(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)|week|weekend|month|year|morning|afternoon|evening|night|"
    r"today|yesterday|tonight)(?:\s+(?:morning|afternoon|evening|night))?$"
    r"|\s+in\s+(?:\d{4}|January|February|March|April|May|June|July|August|September|October|"
    r"November|December)$"
)
_ABOUT = re.compile(r"\s*(?:of|about|to)\s+(?:the\s+)?(?:[A-Z][\w’'.&-]*\s*)+(?=,)")


# --- finding source phrases --------------------------------------------------------------------


def _is_name_tok(tok: str) -> bool:
    return (
        (tok[:1].isupper() or tok[:1].isdigit())
        and tok not in cues.NOT_NAMES
        and cues.MASK not in tok
        and tok.split("-")[0].lower() not in cues.NUMBER_WORDS
    )


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


def _tokens_before(masked: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The tokens of ``masked[max(lo, hi - 200):hi]``, cut from one tokenization of their
    paragraph, made as far as the cues of the paragraph need it."""
    line = _paragraph_tokens(masked, masked.rfind("\n", 0, lo) + 1)
    line.extend_to(masked, hi)
    ends = line.ends
    first = max(lo, hi - 200)
    a = bisect.bisect_left(ends, first + 1)
    while a < len(ends) and line.toks[a][0] < first:
        a += 1
    b = bisect.bisect_right(ends, hi)
    toks = line.toks[a:b]
    if b < len(ends) and line.toks[b][0] < hi:  # a token cut by ``hi`` ("Korea" of "Korea's")
        toks.append((line.toks[b][0], hi, masked[line.toks[b][0] : hi]))
    return toks


class _Tokens:
    """The tokens of a paragraph from a start to ``done`` (extended on demand)."""

    __slots__ = ("done", "ends", "stop", "toks")

    def __init__(self, start: int, stop: int) -> None:
        self.toks: list[tuple[int, int, str]] = []
        self.ends: list[int] = []
        self.done = start
        self.stop = stop

    def extend_to(self, masked: str, hi: int) -> None:
        while self.done <= hi and self.done < self.stop:
            end = min(self.stop, max(hi + 64, self.done + 256))
            new = _tokens(masked, self.done, end)
            while end < self.stop and len(new) < 3:  # a long token (a masked quotation)
                end = min(self.stop, 2 * end - self.done)
                new = _tokens(masked, self.done, end)
            if end < self.stop:
                del new[-2:]  # the last two may change with text past ``end``: made again
            if not new:
                self.done = self.stop
                break
            self.toks += new
            self.ends += [t[1] for t in new]
            self.done = new[-1][1]


@lru_cache(maxsize=64)  # keyed by the article text and a paragraph start; str hashes are cached
def _paragraph_tokens(masked: str, start: int) -> _Tokens:
    end = masked.find("\n", start)
    return _Tokens(start, len(masked) if end < 0 else end)


def np_left(masked: str, lo: int, hi: int, loose: bool = True) -> tuple[int, int] | None:
    """The source phrase ending at ``hi`` (after auxiliaries such as "has also"), or None.

    Accepts names, titles, role nouns and their modifiers, a parenthesis such as "(R-Ind.)",
    "of"-phrases after a role ("secretary of the Russian president") and appositives
    ("Dmitry Peskov, the press secretary, said"; "Schiff, 56, who ..., said"). Without
    ``loose`` only a phrase headed by a name or a role counts (before a cue that is often a
    noun: "the climate rules", "took questions").
    """
    toks = _tokens_before(masked, lo, hi)
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
        k = i - 1 if toks[i - 1][2] != "," else i - 2
        found = np_left(masked, lo, toks[k][1]) if k >= 0 else None
        return (found[0], end) if found else None
    first = _walk_np(toks, i)
    if (
        not loose
        and (first is None or toks[i][2][:1].isdigit())
        and toks[i][2].lower() not in cues.SOURCE_NOUNS
    ):
        return None
    if first is None:
        first = _bare_np(toks, i)
    if first is None:
        first = _clause_subject(toks, i, toks[0][0] == lo if toks else False)
    if first is None:
        return _relative_subject(masked, lo, toks, i)
    # "Dmitry Peskov, the press secretary of the president said": step over the comma to the name.
    if (
        first > 1
        and toks[first - 1][2] == ","
        and toks[first][2].lower() in ("the", "a", "an")
        and role_core(masked[toks[first][0] : end]).split()[-1].lower() in cues.ROLES
    ):
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
            best = j  # "The harbor board": kept even when "The" is not part of the phrase
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


def _relative_subject(
    masked: str, lo: int, toks: list[tuple[int, int, str]], i: int
) -> tuple[int, int] | None:
    """ "Surety companies that had insured the mines agreed", "sources who reviewed them told":
    the noun phrase before a restrictive relative clause is the subject."""
    for r in range(i - 1, max(0, i - 12), -1):
        tok = toks[r][2]
        if tok in (",", ";", ":", "—", "(", ")"):
            return None
        if tok.lower() in ("who", "that") and r > 0:
            found = np_left(masked, lo, toks[r - 1][1])
            return (found[0], toks[i][1]) if found else None
    return None


def _clause_subject(toks: list[tuple[int, int, str]], i: int, at_start: bool) -> int | None:
    """ "Experts on North Korea said", "A 2008 ad questioned", "..., two speechwriters urged":
    a short phrase from a clause boundary to the cue, opening with a name, a determiner or a
    number and holding no clause word, is the subject even when its head is not a known role."""
    j = i
    while j > 0 and i - j < 12 and not _clause_boundary(toks[j - 1][2]):
        j -= 1
    if j == 0 and not at_start:
        return None  # the window starts inside the clause: the phrase may be longer
    words = [t[2] for t in toks[j : i + 1]]
    if len(words) == 1 and words[0].lower() in _QUANTIFIERS:
        return j  # "To varying degrees, all agreed that ..."
    if not words or len(words) > 12 or words[-1].lower() in cues.FUNCTION_WORDS - _OBJECT_PRONOUNS:
        return None
    # The head comes before any prepositional phrase ("experts on North Korea").
    cut = next((k for k in range(1, len(words)) if words[k].lower() in _MIDDLE_WORDS), len(words))
    while cut > 1 and words[cut - 1].lower().endswith(("ed", "ing")):
        cut -= 1  # "many people involved in the talks"
    head = words[cut - 1]
    low_head = head.lower()
    role = low_head in cues.ROLES
    speaks = _is_name_tok(head) or role or low_head in cues.SOURCE_NOUNS or low_head in _SUBJECT_OPENERS
    if not speaks and not _noun_like(head):
        return None  # the head must be able to speak: a name, a role, a text or a plural
    first = words[0]
    opens = first.lower() in _SUBJECT_OPENERS or first[:1].isdigit() or _is_name_tok(first)
    if not opens and not (role and first.islower() and len(words) > 1):
        return None  # "elected officials from both parties say": a role needs no determiner
    for k, word in enumerate(words):
        low = word.lower()
        if low in _OBJECT_PRONOUNS and k and words[k - 1].lower() in _MIDDLE_WORDS:
            continue  # "those close to him"
        if low in cues.CLAUSE_WORDS or low in cues.PRONOUNS or low in cues.AUX or low in cues.RELATIVES:
            return None
        if k and low in cues.ALL_VERBS and not word[:1].isupper():
            return None  # "The group says X said": a cue verb inside is a clause of its own
        if low.endswith("ing") and not word[:1].isupper():
            return None  # "X began taking calls": a verb phrase
        if low.endswith("ed") and k + 1 < len(words) and words[k + 1].lower() in _SUBJECT_OPENERS:
            return None  # "the campaign released an ad showing": a finite verb and its object
        if low.split("’")[0].split("'")[0] in cues.PRONOUNS:
            return None  # "It's worth noting"
        if not (
            _np_word(word)
            or low in _MIDDLE_WORDS
            or _noun_like(word)
            or word[:1].isdigit()
            or low in _SUBJECT_OPENERS
            or word in "%$"
            or ((k > 1 or role) and low.endswith("ed"))
        ):
            return None  # a finite verb or a clause word: not a noun phrase
    return j


# Words that end a clause leftwards: the subject of a cue starts after them.
_BOUNDARY_WORDS = frozenset(
    "that when while because if after before since although though so where whereas until unless "
    "once but as".split()
)
_QUANTIFIERS = frozenset("all both many some most others several few none".split())
_OBJECT_PRONOUNS = frozenset("him her them us me it".split())
_MIDDLE_WORDS = cues.CONNECTORS | cues.PREPOSITIONS | {"around", "across", "close", "near"}
_SUBJECT_OPENERS = (
    frozenset(
        "the a an this these those some many most all both each several few his her their its our "
        "other another every no none half".split()
    )
    | cues.NUMBER_WORDS
)


def _clause_boundary(tok: str) -> bool:
    return tok in (",", ";", ":", "—", "–", "(", ")", "“", "”", '"', "-") or tok in _BOUNDARY_WORDS


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
    for _ in range(6):
        seg_start = comma - 1
        while seg_start >= 0 and toks[seg_start][2] not in (",", ";", ":", "“", "”", '"', "—"):
            seg_start -= 1
        first = seg_start + 1
        at_start = seg_start < 0
        adverbial = first < comma and toks[first][2].lower() in cues.PREPOSITIONS
        if adverbial and (at_start or subject is not None):
            break  # "In a statement, X, the ..., said": an adverbial opens the sentence
        while first < comma and toks[first][2] in cues.NOT_NAMES:
            first += 1  # "But Megan Hester, ..., said"
        seg = [t[2] for t in toks[first:comma]]
        if not seg:
            break
        if adverbial:
            pass  # "X, at a briefing, said": a parenthetical adverbial inside the chain
        elif _looks_np(seg, loose=at_start):
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
    if j < len(toks) and toks[j][2] == "(":  # "said Rep. Ann Fox (D-Ore.), the ..."
        close = next((k for k in range(j + 1, min(len(toks), j + 9)) if toks[k][2] == ")"), None)
        if close is not None:
            j = close + 1
            stop = toks[close][1]
    # An appositive description after the name runs to the next comma or the sentence end.
    if appositive and j < len(toks) and toks[j][2] == ",":
        k = j + 1
        while k < len(toks) and toks[k][2] not in _SEGMENT_END:
            k += 1
        nxt = toks[j + 1][2] if j + 1 < len(toks) else ""
        described = toks[j - 1][2].islower() and all(_is_name_tok(t[2]) for t in toks[j + 1 : k])
        role = k > j + 1 and role_core(masked[toks[j + 1][0] : toks[k - 1][1]]).split()[-1] in cues.ROLES
        if k > j + 1 and (nxt.lower() in cues.APPOSITIVE_OPENERS or nxt.islower() or described or role):
            stop = toks[k - 1][1]  # "..., the director of X" or "the deputy governor, Tobias Wren"
            stop = _relative_after(toks, k, stop)
    return (toks[0][0], stop)


_SEGMENT_END = frozenset((",", ";", "—", "“", '"', ".", "?", "!"))


def _relative_after(toks: list[tuple[int, int, str]], k: int, stop: int) -> int:
    """End of a relative clause that follows an appositive ("..., a lawyer in Virginia, who
    introduced him to ..."): it describes the speaker too."""
    if k + 1 < len(toks) and toks[k][2] == "," and toks[k + 1][2].lower() in ("who", "whose"):
        end = k + 2
        while end < len(toks) and toks[end][2] not in _SEGMENT_END:
            end += 1
        return toks[end - 1][1]
    return stop


def skip_adverbials(masked: str, pos: int, end: int) -> int:
    while True:
        m = _TIME.match(masked, pos, end) or _MANNER.match(masked, pos, end) or _ABOUT.match(masked, pos, end)
        if not m or m.end() == pos:
            return pos
        pos = m.end()


def strip_aux_left(masked: str, lo: int, hi: int) -> int:
    """Position after the last word before ``hi`` that is not an auxiliary, an adverb or a
    time phrase ("Trump this week said", "Sanders on Tuesday said"). Words are read backwards
    by hand: the few before a cue are all this needs."""
    end = hi
    while True:
        word = _last_word(masked, lo, end)
        while word is not None and (
            masked[word[0] : word[1]] in cues.AUX or _ADVERB.fullmatch(masked, *word)
        ):
            word = _last_word(masked, lo, word[0])
        if word is None:
            return lo
        text = masked[word[0] : word[1]]
        if text not in _TIME_WORDS and not text.isdigit():
            return word[1]
        when = _TIME_LEFT.search(masked, max(lo, word[1] - 40), word[1])
        if when is None or when.start() <= lo:
            return word[1]
        end = when.start()


def _last_word(masked: str, lo: int, end: int) -> tuple[int, int] | None:
    """The span of the last whitespace-separated word of ``masked[lo:end]``, or None."""
    while end > lo and masked[end - 1].isspace():
        end -= 1
    start = end
    while start > lo and not masked[start - 1].isspace():
        start -= 1
    return (start, end) if start < end else None


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
        words = role_core(self.description).lower().split()
        return words[-1] if words else None


def role_core(description: str) -> str:
    """A description without its prepositional tail ("press secretary of X" -> "press
    secretary"), when a lower-case role word comes before the preposition."""
    m = _ROLE_PP.search(description)
    return description[: m.start()] if m else description


@lru_cache(maxsize=4096)  # pure; sources recur within and across articles
def parse_source(text: str) -> Source:
    """Split a speaker noun phrase into name/title, description or pronoun (see ``Source``)."""
    text = _PAREN.sub("", text).strip(' ,;:.—–-"“”')
    low = text.lower()
    low = _PRONOUN_OF.get(low, low)  # "his claim that ...": the possessor is "he"
    if low in cues.PRONOUNS:
        return Source(text, pronoun=low)
    carried = _carrier_author(text)
    if carried is not None:
        return parse_source(carried)
    main, _, appositive = text.partition(", ")
    name, title = _name_of(main)
    if name is None:
        first, _, rest = appositive.partition(", ")
        named = split_name(first) if first[:1].isupper() else (None, None)
        if named[0] is not None:  # "the press secretary, Dmitry Peskov(, who ...)"
            title = ", ".join(t for t in (strip_det(main) or named[1], rest) if t)
            return Source(text, name=named[0], title=title or None)
        return Source(text, description=strip_det(main) or None)
    if appositive and _describes(appositive):
        described = strip_det(appositive.rstrip(", "))  # "Rep. Ann Fox, the ranking member"
        title = f"{title}, {described}" if title and described else described or title
    return Source(text, name=name, title=title)


def _name_of(phrase: str) -> tuple[str | None, str | None]:
    """(name, title) of a phrase, or (None, None) for a description, including a role with a
    named complement ("a spokeswoman for Hillary Clinton" is not Hillary Clinton)."""
    core = role_core(phrase)
    last = core.split()[-1] if core.split() else ""
    if (
        core != phrase
        and last.lower() in cues.ROLES
        and (last.islower() or last.lower() not in cues.ORG_HEADS)
    ):
        return None, None
    return split_name(phrase)


def _describes(appositive: str) -> bool:
    """Whether an appositive is a description ("the press secretary", "a Clinton surrogate")."""
    words = appositive.split()
    return bool(words) and (
        words[0].lower() in ("the", "a", "an", "his", "her", "its", "their")
        or words[0].islower()
        or role_core(appositive).split()[-1].lower() in cues.ROLES
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


def _is_title(tok: str) -> bool:
    low = tok.lower()
    return low in cues.TITLES or low.rstrip(".") in cues.TITLES or tok in _SENTENCE_OPENERS


def strip_det(text: str) -> str:
    return _LEADING_DET.sub("", text.strip()).strip()


@lru_cache(maxsize=8192)  # pure; names recur within and across articles
def split_name(phrase: str) -> tuple[str | None, str | None]:
    """(name, title) when ``phrase`` ends in a proper name; (None, None) for a description."""
    words = phrase.split()
    if not words:
        return None, None
    last = words[-1]
    if not last[:1].isupper() and not last[:1].isdigit():
        return None, None  # the head is a common noun: a description
    runs = list(NAME_RUN.finditer(phrase))
    if not runs:
        return None, None
    run = runs[-1]
    tokens = run.group().split()
    cut = 0
    for i, tok in enumerate(tokens):
        # A title word ends the title unless it is the surname after a given name ("Charlie King").
        if _is_title(tok) and (i < len(tokens) - 1 or i == cut or _is_title(tokens[i - 1])):
            cut = i + 1
    while cut < len(tokens) and (tokens[cut] in _SENTENCE_OPENERS or tokens[cut] in cues.NOT_NAMES):
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
    name = POSSESSIVE.sub("", " ".join(name_tokens))
    title = (phrase[: run.start()] + " ".join(tokens[:cut])).strip()
    return name, (strip_det(title) or None)
