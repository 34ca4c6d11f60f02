"""Who said what inside a sentence: quotations, cue verbs, source phrases and content spans.

All offsets are character offsets into the article text. Functions that read the attribution
frame work on a *masked* copy of the text (``mask_quotes``) in which quoted words are replaced by
``#`` so that a cue verb or a name inside a quotation is never taken for the frame around it.

- ``find_quotes`` pairs quotation marks paragraph by paragraph: curly marks by shape, straight
  marks by what surrounds them, nested quotes inside the outer one. A paragraph that ends inside
  a quotation, followed by a paragraph that opens with a quotation mark, continues the same
  quotation (``Quote.chain``). Single quotes count only as British-style quotations (three words
  or more ending in punctuation: ``'We will go,' he said``), never as scare quotes.
- ``lead_frame`` / ``tail_frame`` read the attribution before a quotation (``X said: "``) and
  after it (``," X said`` / ``," said X``).
- ``reported_frames`` finds reported speech around cue verbs (``X said (that) ...``,
  ``..., X said``, ``according to X, ...``, ``X told Y ...``, ``X urged Y to ...``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.extractor import cues

MASK = "#"


@dataclass(frozen=True, slots=True)
class Quote:
    """A top-level quotation: content ``[start, end)``, marks included ``[open, close)``;
    ``closed`` False when it runs to the end of its paragraph (then ``close == end``);
    quotations of one multi-paragraph quote share ``chain``."""

    start: int
    end: int
    closed: bool
    chain: int
    open: int
    close: int


@dataclass(frozen=True, slots=True)
class Frame:
    """An attribution: the source phrase span (None when implicit), the cue span, and content
    spans (several when a split quotation or a parenthetical cue interrupts the content)."""

    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: tuple[tuple[int, int], ...] = ()
    cue_class: str = "say"


# --- quotations -------------------------------------------------------------------------------

_DOUBLE = re.compile(r"''|[\"“”]")  # '' is a double quote in some archives
_SINGLE = re.compile(r"(?<![\w’'])[‘'](?=[A-Za-z0-9])([^\n‘'\"“”]*?[^\s][,.?!])[’'](?![\w’'])")
_PARA = re.compile(r"[^\n]+")
_OPENERS_BEFORE = frozenset(" \t([{—–-/:;")


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations of ``text`` in order; see the module docstring."""
    quotes: list[Quote] = []
    chain = -1
    carry = False  # the previous paragraph ended inside a quotation
    for para in _PARA.finditer(text):
        ps, pe = para.start(), para.end()
        spans = _double_quotes(text, ps, pe)
        spans += _single_quotes(text, ps, pe, spans)
        spans.sort()
        for i, (qo, qs, qe, qc) in enumerate(spans):
            continues = carry and i == 0 and qo == _first_char(text, ps, pe)
            if not continues:
                chain += 1
            quotes.append(Quote(qs, qe, qc > qe, chain, qo, qc))
        carry = bool(spans) and spans[-1][3] == spans[-1][2]
    return quotes


def _first_char(text: str, ps: int, pe: int) -> int:
    i = ps
    while i < pe and text[i].isspace():
        i += 1
    return i


def _opens(text: str, i: int, j: int, ps: int, pe: int, depth: int) -> bool:
    """Whether the double quotation mark ``text[i:j]`` opens a quotation (``depth`` open)."""
    mark = text[i]
    before = text[i - 1] if i > ps else " "
    after = text[j] if j < pe else " "
    if mark == "“":
        return True
    if mark == "”":  # a closing shape used as an opener at the start of a paragraph
        return depth == 0 and i == _first_char(text, ps, pe) and after.isalnum()
    return before in _OPENERS_BEFORE and not after.isspace()


def _double_quotes(text: str, ps: int, pe: int) -> list[tuple[int, int, int, int]]:
    """(open mark, content start, content end, after close mark) of top-level quotations."""
    out: list[tuple[int, int, int, int]] = []
    depth = 0
    opened = start = ps
    for m in _DOUBLE.finditer(text, ps, pe):
        i = m.start()
        if _opens(text, i, m.end(), ps, pe, depth):
            if depth == 0:
                opened, start = i, m.end()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                out.append((opened, start, i, m.end()))
    if depth > 0:
        end = pe
        while end > start and text[end - 1].isspace():
            end -= 1
        out.append((opened, start, end, end))
    return out


def _single_quotes(
    text: str, ps: int, pe: int, doubles: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    out: list[tuple[int, int, int, int]] = []
    for m in _SINGLE.finditer(text, ps, pe):
        qs, qe = m.span(1)
        if len(m.group(1).split()) < 3:
            continue
        if any(do <= qs and qe <= dc for do, _, _, dc in doubles):
            continue
        out.append((m.start(), qs, qe, m.end()))
    return out


def mask_quotes(text: str, quotes: Sequence[Quote]) -> str:
    """``text`` with each quotation's content replaced by ``MASK`` (same length, marks kept)."""
    parts: list[str] = []
    pos = 0
    for q in quotes:
        parts.append(text[pos : q.start])
        parts.append(MASK * (q.end - q.start))
        pos = q.end
    parts.append(text[pos:])
    return "".join(parts)


# --- vocabulary compiled once -------------------------------------------------------------------


def _alternation(words: frozenset[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(w.replace("_", r"\s+") for w in ordered)


_CAP_CUES = "Says|Said|Tells|Told|Warns|Urges|Accuses|Denies|Claims|Slams|Blasts"
_CUE = re.compile(
    r"(?<![\w’'#-])(?:(?P<acc>[Aa]ccording\s+to)|(?P<quoted>quot(?:ed|es|ing))|"
    rf"(?P<verb>{_alternation(cues.ALL_VERBS)}|{_CAP_CUES}))(?![\w’'#-])"
)
_INTRO = re.compile(
    r"(?<![\w’'#-])(?:continued|continues|went\s+on|added|adds|wrote|writes|tweeted|explained|"
    r"asked|asks|replied|responded|recalled|stated|declared|said|says|told\s+\w+|noted|concluded|"
    r"posted|reads?|read:)(?![\w’'#-])"
)
# Tokens: abbreviations keep their period ("Gov.", "U.S."), a sentence-final period does not.
_TOKEN = re.compile(
    r"[A-Z][a-z]{0,4}\.(?=\s+[A-Z])|(?:[A-Za-z]\.){2,}|[\w#](?:[\w’'&#-]|\.(?=\w))*|[^\w\s]"
)
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
_THAT = re.compile(r"\s*(?:that|:)(?![\w’'])\s*,?")
_THAT_AHEAD = re.compile(r"\b(?:that)\b")
_ADDRESSEE = re.compile(
    r"\s*(?:(?:the|a|an|his|her|their|its)\s+)?(?:(?:[A-Z][\w’'.&-]*|[a-z]+[’']s?)\s+){0,5}?"
    r"(?:[A-Z][\w’'.&-]*(?:[’']s)?|%s)(?![\w’'])" % "|".join(sorted(cues.ADDRESSEES | cues.ROLES))
)
_AS_SAYING = re.compile(r"\s*(?:as\s+)?(?:saying|telling|stating|writing)(?![\w’'])")
_PARTICIPLE = re.compile(r"\s*\w+ing(?![\w’'])")
_PASSIVE = re.compile(
    r"(?<![\w’'])(?:[Ii]t|[Tt]his)\s+(?:was|is|has\s+been|had\s+been)\s+(?:also\s+)?"
    r"(?P<verb>reported|confirmed|announced|said|stated|claimed|alleged|disclosed|revealed|"
    r"noted|estimated|believed|thought|expected|feared|understood|known)"
    r"(?:\s+(?:by|in)\s+(?:the\s+)?(?P<agent>[^,]{2,60}?))?\s+that(?![\w’'])"
)
_DASH_SOURCE = re.compile(r"\s*[―—–-]{1,2}\s*")
_COORDINATED_VERB = re.compile(r"(?:,\s*|\s)(?:and|but)\s*$")
_INFINITIVE = re.compile(r"to\s+\w+")
_COORDINATED = re.compile(
    r"(?:[,;]\s*(?:and\s+|but\s+)?|\s(?:and|but)\s+)(?!(?:who|which|that|as|what)\b)(?:\w+\s+){0,3}$"
)
_COMMA = re.compile(r"\s*,?\s*")
_APPOSITIVE_SEG = re.compile(
    r"\s*,\s*(?:the|a|an|his|her|its|their)\s+[^,#“”\"]{2,80}?(\s*),\s*"
)
_FIRST_WORD = re.compile(r"\s*([\w’'-]+)")
_FINITE = re.compile(r"(?:\s+[\w’'-]+){0,3}?\s+(?:would|will|is|was|could|can|should|has|may|might)\b")
_NOT_STATING = frozenset(
    "member swing battleground united southern northern western eastern red blue key border "
    "gulf baltic island arab african asian european nuclear other".split()
)
_APPOSITIVE_OPENERS = frozenset("the a an who who’s who's his her its their".split())
_ADJUNCT_WORDS = frozenset(
    "without with in on at after before during despite while as because although though when "
    "since following amid according citing referring and but or to from by for".split()
)
_LABEL = re.compile(r"\s*([A-Z][A-Za-z.’'-]+(?:\s+[A-Z][A-Za-z.’'-]+){0,3})\s*:\s+")

_CAP_STOP = frozenset(
    "But And Or So Yet However Still Also Then Now Meanwhile Instead Thus Indeed Moreover "
    "Separately Previously Finally First Second Last When While If As After Before Because "
    "Although Though Since Asked Speaking In On At For With By From Under Over During Despite "
    "Earlier Later Yesterday Today Tonight Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday That This These Those There Here It He She They We I You Why How What Where Who "
    "Unfortunately Obviously Clearly Similarly Likewise Again Nevertheless Nonetheless Even "
    "Only Just Not No Yes Perhaps Maybe Still Already Commenting Calling Asked Responding His Her "
    "Their Its Our My Your January February March April June July August September October "
    "November December Sept".split()
)
_CONNECT = frozenset("of for on at and the de in to from with".split())
_RELATIVE = frozenset("who which whose where whom".split())
_FUNCTION_WORDS = frozenset(
    "a an the and or but if then than that this these those there here which who whom whose "
    "what when where why how not no nor so as at by for from in into of off on onto out over "
    "to up upon with within without about above after against along among around before "
    "behind below beneath beside between beyond during except inside near since through "
    "toward towards under until via is was are were be been being am has have had do does "
    "did will would shall should can could may might must also just only even still very "
    "too more most less least much many some any all each every both either neither other "
    "another such own same than too it its he she they we i you his her their our my your "
    "him them us me one".split()
)
_CLAUSE_WORDS = frozenset(
    "is was are were be been has have had will would can could should that than because if "
    "when while said says told not".split()
)


def _words(text: str) -> int:
    return len(text.split())


def _masked_share(masked: str, start: int, end: int) -> float:
    return masked.count(MASK, start, end) / max(1, end - start)


# --- source phrases ------------------------------------------------------------------------------


def _is_name_tok(tok: str) -> bool:
    return (tok[:1].isupper() or tok[:1].isdigit()) and tok not in _CAP_STOP and MASK not in tok


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
        and low not in _FUNCTION_WORDS
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
    toks = _tokens(masked, max(lo, hi - 300), hi)
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
    if toks[i][2].lower() in _RELATIVE | {"that"} and i > 0:
        k = i - 1 if toks[i - 1][2] != "," else i - 2  # "a letter ... that says", "X, who said"
        found = np_left(masked, lo, toks[k][1]) if k >= 0 else None
        return (found[0], end) if found else None
    j = _walk_np(toks, i)
    if j is None:
        j = _bare_np(toks, i)
    if j is None:
        return None
    # "Dmitry Peskov, the press secretary of the president said": step over the comma to the name.
    if j > 1 and toks[j - 1][2] == "," and toks[j][2].lower() in ("the", "a", "an"):
        k = _walk_np(toks, j - 2)
        if k is not None and _is_name_tok(toks[j - 2][2]) and _segment_start(toks, k):
            j = k
    return (toks[j][0], end)


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
        if low in _CONNECT and j > 1 and low != "the":
            left = toks[j - 2][2]
            if low == "and" and not (_is_name_tok(left) and _is_name_tok(toks[j][2])):
                break
            if low != "and" and not (left.lower() in cues.ROLES or _is_name_tok(left)):
                break
            j -= 1
            continue
        if _np_word(tok) and tok not in _CAP_STOP:
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
    while best < i and toks[best][2].lower() in _CONNECT - {"the"}:
        best += 1
    return best


def _bare_np(toks: list[tuple[int, int, str]], i: int) -> int | None:
    """"The clip says": a determiner and up to three nouns opening a clause."""
    j = i
    while j >= 0 and i - j < 3 and _noun_like(toks[j][2]):
        j -= 1
    if j < 0 or j == i or toks[j][2].lower() not in ("the", "a", "an", "this", "that", "these"):
        return None
    return j if _segment_start(toks, j) else None


def _segment_start(toks: list[tuple[int, int, str]], j: int) -> bool:
    """Whether token ``j`` opens a clause (sentence start, after a comma, colon or quote)."""
    return j == 0 or toks[j - 1][2] in (",", ":", ";", "—", "–", "(", "“", "”", '"')


def _appositive_chain(toks: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
    """"Name, appositive(, relative clause), said": the phrase from the name to the last comma.

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
        while first < comma and toks[first][2] in _CAP_STOP:
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
        first in _RELATIVE
        or first in ("a", "an", "the", "who’s", "who's", "however", "too", "though")
        or seg[0][:1].isdigit()
        or first in ("democrat", "republican", "independent")
        or not seg[0][:1].isupper()
    )


def _looks_np(seg: list[str], loose: bool = False) -> bool:
    """A noun-phrase test for a comma segment: short, opens with a name or determiner, has a
    head (``loose``: any last word, for a segment opening the sentence), no clause words."""
    if not seg or len(seg) > 9 or any(w.lower() in _CLAUSE_WORDS for w in seg):
        return False
    if seg[0] in _CAP_STOP or not (_np_word(seg[0]) or seg[0].lower() in ("the", "a", "an")):
        return False
    if seg[0].lower() in ("the", "a", "an") and not loose and not _has_head(seg):
        return False
    return loose or _has_head(seg) or _is_name_tok(seg[-1])


def np_right(masked: str, pos: int, end: int, appositive: bool = True) -> tuple[int, int] | None:
    """The source phrase right after an inverted cue (``," said Hans Schellnhuber, the ...``);
    with ``appositive`` a description after a comma ("..., the director of ...") is included."""
    pos = _skip_adverbials(masked, pos, end)
    toks = _tokens(masked, pos, min(end, pos + 300))
    j = 0
    while j < len(toks):
        tok = toks[j][2]
        low = tok.lower()
        if low in _CONNECT and low != "the":
            prev = toks[j - 1][2] if j else ""
            if not (prev.lower() in cues.ROLES or _is_name_tok(prev)):
                break
            if j + 1 >= len(toks) or not (_np_word(toks[j + 1][2]) or toks[j + 1][2] == "the"):
                break
        elif not (_np_word(tok) or low == "the"):
            break
        j += 1
    while j and toks[j - 1][2].lower() in _CONNECT:
        j -= 1
    if j == 0 or not _has_head([t[2] for t in toks[:j]]):
        return None
    stop = toks[j - 1][1]
    # An appositive description after the name runs to the next comma or the sentence end.
    if appositive and j < len(toks) and toks[j][2] == ",":
        k = j + 1
        while k < len(toks) and toks[k][2] not in (",", ";", "—", "“", '"'):
            k += 1
        nxt = toks[j + 1][2] if j + 1 < len(toks) else ""
        if k > j + 1 and (nxt.lower() in _APPOSITIVE_OPENERS or nxt.islower()):
            stop = toks[k - 1][1]
    return (toks[0][0], stop)


def _skip_adverbials(masked: str, pos: int, end: int) -> int:
    while True:
        m = (
            _TIME.match(masked, pos, end)
            or _MANNER.match(masked, pos, end)
            or _ABOUT.match(masked, pos, end)
        )
        if not m or m.end() == pos:
            return pos
        pos = m.end()


def _strip_aux_left(masked: str, lo: int, hi: int) -> int:
    """Position after the last token before ``hi`` that is not an auxiliary or adverb."""
    toks = list(_TOKEN.finditer(masked, max(lo, hi - 80), hi))
    i = len(toks) - 1
    while i >= 0 and toks[i].group() in cues.AUX:
        i -= 1
    return toks[i].end() if i >= 0 else lo


# --- frames around quotations ----------------------------------------------------------------


def lead_frame(masked: str, s: int, qopen: int) -> Frame | None:
    """Attribution introducing the quotation that opens at ``qopen`` (``X said: "``), or None.

    The lead must end with the cue (plus addressee, time or manner phrases, "that", a comma or
    a colon). A frame with no source means the lead introduces the quote without naming a
    speaker (``, adding that "``): the speaker comes from the context.
    """
    lead = masked[s:qopen].rstrip()
    if not lead:
        return None
    label = _LABEL.fullmatch(masked, s, qopen)
    if label and label.group(1).lower() not in cues.NOT_SPEAKER_LABELS:
        return Frame(label.span(1), None)
    marked = lead.endswith((":", ","))
    core = lead.rstrip(":,").rstrip()
    cut = s + len(core)
    that = re.search(r"(?<![\w’'])that\s*$", core)
    if that:
        marked = True
        cut = s + that.start()
    cue = None
    for m in _CUE.finditer(masked, max(s, cut - 200), cut):
        cue = m
    if cue is not None:
        return _lead_cue(masked, s, cut, cue, marked)
    intro = None
    for m in _INTRO.finditer(masked, max(s, cut - 60), cut):
        intro = m
    if intro is not None and lead.endswith(":") and not masked[intro.end() : cut].strip():
        return Frame(np_left(masked, s, intro.start()), intro.span())
    if lead.endswith(":") and _words(core) <= 12:
        src = np_left(masked, s, cut)
        if src is not None and src[0] <= s + 1:
            return Frame(src, None)
    return None


def _lead_cue(masked: str, s: int, cut: int, cue: re.Match[str], marked: bool) -> Frame | None:
    if cue.group("acc"):
        src = np_right(masked, cue.end(), cut, appositive=False)
        if src is None or masked[src[1] : cut].strip():
            return None
        return Frame(src, cue.span(), cue_class="according")
    if cue.group("quoted"):
        return None
    rest = masked[_after_cue(masked, cue, cut) : cut]
    if rest.strip() and not (marked and _source_like(masked, (cut - len(rest), cut), 8)):
        return None  # the cue is followed by more clause: the quote is partial
    src = np_left(masked, s, cue.start())
    if src is None:
        return Frame(None, cue.span()) if marked else None
    return Frame(src, cue.span())


def _after_cue(masked: str, cue: re.Match[str], end: int) -> int:
    """Position after a cue's addressee ("told reporters") and time or manner phrases."""
    pos = cue.end()
    if cue.group().lower() in cues.TELL:
        m = _ADDRESSEE.match(masked, pos, end)
        if m:
            pos = m.end()
    return _skip_adverbials(masked, pos, end)


def tail_frame(masked: str, qclose: int, e: int) -> Frame | None:
    """Attribution right after a quotation's closing mark (``," X said`` / ``," said X`` /
    ``" — X``, the epigraph style)."""
    dash = _DASH_SOURCE.match(masked, qclose, e)
    if dash:
        src = np_right(masked, dash.end(), e)
        if src is not None and not masked[src[1] : e].strip(" .,"):
            return Frame(src, None)
    pos = qclose
    m = re.match(r"\s*[,—–-]*\s*", masked[pos:e])
    pos += m.end() if m else 0
    for cue in _CUE.finditer(masked, pos, min(e, pos + 260)):
        if MASK in masked[pos : cue.start()]:
            return None
        before = masked[pos : cue.start()].strip()
        if cue.group("acc"):
            if before:
                return None
            src = np_right(masked, cue.end(), e)
            return Frame(src, cue.span(), cue_class="according") if src else None
        if not before:  # inversion: "said Caddell"
            src = np_right(masked, cue.end(), e)
            return Frame(src, cue.span()) if src else None
        if cue.group("quoted"):
            src = np_right(masked, cue.end(), e)
            return Frame(src, cue.span(), cue_class="quoted") if src else None
        src = np_left(masked, pos, cue.start())
        if src is None or src[0] > pos + 1:
            return None
        return Frame(src, cue.span())
    return None


# --- reported speech ----------------------------------------------------------------------------


def reported_frames(
    masked: str, s: int, e: int, used: dict[int, tuple[int, int] | None]
) -> list[Frame]:
    """Reported-speech frames of the sentence ``[s, e)``. Cues starting in ``used`` (those that
    attribute quotations) are skipped, but their sources count for a following participle.

    The first cue with a valid source claims the rest of the sentence; a later cue inside that
    content splits it only when it is coordinated (", adding that", "and said"), and a trailing
    attribution inside it (", according to X", ", X said") is cut off.
    """
    passive = _PASSIVE.search(masked, s, e)
    if passive:
        body = _trim(masked, passive.end(), e)
        if body and _words(masked[body[0] : body[1]]) >= 3:
            agent = passive.span("agent") if passive.group("agent") else None
            return [Frame(agent, passive.span("verb"), (body,), "passive")]
    frames: list[Frame] = []
    last_source: tuple[int, int] | None = None
    for cue in _CUE.finditer(masked, s, e):
        if cue.start() in used:
            last_source = used[cue.start()] or last_source
            continue
        if frames and frames[-1].content and cue.start() < frames[-1].content[-1][1]:
            split = _inner_cue(masked, e, cue, frames[-1])
            if split is not None:
                frames[-1:] = split
            continue
        if _is_participle(cue) and masked[s : cue.start()].rstrip().endswith(","):
            # ", saying ...": the participle's subject is the clause's (or the sentence's)
            body = _content_after(masked, cue, e)[0]
            src = frames[-1].source if frames else last_source
            src = src or np_right(masked, s, cue.start(), False)
            if body is not None and src is not None and cue.group().lower() in cues.SAY:
                frames.append(Frame(src, cue.span(), (body,)))
            continue
        frame = _frame_at(masked, s, e, cue)
        if frame is not None:
            frames.append(frame)
    return frames


def _is_participle(cue: re.Match[str]) -> bool:
    return cue.group().endswith("ing")


def _inner_cue(masked: str, e: int, cue: re.Match[str], prev: Frame) -> list[Frame] | None:
    """A cue inside ``prev``'s content: a trailing attribution (", X said.") cuts the content;
    a coordinated cue (", adding that ...", "and he said ...") also starts a frame of its own.
    None when the cue is embedded in the content and changes nothing."""
    start = prev.content[-1][0]
    trailing = _trailing_attribution(masked, start, e, cue)
    if trailing is not None:
        cut = _trim(masked, start, trailing)
        if cut is None:
            return None
        if _INFINITIVE.match(masked, cut[0], cut[1]):
            # "X agreed to meet, the Kremlin said": an action, reported by the outer source
            outer = _source_before(masked, trailing + 1, cue)
            if outer is not None:
                return [Frame(outer, cue.span(), (*prev.content[:-1], cut))]
        return [Frame(prev.source, prev.cue, (*prev.content[:-1], cut), prev.cue_class)]
    before = masked[start : cue.start()]
    m = _COORDINATED.search(before)
    if not m or not cue.group("verb") or cue.group().lower() in cues.OBJECT:
        return None
    boundary = start + m.start()
    gap = masked[boundary : cue.start()]
    src = np_left(masked, boundary, cue.start()) if _words(gap) > 1 else None
    if _words(gap) > 1 and src is None and not gap.rstrip().endswith(("and", "but", ",")):
        return None
    body = _content_after(masked, cue, e)[0]
    cut = _trim(masked, start, boundary)
    if body is None or cut is None:
        return None
    shortened = Frame(prev.source, prev.cue, (*prev.content[:-1], cut), prev.cue_class)
    return [shortened, Frame(src or prev.source, cue.span(), (body,))]


def _source_before(masked: str, start: int, cue: re.Match[str]) -> tuple[int, int] | None:
    if cue.group("acc"):
        return None
    return np_left(masked, start, _strip_aux_left(masked, start, cue.start()))


def _trailing_attribution(masked: str, start: int, e: int, cue: re.Match[str]) -> int | None:
    """Start of ", according to X." or ", X said." closing a sentence, else None."""
    comma = masked.rfind(",", start, cue.start())
    if comma < 0:
        return None
    if cue.group("acc"):
        return None if masked[comma + 1 : cue.start()].strip() else comma
    src = np_left(masked, comma + 1, _strip_aux_left(masked, comma + 1, cue.start()))
    if src is None or masked[comma + 1 : src[0]].strip():
        return None
    rest = _after_cue(masked, cue, e)
    if _words(masked[rest:e]) > 2 and not masked[rest:e].lstrip().startswith(","):
        return None
    return comma


def _frame_at(masked: str, s: int, e: int, cue: re.Match[str]) -> Frame | None:
    if cue.group("acc"):
        return _according(masked, s, e, cue)
    if cue.group("quoted"):
        return None
    core_end = _strip_aux_left(masked, s, cue.start())
    before = masked[s:core_end].rstrip()
    if not before or before.endswith((",", "”", '"')):
        if _is_participle(cue):
            return None
        src = np_right(masked, cue.end(), e)
        if src is not None and before:
            rest = masked[src[1] : e].strip(" .")
            body = _trim(masked, s, s + len(before) - 1)
            if body and (not rest or rest.startswith(",") or _words(rest) <= 3):
                return Frame(src, cue.span(), (body,))
        if before.endswith(","):
            chained = np_left(masked, s, core_end)
            if chained is not None:
                return _with_content(masked, s, e, cue, chained)
        return None
    src = np_left(masked, s, core_end)
    if src is None and _COORDINATED_VERB.search(masked, s, core_end):
        src = np_right(masked, s, core_end, False)  # "X supported Y, and said ..."
    if src is None:
        return None
    if cue.group() == "states" and masked[s:core_end].split()[-1].lower() in _NOT_STATING:
        return None  # "EU member states had ...": the noun, not the verb
    if _is_participle(cue) and masked[s : src[0]].strip()[-1:] not in ("", ",", ":", ";", "—"):
        return None  # "a letter to X asking ...": X is not the subject of "asking"
    return _with_content(masked, s, e, cue, src)


def _with_content(
    masked: str, s: int, e: int, cue: re.Match[str], src: tuple[int, int]
) -> Frame | None:
    """Content for a cue whose source precedes it: the clause after it, or the one before
    (", X said Thursday."), or both around a parenthetical cue ("A, X said, is B")."""
    pre = masked[s : src[0]].rstrip()
    after, comma = _content_after(masked, cue, e)
    if pre.endswith(",") and _words(pre) >= 4 and (after is None or comma):
        pre_body = _trim(masked, s, s + len(pre) - 1)
        if pre_body is None:
            return None
        if after is not None and not _adjunct(masked, after[0], after[1]):
            return Frame(src, cue.span(), (pre_body, after))
        return Frame(src, cue.span(), (pre_body,))
    if after is None:
        return None
    kind = "object" if cue.group().lower() in cues.OBJECT else "say"
    return Frame(src, cue.span(), (after,), kind)


def _adjunct(masked: str, start: int, end: int) -> bool:
    """Whether the clause at ``start`` is an adjunct ("without giving ...", "criticizing X")
    rather than the rest of the content around a parenthetical cue."""
    m = _FIRST_WORD.match(masked, start, end)
    if m is None:
        return True
    word = m.group(1).lower()
    if word in _ADJUNCT_WORDS:
        return True
    if word.endswith("ing"):
        return not _FINITE.match(masked, m.end(), min(end, m.end() + 40))
    return False


def _content_after(masked: str, cue: re.Match[str], e: int) -> tuple[tuple[int, int] | None, bool]:
    """The content clause after a cue verb, skipping addressee, time and manner phrases and
    "that"; and whether a comma separated it from the cue (an adjunct, not a complement)."""
    verb = cue.group().lower()
    pos = cue.end()
    if verb in cues.TELL or verb.startswith(("warn", "remind", "assur")):
        ahead = _THAT_AHEAD.search(masked, pos, min(e, pos + 90))
        gap = masked[pos : ahead.start()] if ahead else ""
        if ahead and MASK not in gap and "," not in gap:
            pos = ahead.end()
        elif verb in cues.TELL:
            m = _ADDRESSEE.match(masked, pos, e)
            if m:
                pos = m.end()
    pos = _skip_adverbials(masked, pos, e)
    ahead = _THAT_AHEAD.search(masked, pos, min(e, pos + 70))
    if ahead:
        gap = masked[pos : ahead.start()]
        if MASK not in gap and "," not in gap and not _CUE.search(gap) and _words(gap) <= 8:
            pos = ahead.end()
    m = _THAT.match(masked, pos, e)
    if m:
        pos = m.end()
    comma = False
    m = _COMMA.match(masked, pos, e)
    if m:
        comma = "," in m.group()
        pos = m.end()
    body = _trim(masked, pos, e)
    if body is None or _words(masked[body[0] : body[1]]) < 2:
        return None, comma
    return body, comma


def _according(masked: str, s: int, e: int, cue: re.Match[str]) -> Frame | None:
    before = masked[s : cue.start()].rstrip()
    trailing = before.endswith(",") and _words(before) >= 3
    src = np_right(masked, cue.end(), e, appositive=trailing)
    if trailing:
        rest = _trim(masked, cue.end(), e)
        if rest is not None and (src is None or src[1] < rest[1]) and _source_like(masked, rest):
            src = rest  # ", according to a speech Mrs. Clinton delivered in July."
    if src is None:
        return None
    if trailing:
        body = _trim(masked, s, s + len(before) - 1)
        return Frame(src, cue.span(), (body,), "according") if body else None
    m = _APPOSITIVE_SEG.match(masked, src[1], e)
    if m and _words(masked[m.end() : e]) >= 3:
        src = (src[0], m.start(1))  # "According to X, the head of Y, ...": skip the appositive
        start = m.end()
    else:
        m = _COMMA.match(masked, src[1], e)
        if m is None or "," not in m.group():
            return None
        start = m.end()
    body = _trim(masked, start, e)
    return Frame(src, cue.span(), (body,), "according") if body else None


def _source_like(masked: str, span: tuple[int, int], most: int = 14) -> bool:
    """A short stretch with no clause words, quotation or cue: a source or an addressee."""
    text = masked[span[0] : span[1]]
    words = text.split()
    return (
        0 < len(words) <= most
        and MASK not in text
        and not any(w.lower() in _CLAUSE_WORDS for w in words)
        and not _CUE.search(text)
    )


def _trim(masked: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without surrounding spaces and final punctuation; None if empty."""
    while start < end and masked[start] in " \t,;:":
        start += 1
    while end > start and masked[end - 1] in " \t.,;:!?":
        end -= 1
    return (start, end) if end > start else None
