"""Who said what inside a sentence: cues, source phrases and content spans.

All offsets are character offsets into the article text. Functions that read the attribution
frame work on a *masked* copy of the text (``quotes.mask_quotes``) in which quoted words are
replaced by ``#`` so that a cue verb or a name inside a quotation is never taken for the frame
around it.

- ``lead_frame`` / ``tail_frame`` read the attribution before a quotation (``X said: "``) and
  after it (``," X said`` / ``," said X``).
- ``find_cues`` finds every cue of an article in one scan (one regex over all cue words,
  factored as a trie, each hit then matched exactly by the pattern of its kind): speech verbs,
  "according to", "quoted", verbs of knowing ("expected that"), a passive "it was reported
  that", speech nouns ("Trump's claim that", "concerns about") and attitude adjectives ("is
  convinced that").
- ``reported_frames`` reads the reported speech around a sentence's cues (``X said (that)
  ...``, ``..., X said``, ``according to X, ...``, ``X told Y ...``, ``X urged Y to ...``, ``A,
  X said, is B``, ``it was confirmed by X that ...``). A noun or adjective cue only counts where
  no verb frame holds it; its source is the possessor or the subject that has or voices it.
- Content ends at a semicolon or ", but"; a noun-phrase object ends before an adverbial clause
  ("criticized the plan as reckless during a visit"); a verb with a preposition takes its object
  ("worried about X, ...").

The source phrase next to a cue is found by ``speakers.np_left`` / ``speakers.np_right``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from services.extractor import cues
from services.extractor.cues import MASK
from services.extractor.speakers import np_left, np_right, skip_adverbials, strip_aux_left
from services.extractor.wordtrie import alternation


@dataclass(frozen=True, slots=True)
class Frame:
    """An attribution: the source phrase span (None when implicit), the cue span, and content
    spans (several when a split quotation or a parenthetical cue interrupts the content)."""

    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: tuple[tuple[int, int], ...] = ()


# --- vocabulary compiled once -------------------------------------------------------------------


_LEADING_DET = re.compile(r"(?:^|(?<=\s))(?:[Tt]he|[Aa]n?)$")
_COMPLEMENT = re.compile(r"(?<![\w’'])(?:that|to|not\s+to|whether|if)\s")
# Particles after "called" that make it a phone call or a summons, not a speech act.
_NOT_SPEECH_AFTER = re.compile(r"\s+(?:in|into|up|back|off|out|to)\b")
_NAMING = frozenset("called calls calling dubbed named labeled labelled titled".split())
_RAISING = re.compile(
    r"(?:and|but)\s+(?:also\s+)?(?:seemed|seems|appeared|appears|went\s+on|goes\s+on|continued|"
    r"continues|began|begins|tried|tries|wanted|wants|used|had|has|have|decided|declined)\s+to\s*$"
)
_CONJUNCTION = re.compile(r"(?:and|but|or)\s")
_PREP_OBJECT = re.compile(r"(?:about|over)\s+(?=[\w“\"#$])")
_DEFINITE = frozenset("the this that these those his her their its".split())
_THAT_NEXT = re.compile(r"\s+that\b")
# One trie over every cue word: verbs, "according to", "quoted" (X quoted Y as saying).
_CUE_WORDS = (
    cues.ALL_VERBS
    | cues.CAP_CUES
    | cues.NOUNY_CUES
    | {"according_to", "According_to", "quoted", "quotes", "quoting"}
)
_CUE = re.compile(r"(?<![\w’'#-])(?:" + alternation(_CUE_WORDS) + r")(?![\w’'#-])")
# The article-wide scan: every word that may open a cue of any kind, behind a separator
# (a leading character class lets the engine skip ahead fast; a lookbehind would not). Each
# hit is then matched exactly by the pattern of its kind.
_ANY_CUE_WORD = alternation(_CUE_WORDS | cues.SPEECH_NOUNS | cues.ATTITUDE_ADJECTIVES | {"known"})
_CUE_SCAN = re.compile(r"[\s(\[“\"—–/](" + _ANY_CUE_WORD + r")(?![\w’'#-])")
_CUE_AT_START = re.compile(r"(" + _ANY_CUE_WORD + r")(?![\w’'#-])")
_PASSIVE_HEAD = re.compile(r"(?<![\w’'])(?:[Ii]t|[Tt]his)\s+(?:was|is|has\s+been|had\s+been)\s+(?:also\s+)?$")
_INTRO = re.compile(
    r"(?<![\w’'#-])(?:continued|continues|went\s+on|added|adds|wrote|writes|tweeted|explained|"
    r"asked|asks|replied|responded|recalled|stated|declared|said|says|told\s+\w+|noted|notes|concluded|"
    r"posted|reads?|read:|reports|reported)(?![\w’'#-])"
)
_THAT = re.compile(r"\s*(?:that|:)(?![\w’'])\s*,?")
_THAT_AHEAD = re.compile(r"\b(?:that)\b")
# Who was told: a name ("USA Today", "MSNBC's “#####”") or a few words ending in a role noun.
_ADDRESSEE = re.compile(
    r"\s*(?:(?:[A-Z][\w’'.&-]*[ \t]+)*[A-Z][\w’'.&-]*(?:[’']s(?:\s+[“\"]#+[”\"])?)?|"
    r"(?:(?:the|a|an|his|her|their|its)\s+)?(?:[\w’'-]+\s+){0,3}?(?:"
    + alternation(cues.ADDRESSEES | cues.ROLES)
    + r"))(?![\w’'])"
)
_PASSIVE = re.compile(
    r"(?=[IiTt])(?<![\w’'])(?:[Ii]t|[Tt]his)\s+(?:was|is|has\s+been|had\s+been)\s+(?:also\s+)?"
    r"(?P<verb>reported|confirmed|announced|said|stated|claimed|alleged|disclosed|revealed|"
    r"noted|estimated|believed|thought|expected|feared|understood|known)"
    r"(?:\s+(?:by|in)\s+(?:the\s+)?(?P<agent>[^,]{2,60}?))?\s+that(?![\w’'])"
)
_QUOTED_AS = re.compile(r"\bquot(?:ed|es|ing)(?=\s+(.+?)\s+as\s+\w+ing\b)")
_DASH_SOURCE = re.compile(r"\s*[―—–-]{1,2}\s*")
_CLAUSE_START = re.compile(r"(?:to|that|whether|if|how|why|what|when|where|who)\b")
_CLAUSE_MARK = re.compile(
    r"#|\b(?:is|was|are|were|be|been|has|"
    r"have|had|will|would|can|could|should|may|might|must|do|does|did|won’t|won't|isn’t|isn't|"
    r"wasn’t|wasn't|doesn’t|doesn't|didn’t|didn't|can’t|can't)\b|n[’']t\b|[’']s\s|\b\w+ed\b"
)
# A comma clause that closes the content rather than continuing it: a participle ("...,
# suggesting ...") or a concessive clause (", although he ...").
_TRAILING_ADJUNCT = re.compile(
    r",\s+(?:even\s+|also\s+|while\s+)?(?!(?:according|including|during|regarding|concerning|"
    r"following|pending|nothing|something|anything|everything|morning|evening|building|meeting)\b)"
    r"(?:[a-z]+ing|although|though|whereas|despite)\b"
    r"(?!\s+(?:is|was|would|will|has|had|could)\b)"
)
# Nouns naming what someone said or thinks, with the word that introduces its content.
_NOUN_CUE = re.compile(
    r"(?<![\w’'#-])(?P<noun>"
    + alternation(cues.SPEECH_NOUNS)
    + r")\s+(?P<prep>about|over|of|on|against|for|that)\s+(?=[\w“\"#$])"
)
# An attitude adjective after a copula ("she is convinced that", "they were worried about"):
# the adjective is found first (rare words), the copula is checked behind it.
_ADJ_CUE = re.compile(
    r"(?<![\w’'#-])(?P<noun>"
    + alternation(cues.ATTITUDE_ADJECTIVES)
    + r")\s+(?P<prep>that|about|over|with|by)\s+(?=[\w“\"#$])"
)
_COPULA_BEFORE = re.compile(
    r"(?<![\w’'#-])(?:is|was|are|were|be|been|remains?|remained|seems?|seemed|feels?|felt)\s+"
    r"(?:[a-z]+ly\s+)?(?:not\s+)?$"
)
_POSSESSIVE_PRONOUNS = frozenset("his her their its our my".split())
# A possessor right before a noun cue, perhaps behind an adjective ("Trump's latest claim").
_POSSESSOR_BEFORE = re.compile(
    r"(?<![\w’'-])((?:his|her|their|its|our|my)|[\w.’'-]*[\w.](?:’s|'s|s’|s'))\s+(?:[a-z-]+\s+){0,2}$"
)
# A subject that holds or voices the attitude ("she has no illusions about", "X raised concerns").
_VOICED_BEFORE = re.compile(
    r"(?<![\w’'-])(?:has|have|had|expressed|expresses|voiced|voices|raised|raises|shared|aired|"
    r"harbors|harbored|harbours)\s+(?:[a-z-]+\s+){0,2}$"
)
_NOUN_CONTENT_END = re.compile(r",|;|:|\s(?:that|which|who|whose|but|when|while|because|as)\s|\s[—–]|\s--")
# Where reported content ends: a semicolon opens an independent clause.
_CLAUSE_END = re.compile(r";|,\s+(?:but|yet)\s")
# Where a noun-phrase object ends: an adverbial clause belongs to the verb, not the object
# ("criticized the plan as a mess during a stop in Ohio").
_OBJECT_END = re.compile(
    r";|,\s+(?:but|yet)\s|,?\s(?:during|when|after|while|before|because|although|though|since|"
    r"until|despite|amid|following|in\s+a\s+(?:statement|speech|interview|tweet))\s"
)
# Participles after a comma that report something of their own (", adding that ...").
_PARTICIPLE_CUES = cues.SAY | {"citing"}
_COORDINATED_VERB = re.compile(r"(?:,\s*|\s)(?:and|but)\s*$")
_INFINITIVE = re.compile(r"to\s+\w+")
_INFINITIVE_IN = re.compile(r"(?<![\w’'])to\s+(?!(?:the|a|an|his|her|their|its|our|this|that)\s)[a-z]+\s")
_COORDINATED = re.compile(
    r"(?:[,;]\s*(?:and\s+|but\s+)?|\s(?:and|but)\s+)(?!(?:who|which|that|as|what)\b)(?:\w+\s+){0,3}$"
)
_COMMA = re.compile(r"\s*,?\s*")
_APPOSITIVE_SEG = re.compile(r"\s*,\s*(?:the|a|an|his|her|its|their)\s+[^,#“”\"]{2,80}?(\s*),\s*")
_FIRST_WORD = re.compile(r"\s*([\w’'-]+)")
_FINITE = re.compile(r"(?:\s+[\w’'-]+){0,3}?\s+(?:would|will|is|was|could|can|should|has|may|might)\b")
_LABEL = re.compile(r"\s*([A-Z][A-Za-z.’'-]+(?:\s+[A-Z][A-Za-z.’'-]+){0,3})\s*:\s+")


def _words(text: str) -> int:
    return len(text.split())


# --- frames around quotations ----------------------------------------------------------------


def lead_frame(masked: str, s: int, qopen: int, index: CueIndex) -> Frame | None:
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
    marked = lead.endswith((":", ",", "—", "–"))
    core = lead.rstrip(":,—–").rstrip()
    cut = s + len(core)
    that = re.search(r"(?<![\w’'])that\s*$", core)
    if that:
        marked = True
        cut = s + that.start()
    cue = None
    for m in index.verbs_in(max(s, cut - 200), cut):
        cue = m
    if cue is not None:
        return _lead_cue(masked, s, cut, cue, marked)
    intro = None
    for m in _INTRO.finditer(masked, max(s, cut - 60), cut):
        intro = m
    if intro is not None and marked and not masked[intro.end() : cut].strip():
        return Frame(np_left(masked, s, intro.start()), intro.span())
    if lead.endswith((":", "—", "–")) and _words(core) <= 12:
        # "Berg put it bluntly: "..."": the subject opening the sentence introduces the quote
        src = np_left(masked, s, cut)
        if src is None or src[0] > s + 1:
            src = np_right(masked, s, cut, appositive=False)
        if src is not None:
            return Frame(src, None)
    return None


def _lead_cue(masked: str, s: int, cut: int, cue: re.Match[str], marked: bool) -> Frame | None:
    if _is_according(cue):
        src = np_right(masked, cue.end(), cut, appositive=False)
        if src is None or masked[src[1] : cut].strip():
            return None
        return Frame(src, cue.span())
    if _is_quoted(cue):
        return None
    rest = masked[_after_cue(masked, cue, cut) : cut]
    if rest.strip() and not (marked and _source_like(masked, (cut - len(rest), cut), 8)):
        return None  # the cue is followed by more clause: the quote is partial
    src = np_left(masked, s, cue.start())
    if src is None:
        quoted = _QUOTED_AS.search(masked, s, cue.end())
        if quoted:  # "Tass quoted Putin as saying:"
            src = np_right(masked, quoted.end(), quoted.end(1), appositive=False)
    if src is None:
        return Frame(None, cue.span()) if marked else None
    return Frame(src, cue.span())


def _after_cue(masked: str, cue: re.Match[str], end: int) -> int:
    """Position after a cue's addressee ("told reporters") and time or manner phrases."""
    pos = cue.end()
    if _verb(cue) in cues.TELL:
        m = _ADDRESSEE.match(masked, pos, end)
        if m:
            pos = m.end()
    return skip_adverbials(masked, pos, end)


def tail_frame(masked: str, qclose: int, e: int, index: CueIndex) -> Frame | None:
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
    for cue in index.verbs_in(pos, min(e, pos + 260)):
        if MASK in masked[pos : cue.start()]:
            return None
        before = masked[pos : cue.start()].strip()
        if _is_according(cue):
            if before:
                return None
            src = np_right(masked, cue.end(), e)
            return Frame(src, cue.span()) if src else None
        if not before:  # inversion: "said Caddell"
            src = np_right(masked, cue.end(), e)
            return Frame(src, cue.span()) if src else None
        if _is_quoted(cue):
            src = np_right(masked, cue.end(), e)
            return Frame(src, cue.span()) if src else None
        src = np_left(masked, pos, cue.start())
        if src is None or src[0] > pos + 1:
            return None
        return Frame(src, cue.span())
    return None


# --- reported speech ----------------------------------------------------------------------------


def _cues_in(masked: str, lo: int, hi: int) -> Iterator[re.Match[str]]:
    """Cue matches in ``masked[lo:hi]``, lazily; a noun-like form counts only before "that"."""
    for m in _CUE.finditer(masked, lo, hi):
        if m.group() not in cues.NOUNY_CUES or _THAT_NEXT.match(masked, m.end()):
            yield m


def _has_cue(text: str) -> bool:
    return next(_cues_in(text, 0, len(text)), None) is not None


def _is_according(cue: re.Match[str]) -> bool:
    return cue.group()[1:9] == "ccording"


def _is_quoted(cue: re.Match[str]) -> bool:
    return cue.group().startswith("quot")


class CueIndex:
    """An article's cues (from ``find_cues``) by position: frames around quotations look up
    the verbs of a window here instead of scanning the text again."""

    def __init__(self, found: list[re.Match[str]]) -> None:
        self.found = found
        self.starts = [m.start() for m in found]

    def verbs_in(self, lo: int, hi: int) -> Iterator[re.Match[str]]:
        """The cue verbs (and "according to", "quoted") inside ``[lo, hi)``, in order."""
        i = bisect.bisect_left(self.starts, lo)
        while i < len(self.found) and self.starts[i] < hi:
            m = self.found[i]
            if m.re is _CUE and m.end() <= hi:
                yield m
            i += 1


def find_cues(masked: str) -> list[re.Match[str]]:
    """Every cue (verb, "according to", "quoted", passive "it was reported that", a noun such
    as "concerns about") in the masked text, in order: one pass per article, sentences then
    take their share."""
    found: list[re.Match[str]] = []
    first = _CUE_AT_START.match(masked)
    starts = [0] if first else []
    starts += [m.start(1) for m in _CUE_SCAN.finditer(masked)]
    for pos in starts:
        verb = _CUE.match(masked, pos)
        if verb is not None and (verb.group() not in cues.NOUNY_CUES or _THAT_NEXT.match(masked, verb.end())):
            found.append(verb)
            head = _PASSIVE_HEAD.search(masked, max(0, pos - 30), pos)
            passive = _PASSIVE.match(masked, head.start()) if head else None
            if passive is not None:
                found.append(passive)
        noun = _NOUN_CUE.match(masked, pos)
        if noun is not None:
            found.append(noun)
        adjective = _ADJ_CUE.match(masked, pos)
        if adjective is not None and _COPULA_BEFORE.search(masked, max(0, pos - 30), pos):
            found.append(adjective)
    found.sort(key=lambda m: m.start())
    return found


def _after_copula(masked: str, pos: int) -> bool:
    return _COPULA_BEFORE.search(masked, max(0, pos - 30), pos) is not None


def reported_frames(
    masked: str,
    s: int,
    e: int,
    found: Sequence[re.Match[str]],
    used: dict[int, tuple[int, int] | None],
) -> list[Frame]:
    """Reported-speech frames of the sentence ``[s, e)`` whose cues (from ``find_cues``) are
    ``found``. Cues starting in ``used`` (those that attribute quotations) are skipped, but
    their sources count for a following participle.

    The first cue with a valid source claims the rest of the sentence; a later cue inside that
    content splits it only when it is coordinated (", adding that", "and said"), and a trailing
    attribution inside it (", according to X", ", X said") is cut off.
    """
    for passive in found:
        if passive.re is _PASSIVE:
            body = _trim(masked, passive.end(), e)
            if body and _words(masked[body[0] : body[1]]) >= 3:
                agent = passive.span("agent") if passive.group("agent") else None
                return [Frame(agent, passive.span("verb"), (body,))]
    frames: list[Frame] = []
    last_source: tuple[int, int] | None = None
    nouns = [cue for cue in found if cue.re is _NOUN_CUE or cue.re is _ADJ_CUE]
    for cue in found:
        if cue.re is _PASSIVE or cue.re is _NOUN_CUE or cue.re is _ADJ_CUE:
            continue
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
            if body is not None and src is not None and _verb(cue) in _PARTICIPLE_CUES:
                frames.append(Frame(src, cue.span(), (body,)))
            continue
        frame = _frame_at(masked, s, e, cue)
        if frame is not None:
            frames.append(frame)
    for cue in nouns:
        if not any(a <= cue.start() < b for f in frames for a, b in f.content):
            frame = _noun_frame(masked, s, e, cue)
            if frame is not None:
                frames.append(frame)
    return frames


def _noun_frame(masked: str, s: int, e: int, cue: re.Match[str]) -> Frame | None:
    """ "Trump's claim that X", "the board's concerns about X", "she has no illusions about X":
    a speech or attitude noun; its source is the possessor, or the subject that has or voices
    it, else unnamed ("Trump faced questions about X")."""
    content = _noun_content(masked, cue.end(), e, cue.group("prep") == "that")
    if content is None:
        return None
    noun = cue.start("noun")
    src: tuple[int, int] | None = None
    if cue.re is _ADJ_CUE:  # "she is convinced that ...": the subject of "is"
        copula = _COPULA_BEFORE.search(masked, max(s, cue.start() - 30), cue.start())
        src = np_left(masked, s, strip_aux_left(masked, s, copula.start())) if copula else None
        return Frame(src, cue.span("noun"), (content,)) if src is not None else None
    poss = _POSSESSOR_BEFORE.search(masked, max(s, noun - 60), noun)
    if poss is not None:
        who = poss.group(1)
        end = poss.start(1) + len(who.rstrip("’'").removesuffix("’s").removesuffix("'s").rstrip("’'"))
        src = (poss.start(1), end) if who.lower() in _POSSESSIVE_PRONOUNS else np_left(masked, s, end)
    else:
        voiced = _VOICED_BEFORE.search(masked, max(s, noun - 60), noun)
        if voiced is not None:
            src = np_left(masked, s, strip_aux_left(masked, s, voiced.start()))
    return Frame(src, cue.span("noun"), (content,)) if src is not None else None


def _noun_content(masked: str, pos: int, e: int, clause: bool) -> tuple[int, int] | None:
    """The content after a noun cue: a "that" clause to the end of the sentence, a noun phrase
    to the first clause break ("concerns about his health, which ...")."""
    stop = _NOUN_CONTENT_END.search(masked, pos, e) if not clause else _CLAUSE_END.search(masked, pos, e)
    body = _trim(masked, pos, stop.start() if stop else e)
    if body is None or _words(masked[body[0] : body[1]]) < 2:
        return None
    return body


def _verb(cue: re.Match[str]) -> str:
    """The cue as a key of the ``cues`` tables ("called on" -> "called_on")."""
    return _key(cue.group())


@lru_cache(maxsize=1024)
def _key(words: str) -> str:
    return "_".join(words.lower().split())


def _clause_like(masked: str, span: tuple[int, int]) -> bool:
    """Whether a content span reads as a clause or an infinitive, not a bare noun phrase."""
    a, b = span
    return bool(_CLAUSE_START.match(masked, a, b) or _CLAUSE_MARK.search(masked, a, b))


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
        outer = _source_before(masked, trailing + 1, cue, e)
        if outer is not None and _INFINITIVE.match(masked, cut[0], cut[1]):
            # "X agreed to meet, the Kremlin said": an action, reported by the outer source
            return [Frame(outer, cue.span(), (*prev.content[:-1], cut))]
        whole = _trim(masked, prev.source[0], trailing) if outer and prev.source else None
        if outer and whole and prev.cue and _verb_at(masked, prev.cue) in cues.FINDING:
            # "Readings showed X, she said": a finding reported by the trailing source
            return [Frame(outer, cue.span(), (whole,))]
        return [Frame(prev.source, prev.cue, (*prev.content[:-1], cut))]
    m = _COORDINATED.search(masked, start, cue.start())
    if not m or _is_according(cue) or _is_quoted(cue):
        return None
    boundary = m.start()
    gap = masked[boundary : cue.start()]
    raised = _RAISING.search(gap)  # "and seemed to think", "but went on to say"
    src = np_left(masked, boundary, cue.start()) if _words(gap) > 1 and not raised else None
    if _words(gap) > 1 and src is None and not raised and not gap.rstrip().endswith(("and", "but", ",")):
        return None
    if src is None and _verb(cue) in cues.OBJECT:
        return None  # "he rated X and talked about Y": the content's own verbs
    body = _content_after(masked, cue, e)[0]
    cut = _trim(masked, start, boundary)
    if body is None or cut is None:
        return None
    shortened = Frame(prev.source, prev.cue, (*prev.content[:-1], cut))
    return [shortened, Frame(src or prev.source, cue.span(), (body,))]


def _source_before(masked: str, start: int, cue: re.Match[str], e: int) -> tuple[int, int] | None:
    """The source of a trailing attribution starting at ``start`` (", X said" or ", according
    to X")."""
    if _is_according(cue):
        return np_right(masked, cue.end(), e)
    return np_left(masked, start, strip_aux_left(masked, start, cue.start()))


def _verb_at(masked: str, span: tuple[int, int]) -> str:
    return _key(masked[span[0] : span[1]])


def _trailing_attribution(masked: str, start: int, e: int, cue: re.Match[str]) -> int | None:
    """Start of ", according to X." or ", X said." closing a sentence, else None."""
    comma = max(masked.rfind(",", start, cue.start()), masked.rfind("—", start, cue.start()))
    if comma < 0:
        return None
    if _is_according(cue):
        return None if masked[comma + 1 : cue.start()].strip() else comma
    src = np_left(masked, comma + 1, strip_aux_left(masked, comma + 1, cue.start()))
    if src is None or masked[comma + 1 : src[0]].strip():
        return None
    rest = _after_cue(masked, cue, e)
    if _words(masked[rest:e]) > 2 and not masked[rest:e].lstrip().startswith(","):
        return None
    return comma


def _frame_at(masked: str, s: int, e: int, cue: re.Match[str]) -> Frame | None:
    if _is_according(cue):
        return _according(masked, s, e, cue)
    if _is_quoted(cue) or (_verb(cue) in _NAMING and _NOT_SPEECH_AFTER.match(masked, cue.end())):
        return None  # "called in to a radio show", "called to service"
    core_end = strip_aux_left(masked, s, cue.start())
    before = masked[s:core_end].rstrip()
    if before.endswith(",") and _verb(cue) in _NAMING:
        return None  # "his group, called the Legacy Fund,": a name, not a speech act
    if not before or before.endswith((",", "”", '"')):
        if _is_participle(cue):
            return None
        src = np_right(masked, cue.end(), e)
        if src is not None and masked[src[1] - 2 : src[1] + 1].rstrip().endswith(("’s", "'s", "’", "'")):
            src = None  # "..., said North Korea's latest ...": a possessive, not an inverted subject
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
    src = np_left(masked, s, core_end, loose=cue.group().lower() not in cues.NOUN_LIKE_CUES)
    if src is None and (
        _COORDINATED_VERB.search(masked, s, core_end) or _RAISING.search(masked, s, core_end)
    ):
        src = np_right(masked, s, core_end, False)  # "X supported Y, and said ...", "and seemed to"
    if src is not None:
        src = _past_preposition(masked, s, src)
    if src is None:
        return None
    if cue.group() == "states" and masked[s:core_end].split()[-1].lower() in cues.NOT_STATING:
        return None  # "EU member states had ...": the noun, not the verb
    if _passive(masked, s, cue):
        return None  # "the issue was first reported by X"
    lead = _LEADING_DET.sub("", masked[s : src[0]].strip())
    if _is_participle(cue) and lead[-1:] not in ("", ",", ":", ";", "—"):
        return None  # "a letter to X asking ...": X is not the subject of "asking"
    return _with_content(masked, s, e, cue, src)


# "32% of Republican claims", "half of the voters": a share, not a subject before a verb.
_SHARE_OF = re.compile(
    r"(?:\d[\d.,]*\s*%|\d[\d.,]*\s+percent|half|third|quarter|most|share|majority)\s+of\s+$"
)


def _past_preposition(masked: str, s: int, src: tuple[int, int]) -> tuple[int, int] | None:
    """None when the source phrase is the object of "N% of" before a noun: "32% of Republican
    claims as false" reads the noun "claims", not the verb."""
    return None if _SHARE_OF.search(masked, max(s, src[0] - 24), src[0]) else src


def _passive(masked: str, s: int, cue: re.Match[str]) -> bool:
    """ "was (first) reported", "mentioned by": a passive participle, not a speech act."""
    if not cue.group().endswith(("ed", "en", "wn")) and cue.group() not in ("told", "said"):
        return False
    if re.match(r"\s+by\b", masked[cue.end() : cue.end() + 5]):
        return True
    before = masked[max(s, cue.start() - 30) : cue.start()]
    words = re.split(r"[,;:—]", before)[-1].split()[-3:]  # within the clause: not "X was, he said"
    return any(w.lower() in cues.BE for w in words)


def _with_content(masked: str, s: int, e: int, cue: re.Match[str], src: tuple[int, int]) -> Frame | None:
    """Content for a cue whose source precedes it: the clause after it, or the one before
    (", X said Thursday."), or both around a parenthetical cue ("A, X said, is B")."""
    pre = masked[s : src[0]].rstrip()
    if pre.endswith(", as"):  # "Scott had a gun, as police have said."
        pre = pre[:-3]
    after, comma = _content_after(masked, cue, e)
    if pre.endswith(",") and (after is None or comma):
        pre_body = _trim(masked, s, s + len(pre) - 1)
        if pre_body is not None and after is not None and not _adjunct(masked, *after):
            return Frame(src, cue.span(), (pre_body, after))  # "The damage, X said, was small."
        if pre_body is not None and _words(pre) >= 4:  # "The storm hit three piers, X said."
            return Frame(src, cue.span(), (pre_body,))
    if after is None:
        return None
    verb = _verb(cue)
    if verb in cues.NEEDS_CLAUSE and not _clause_like(masked, after):
        return None  # "Dallas maintains a program": not a reported clause
    if verb in cues.MENTAL and not _COMPLEMENT.search(masked, cue.end(), after[0] + 8):
        return None  # "She knew the city well": knowing is reported only with a clause
    if verb in cues.OBJECT and _anaphoric(masked[after[0] : after[1]]):
        return None  # "X rejected the charge": nothing is claimed that the text has not said
    return Frame(src, cue.span(), (after,))


def _anaphoric(content: str) -> bool:
    """A short definite noun phrase that only points back ("the criticism", "his remarks")."""
    words = content.split()
    return len(words) <= 3 and words[0].lower() in _DEFINITE and not any(w[:1].isupper() for w in words[1:])


def _adjunct(masked: str, start: int, end: int) -> bool:
    """Whether the clause at ``start`` is an adjunct ("without giving ...", "criticizing X")
    rather than the rest of the content around a parenthetical cue."""
    m = _FIRST_WORD.match(masked, start, end)
    if m is None:
        return True
    word = m.group(1).lower()
    if word in cues.ADJUNCT_WORDS:
        return True
    if word.endswith("ing"):
        return not _FINITE.match(masked, m.end(), min(end, m.end() + 40))
    return False


def _content_after(masked: str, cue: re.Match[str], e: int) -> tuple[tuple[int, int] | None, bool]:
    """The content clause after a cue verb, skipping addressee, time and manner phrases and
    "that"; and whether a comma separated it from the cue (an adjunct, not a complement)."""
    verb = _verb(cue)
    pos = cue.end()
    if verb in cues.TELL or verb.startswith(("warn", "remind", "assur")):
        ahead = _THAT_AHEAD.search(masked, pos, min(e, pos + 90))
        if ahead and _bridgeable(masked[pos : ahead.start()], 8):
            pos = ahead.end()  # "told reporters at the White House that"
        elif verb in cues.TELL:
            m = _ADDRESSEE.match(masked, pos, e)
            if m:
                pos = m.end()
    pos = skip_adverbials(masked, pos, e)
    ahead = _THAT_AHEAD.search(masked, pos, min(e, pos + 70)) if verb not in cues.OBJECT else None
    if ahead and _bridgeable(masked[pos : ahead.start()], 8):
        pos = ahead.end()  # "said in an interview with a local radio station that"
    m = _THAT.match(masked, pos, e)
    if m:
        pos = m.end()
    comma = False
    m = _COMMA.match(masked, pos, e)
    if m:
        comma = "," in m.group()
        pos = m.end()
    if _CONJUNCTION.match(masked, pos, e):
        return None, comma  # "X agreed and seemed to think ...": the next verb, not content
    prep = _PREP_OBJECT.match(masked, pos, e)
    if prep is not None:  # "worried about a lack of passion, ...": the object of the preposition
        return _noun_content(masked, prep.end(), e, False), comma
    adjunct = _TRAILING_ADJUNCT.search(masked, pos, e)
    end = adjunct.start() if adjunct else e
    ends = _OBJECT_END if verb in cues.OBJECT and not verb.startswith(("ask", "urg")) else _CLAUSE_END
    clause_end = ends.search(masked, pos, end)
    body = _trim(masked, pos, clause_end.start() if clause_end else end)
    if body is None or _words(masked[body[0] : body[1]]) < 2:
        return None, comma
    return body, comma


def _bridgeable(gap: str, most: int) -> bool:
    """Whether the words between a cue and a later "that" can be skipped (an addressee or a
    circumstance), rather than holding the content ("urged voters to pick a party that")."""
    return (
        MASK not in gap
        and "," not in gap
        and _words(gap) <= most
        and not _INFINITIVE_IN.search(gap)
        and not _has_cue(gap)
    )


def _according(masked: str, s: int, e: int, cue: re.Match[str]) -> Frame | None:
    before = masked[s : cue.start()].rstrip()
    trailing = before.endswith((",", "—", "–")) and _words(before) >= 3
    src = np_right(masked, cue.end(), e, appositive=trailing)
    if trailing:
        rest = _trim(masked, cue.end(), e)
        if rest is not None and (src is None or src[1] < rest[1]) and _source_like(masked, rest):
            src = rest  # ", according to a speech Mrs. Clinton delivered in July."
    elif src is None or masked[src[1] : src[1] + 1] != ",":
        comma = masked.find(",", cue.end(), e)
        segment = _trim(masked, cue.end(), comma) if comma > 0 else None
        if segment is not None and _source_like(masked, segment, 20):
            src = segment  # "According to the harbor board, ..."
    if src is None:
        return None
    if trailing:
        body = _trim(masked, s, s + len(before) - 1)
        return Frame(src, cue.span(), (body,)) if body else None
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
    return Frame(src, cue.span(), (body,)) if body else None


def _source_like(masked: str, span: tuple[int, int], most: int = 14) -> bool:
    """A short stretch with no clause words, quotation or cue: a source or an addressee."""
    text = masked[span[0] : span[1]]
    words = text.split()
    return (
        0 < len(words) <= most
        and MASK not in text
        and not any(w.lower() in cues.CLAUSE_WORDS for w in words)
        and not _has_cue(text)
    )


def _trim(masked: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without surrounding spaces and final punctuation; None if empty."""
    while start < end and masked[start] in " \t,;:":
        start += 1
    while end > start and masked[end - 1] in " \t.,;:!?":
        end -= 1
    return (start, end) if end > start else None
