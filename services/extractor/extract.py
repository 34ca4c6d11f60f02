"""Claim extraction: who said what, sentence by sentence, in one cleaned article.

``extract_claims(text)`` returns the claims of an article in text order, of three kinds:

- ``"quote"``: a full quotation (not a partial quote or scare quote inside a sentence). A
  quotation spanning sentences or paragraphs gives one claim per sentence, all with its speaker.
  A quotation split by its attribution (``"A," he said, "B."``) is one claim whose text joins
  the pieces with a space and whose ``start``/``end`` cover the pieces' outer bounds. The
  sentence carrying a trailing attribution also takes the first sentence of a quotation resumed
  right after it (``"A," he said. "B. C."`` gives "A B" and "C"), as PolNeAR annotates it.
- ``"reported"``: the content clause of reported speech (``X said (that) ...``, ``..., X said``,
  ``according to X, ...``, ``X urged Y to ...``, ``X's claim that ...``, ``X is convinced
  that ...``); partial quotes stay inside it. One claim per sentence, except that a coordinated
  cue (``, adding that ...``) starts a claim of its own, and reported content stops where a later
  full quotation's own attribution begins.
- ``"statement"``: an unattributed sentence that states quantities ("Five civilians were
  killed", "The bank raised its rate to 4.75 percent"): a sentence with no other claim, no
  quotation and at least one quantity (see ``numbers``); ``speaker`` is None.

Every claim carries the quantities of its text (``numbers``: ``(value, unit)`` pairs). Speakers
are resolved within the article to the fullest name it uses (see ``resolver``); a quotation
without an attribution of its own takes the speaker of the quotation it continues, or of the
previous claim; ``speaker`` is None when no source was found (an agentless passive).
``speaker_title`` holds the role and the appositive that describe the speaker ("Rep., the
ranking member of the committee"). Pure functions: no I/O, no state.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.extractor import cues
from services.extractor.attribution import CueIndex, Frame, find_cues, lead_frame, reported_frames, tail_frame
from services.extractor.cues import MASK
from services.extractor.numbers import Quantity, quantities
from services.extractor.quotes import Quote, find_quotes, mask_quotes
from services.extractor.resolver import Resolver
from services.extractor.speakers import parse_source
from shared.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim: content of one sentence (see the module docstring) and who made it."""

    kind: str  # "quote" | "reported" | "statement"
    speaker: str | None  # resolved, fullest name used in the article
    speaker_title: str | None  # role/title when given ("Kremlin spokesman")
    cue: str | None  # cue verb/phrase as in the text ("said", "according to")
    text: str  # the claim content for this sentence, not the attribution
    start: int  # char span of `text` in the input text
    end: int
    sentence: int  # index of the sentence it comes from
    numbers: tuple[tuple[float, str], ...] = ()  # quantities in `text`: (4.75, "percent")


@dataclass(slots=True)
class _Draft:
    """A claim before speaker resolution: content pieces and where its speaker comes from."""

    kind: str
    sentence: int
    pieces: list[tuple[int, int]]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    inherit: int | None = None  # index of the quote whose speaker this one takes
    quote: int | None = None  # index of the quote this draft belongs to


_LABEL = re.compile(r"\s*([A-Z][A-Za-z.’'-]+(?:\s+[A-Z][A-Za-z.’'-]+){0,3})\s*:\s+(?=\S)")
_TOKEN_SPAN = re.compile(r"\S+")
_NEWLINE = re.compile(r"\n\s*")
_WORDS = re.compile(r"[^\W_]+")
_TWO_WORDS = re.compile(r"[^\W_]+[\W_]+[^\W_]")
_FOUR_WORDS = re.compile(r"[^\W_]+(?:[\W_]+[^\W_]+){3}")
_TRIM = " \t\"“”‘’',;:—–-"
_ENDS_UTTERANCE = frozenset(",.?!…—-")
_TITLE_SMALL_WORDS = frozenset("a an the of in on to for and or but at by with from as is".split())


def extract_claims(text: str, sentences: Sequence[tuple[int, int]] | None = None) -> list[Claim]:
    """`text` is cleaned article text (paragraphs separated by "\n"); `sentences` the spans from
    shared.sentences.split_sentences (computed if None). One claim per sentence of quoted or
    reported content, in text order; see the module docstring."""
    spans = list(sentences) if sentences is not None else split_sentences(text)
    if not spans:
        return []
    quotes = find_quotes(text)
    masked = mask_quotes(text, quotes)
    doc = _Doc(text, masked, spans, quotes)
    drafts = doc.quote_drafts()
    drafts += doc.reported_drafts(drafts)
    drafts += doc.statement_drafts(drafts)
    drafts.sort(key=lambda d: (d.pieces[0][0], d.sentence))
    return _resolve(text, drafts, doc)


class _Doc:
    """One article being read: text, masked frame text, sentences and quotations."""

    def __init__(self, text: str, masked: str, spans: list[tuple[int, int]], quotes: list[Quote]) -> None:
        self.text = text
        self.masked = masked
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.quotes = quotes
        self.frames: list[Frame | None] = []
        self.used_cues: dict[int, tuple[int, int] | None] = {}
        self.full: set[int] = set()
        self.cues = CueIndex(find_cues(masked))
        self.quantities: list[Quantity] = quantities(text)
        self.quantity_starts = [q.start for q in self.quantities]

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    # --- quotations ---------------------------------------------------------------------------

    def quote_drafts(self) -> list[_Draft]:
        """Claims for full quotations (not partial quotes inside reported speech)."""
        drafts: list[_Draft] = []
        for qi, q in enumerate(self.quotes):
            frame, full, lead_in = self._quote_frame(q)
            if not full and self._continues_split(qi):
                frame, full = self.frames[qi - 1], True
            self.frames.append(frame)
            if not full:
                continue
            self.full.add(qi)
            if frame is not None and frame.cue is not None:
                self.used_cues[frame.cue[0]] = frame.source
            start = q.start
            label = _LABEL.match(self.text, q.start, q.end)
            if label and label.group(1).lower() not in cues.NOT_SPEAKER_LABELS:
                frame = Frame(label.span(1), None)
                self.frames[-1] = frame
                start = label.end()
            if lead_in is not None:
                start = lead_in
            end = self._run_on(q, frame)
            drafts.extend(self._pieces(qi, q, start, end, frame))
        self._link(drafts)
        return drafts

    def _quote_frame(self, q: Quote) -> tuple[Frame | None, bool, int | None]:
        """(attribution, whether the quotation is full, start of a subject lead-in).

        Full (a claim of its own): an attribution introduces it (``X said: "``); or one follows
        it and the quotation ends in punctuation or opens its sentence (a short subject before
        it is kept: ``Clinton "is the only candidate," X said``); or it opens its sentence and
        ends in punctuation, ends the sentence, or runs past it. Otherwise it is partial: a
        phrase quoted inside reported speech, or a scare quote.
        """
        si = self.sentence_of(q.start)
        sj = self.sentence_of(max(q.start, q.end - 1))
        ss = self.spans[si][0]
        se = self.spans[sj][1]
        qopen = q.open
        lead = lead_frame(self.masked, ss, qopen, self.cues) if qopen > ss else None
        if qopen == ss and si > 0 and self.text[self.spans[si - 1][1] - 1] == ":":
            lead = lead_frame(self.masked, self.spans[si - 1][0], qopen, self.cues)  # "He said:\n"...
        tail = tail_frame(self.masked, q.close, se, self.cues) if q.closed else None
        lead_text = self.masked[ss:qopen].strip() if qopen > ss else ""
        inner = self.text[q.start : q.end].rstrip()
        ends = bool(inner) and inner[-1] in _ENDS_UTTERANCE
        after = self.masked[q.close : se].strip(" .,;:!?”\"’'") if q.closed else ""
        frame = lead or tail
        if lead is not None and lead.source is None and tail is not None:
            frame = tail
        if lead_text and not lead_text.endswith((":", ",")) and _title_case(inner):
            return frame, False, None  # a quoted title ('the headline "All Bets Are Off."')
        if lead is not None:
            return frame, True, None
        if tail is not None and (ends or not lead_text):
            lead_in = ss if lead_text and MASK not in lead_text else None
            return frame, True, lead_in
        if not lead_text and (ends or not after or not q.closed or si != sj):
            return frame, True, None
        if not q.closed or si != sj:
            return frame, lead_text == "" or len(inner.split()) > 6, None
        return frame, False, None

    def _continues_split(self, qi: int) -> bool:
        """``"A," X said, referring to Y, "B."``: a quotation right after an attributed one in
        the same sentence, with only that attribution between them, continues it."""
        if qi == 0 or qi - 1 not in self.full:
            return False
        prev, q = self.quotes[qi - 1], self.quotes[qi]
        frame = self.frames[qi - 1]
        if frame is None or frame.cue is None or not prev.closed:
            return False
        if self.sentence_of(prev.end) != self.sentence_of(q.start):
            return False
        between = self.masked[prev.close : q.open]
        return prev.end < frame.cue[0] < q.start and between.rstrip().endswith(",")

    def _run_on(self, q: Quote, frame: Frame | None) -> int:
        """End of a quotation's content: the closing mark, or the sentence end when an
        introduced quotation runs on into the sentence (``X said that "A" against B.``)."""
        if frame is None or frame.cue is None or not q.closed or frame.cue[0] > q.start:
            return q.end
        k = self.sentence_of(max(q.start, q.end - 1))
        after = self.masked[q.close : self.spans[k][1]]
        if (
            len(after.split()) < 2
            or MASK in after
            or tail_frame(self.masked, q.close, self.spans[k][1], self.cues)
        ):
            return q.end
        return self.spans[k][1]

    def _pieces(self, qi: int, q: Quote, start: int, end: int, frame: Frame | None) -> list[_Draft]:
        out: list[_Draft] = []
        src = frame.source if frame is not None else None
        cue = frame.cue if frame is not None else None
        for k in range(self.sentence_of(start), self.sentence_of(max(start, end - 1)) + 1):
            ss, se = self.spans[k]
            piece = _strip(self.text, max(start, ss), min(end, se))
            if piece is None:
                continue
            out.append(_Draft("quote", k, [piece], src, cue, quote=qi))
        return out

    def _link(self, drafts: list[_Draft]) -> None:
        """Speakers for quotations without their own attribution; merge split quotations."""
        merged: list[_Draft] = []
        for d in drafts:
            qi = d.quote
            assert qi is not None
            if d.source is None:
                d.inherit = self._donor(qi)
            prev = merged[-1] if merged else None
            if prev is not None and (self._split_pair(prev, d) or self._resumes(prev, d)):
                prev.pieces.extend(d.pieces)
                continue
            merged.append(d)
        drafts[:] = merged

    def _resumes(self, prev: _Draft, d: _Draft) -> bool:
        """``"A," he said. "B. C."``: the sentence right after an attribution that resumes the
        quotation belongs to the attributed claim ("A B"); "C" is a claim of its own."""
        if prev.quote is None or d.quote is None or prev.quote == d.quote:
            return False
        if d.sentence != prev.sentence + 1 or d.source is not None:
            return False
        frame = self.frames[prev.quote]
        q, nxt = self.quotes[prev.quote], self.quotes[d.quote]
        if frame is None or frame.cue is None or frame.cue[0] < q.end or not q.closed:
            return False  # only after an attribution that follows the quotation
        if "\n" in self.text[q.close : nxt.open]:
            return False
        return nxt.open == self.spans[d.sentence][0] and d.pieces[0][0] == nxt.start

    def _attributed(self, qi: int) -> bool:
        frame = self.frames[qi]
        return qi in self.full and frame is not None and frame.source is not None

    def _donor(self, qi: int) -> int | None:
        """The quotation whose speaker an unattributed quotation ``qi`` takes: the nearest
        attributed paragraph of the same multi-paragraph quote (before it, else after it),
        else an attributed quotation in the same or the previous paragraph."""
        chain = self.quotes[qi].chain
        same = [j for j, q in enumerate(self.quotes) if q.chain == chain and self._attributed(j)]
        before = [j for j in same if j < qi]
        if before or same:
            return before[-1] if before else same[0]
        para_start = self.text.rfind("\n", 0, self.quotes[qi].start)
        prev_para = self.text.rfind("\n", 0, max(0, para_start))
        for pj in range(qi - 1, -1, -1):
            if self.quotes[pj].start < prev_para:
                break
            if self._attributed(pj):
                return pj
        return None

    def _split_pair(self, prev: _Draft, d: _Draft) -> bool:
        """``"A," he said, "B."``: the second piece continues the first's claim."""
        if prev.sentence != d.sentence or prev.quote == d.quote or prev.quote is None:
            return False
        if d.quote is None:
            return False
        between = self.masked[self.quotes[prev.quote].close : self.quotes[d.quote].open]
        frame = self.frames[prev.quote]
        if frame is None or frame.cue is None:
            return False
        if MASK in between or not between.rstrip().endswith(","):
            return False
        d_frame = self.frames[d.quote]
        return d_frame is None or d_frame.cue is None or d_frame.cue == frame.cue

    # --- statements ---------------------------------------------------------------------------

    def statement_drafts(self, drafts: list[_Draft]) -> list[_Draft]:
        """Unattributed sentences that state quantities: no claim of their own, no quotation."""
        taken = {d.sentence for d in drafts}
        out: list[_Draft] = []
        for k in sorted({self.sentence_of(q.start) for q in self.quantities} - taken):
            ss, se = self.spans[k]
            piece = _strip(self.text, ss, se)
            if piece is None or MASK in self.masked[ss:se] or not _FOUR_WORDS.search(self.text, *piece):
                continue
            out.append(_Draft("statement", k, [piece], None, None))
        return out

    def numbers(self, pieces: Sequence[tuple[int, int]]) -> tuple[tuple[float, str], ...]:
        """The quantities inside ``pieces`` (from the article's one pass)."""
        out: list[tuple[float, str]] = []
        for a, b in pieces:
            i = bisect.bisect_left(self.quantity_starts, a)
            while i < len(self.quantities) and self.quantities[i].end <= b:
                out.append((self.quantities[i].value, self.quantities[i].unit))
                i += 1
        return tuple(out)

    # --- reported speech -----------------------------------------------------------------------

    def reported_drafts(self, quote_drafts: list[_Draft]) -> list[_Draft]:
        """Claims for reported speech, and for headline labels ("Name: claim")."""
        covered = {d.sentence for d in quote_drafts}
        fences = self._fences(quote_drafts)
        out: list[_Draft] = []
        para_starts = {0} | {m.end() for m in _NEWLINE.finditer(self.text)}
        found = self.cues.found
        starts = [m.start() for m in found]
        for k, (ss, se) in enumerate(self.spans):
            lo, hi = bisect.bisect_left(starts, ss), bisect.bisect_left(starts, se)
            mine = [m for m in found[lo:hi] if m.end() <= se]
            frames = reported_frames(self.masked, ss, se, mine, self.used_cues) if mine else []
            for frame in frames:
                pieces = _fenced(self.masked, frame.content, fences.get(k))
                if not pieces or (k in covered and _masked_share(self.masked, pieces[0]) > 0.5):
                    continue
                out.append(_Draft("reported", k, pieces, frame.source, frame.cue))
            if not frames and k not in covered and ss in para_starts:
                label = self._label(ss, se) or (self._headline(ss, se) if k == 0 else None)
                if label is not None:
                    out.append(label)
        return out

    def _fences(self, quote_drafts: list[_Draft]) -> dict[int, int]:
        """Per sentence, where the first full quotation's own attribution begins: reported
        content stops there ("X said A, and Y replied, "B.""): B is Y's claim, not X's."""
        fences: dict[int, int] = {}
        for d in quote_drafts:
            if d.quote is None:
                continue
            q, frame = self.quotes[d.quote], self.frames[d.quote]
            begin = q.open
            if frame is not None and frame.source is not None and frame.source[0] < q.open:
                begin = frame.source[0]
            fences[d.sentence] = min(begin, fences.get(d.sentence, begin))
        return fences

    def _headline(self, ss: int, se: int) -> _Draft | None:
        """A title-case headline "Christie Calls Clinton 'A Disgrace'": the capitalised cue
        verb splits it into source and claim."""
        words = list(_TOKEN_SPAN.finditer(self.masked, ss, se))
        if len(words) < 4 or sum(w.group()[:1].isupper() for w in words) < 0.7 * len(words):
            return None
        for i in range(1, min(6, len(words) - 2)):
            verb = words[i].group().lower()
            if verb.endswith("s") and verb in cues.ALL_VERBS:
                body = _strip(self.text, words[i + 1].start(), se)
                source = (words[0].start(), words[i - 1].end())
                return _Draft("reported", 0, [body], source, words[i].span()) if body else None
        return None

    def _label(self, ss: int, se: int) -> _Draft | None:
        """A line "Name: claim" where the name occurs elsewhere in the article."""
        m = _LABEL.match(self.masked, ss, se)
        if m is None or m.group(1).lower() in cues.NOT_SPEAKER_LABELS:
            return None
        if m.group(1).split()[0].lower() in cues.PREPOSITIONS | {"about"}:
            return None  # "About The Daily: ...": a heading, not a speaker
        last = m.group(1).split()[-1]
        if self.text.count(last) < 2:
            return None
        body = _strip(self.text, m.end(), se)
        if body is None or len(self.text[body[0] : body[1]].split()) < 3:
            return None
        return _Draft("reported", self.sentence_of(ss), [body], m.span(1), None)


def _title_case(inner: str) -> bool:
    """Whether quoted words are a title ("Collapse: How Societies Choose to Fail")."""
    if len(inner) > 120:
        return False  # titles are short
    words = [w for w in _WORDS.findall(inner) if w.lower() not in _TITLE_SMALL_WORDS]
    return len(words) >= 2 and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def _fenced(masked: str, pieces: Sequence[tuple[int, int]], fence: int | None) -> list[tuple[int, int]]:
    """``pieces`` cut at ``fence`` (a later quotation's attribution), short leftovers dropped."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        if fence is not None and a < fence < b:
            b = fence
            while b > a and masked[b - 1] in " ,;:—–-":
                b -= 1
        if len(masked[a:b].split()) >= 2:
            out.append((a, b))
    return out


def _masked_share(masked: str, piece: tuple[int, int]) -> float:
    a, b = piece
    return masked.count(MASK, a, b) / max(1, b - a)


def _strip(text: str, a: int, b: int) -> tuple[int, int] | None:
    """``[a, b)`` without surrounding spaces, quotation marks and clause punctuation."""
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    # A claim has at least two words: "(CROSSTALK.)" or a lone name is not one.
    return (a, b) if b > a and _TWO_WORDS.search(text, a, b) else None


def _resolve(text: str, drafts: list[_Draft], doc: _Doc) -> list[Claim]:
    """Resolve speakers in text order (pronouns need the speakers before them)."""
    resolver = Resolver(text, doc.starts)
    by_source: dict[tuple[int, int], tuple[str | None, str | None]] = {}
    by_quote: dict[int, tuple[str | None, str | None]] = {}
    claims: list[Claim] = []
    last: tuple[str | None, str | None] = (None, None)
    for d in drafts:
        if d.kind == "statement":
            claims.append(_claim(text, d, (None, None), doc))
            continue
        if d.source is not None:
            if d.source not in by_source:
                src_text = text[d.source[0] : d.source[1]]
                by_source[d.source] = resolver.resolve(parse_source(src_text), d.source[0])
            who = by_source[d.source]
        elif d.inherit is not None:
            frame = doc.frames[d.inherit]
            src = frame.source if frame is not None else None
            if src is not None and src not in by_source:
                by_source[src] = resolver.resolve(parse_source(text[src[0] : src[1]]), src[0])
            who = by_source[src] if src is not None else last
        elif d.kind == "quote" and d.quote is not None and d.quote in by_quote:
            who = by_quote[d.quote]
        else:
            who = (None, None) if d.kind == "reported" else last
        if d.quote is not None:
            by_quote[d.quote] = who
        last = who
        claims.append(_claim(text, d, who, doc))
    return claims


def _claim(text: str, d: _Draft, who: tuple[str | None, str | None], doc: _Doc) -> Claim:
    body = " ".join(text[a:b] for a, b in d.pieces)
    cue = text[d.cue[0] : d.cue[1]] if d.cue is not None else None
    return Claim(
        kind=d.kind,
        speaker=who[0],
        speaker_title=who[1],
        cue=cue,
        text=body,
        start=d.pieces[0][0],
        end=d.pieces[-1][1],
        sentence=d.sentence,
        numbers=doc.numbers(d.pieces),
    )
