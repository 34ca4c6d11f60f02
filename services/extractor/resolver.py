"""Speaker resolution within one article.

``Resolver`` maps a source to the fullest name one article uses for it:

- a bare surname ("Peskov") to the most frequent full form ("Dmitry Peskov");
- a singular description ("the spokesman", "the ministry") to the latest named entity before it
  whose title has that head word and no clashing qualifier or complement ("a spokeswoman for
  Clinton" is not a Trump spokeswoman), or to an institution with that head ("Russian Foreign
  Ministry"); a description relative to someone else ("his lawyer") and a plural one
  ("officials") stay as written;
- a pronoun to the latest speaker it agrees with: "he"/"she" to a person of that gender or of
  unknown gender (first names, titles such as "Mrs." and role nouns such as "spokeswoman" tell
  it; see ``names``), "they" to a group, an institution or a plural description, "it" to an
  institution.

It looks names up on demand (a surname by a targeted search, titles by one scan the first time a
description needs them), so articles cost what their sources need. A source it cannot resolve
stays as written (without its article: "harbor board").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from services.extractor import cues, names
from services.extractor.speakers import NAME_RUN, NAME_WORD, POSSESSIVE, Source, role_core, split_name

# Capitalised words right before a position (searched in a short window ending there).
_NAME_WORD_ONLY = re.compile(NAME_WORD)


def _name_prefix(text: str, at: int, spaced: bool = True) -> int | None:
    """Start of the one to four capitalised words right before ``at`` (behind a space, or
    ending at ``at`` when not ``spaced``), or None: "Dmitry " before "Peskov". Walked back by
    hand: a regex anchored at ``at`` would be tried from every position of its window."""
    start = None
    i = at
    for n in range(4):
        j = i
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        if j == i and (spaced or n):
            break
        k = j
        while k > 0 and not text[k - 1].isspace():
            k -= 1
        if k == j or not _NAME_WORD_ONLY.fullmatch(text, k, j):
            break
        start = i = k
    return start


# Appositive after a name in running text: "Dmitry Peskov, the press secretary of ...,".
_APPOSITIVE = re.compile(r",\s+(?:the|a|an|his|her|its|their)\s+((?:[\w’'-]+\s+){0,8}[\w’'-]+)")

_APPOSITIVE_STOP = frozenset("is was are were has had have who which that and but".split())
# Determiners that introduce someone new ("a spokeswoman", "one official"): not resolved.
_INDEFINITE = frozenset("a an one another some several many two three four".split())
# A lower-case word after a sentence-opening name: it is the subject ("Ann Fox visited").
_SUBJECT = re.compile(
    rf"(?:(?P<role>[A-Z][\w’'-]*(?:[ \t]+[a-z][\w-]*){{1,2}})[ \t]+(?=[A-Z]))?(?P<names>{NAME_RUN.pattern})"
    r"[ \t]+(?:[a-z]+ly[ \t]+)?(?P<verb>[a-z]+)\b"
)
_CONNECTOR_BEFORE = re.compile(r"\b(?:of|for|and|the)[ \t]+$")
_POSSESSOR = frozenset("his her their its our my your".split())
_WORD = re.compile(r"[\w’'-]+")


# Role nouns naming one person: a description with one of these heads may match on its
# qualifier alone ("the French president" -> "his French counterpart, Emmanuel Macron").
_PERSON_ROLES = frozenset(
    "president minister premier chancellor spokesman spokeswoman secretary governor mayor "
    "senator leader counterpart envoy ambassador chairman chairwoman director".split()
)


def gender_of(name: str, title: str | None, text: str) -> str | None:
    """ "m", "f" or None for a person: from the title ("Mrs.", "spokeswoman"), the given name,
    or an honorific used with the surname elsewhere in the article ("Mr. Peskov")."""
    for word in _WORD.findall(title.lower()) if title else ():
        if word in names.MALE_WORDS:
            return "m"
        if word in names.FEMALE_WORDS:
            return "f"
    words = name.split()
    first = words[0].lower()
    if first in names.MALE_NAMES:
        return "m"
    if first in names.FEMALE_NAMES:
        return "f"
    surname = words[-1]
    if f"Mr. {surname}" in text or f"Mr {surname}" in text:
        return "m"
    if any(f"{h} {surname}" in text for h in ("Mrs.", "Ms.", "Mrs", "Ms")):
        return "f"
    return None


@dataclass(slots=True, eq=False)  # entities are compared by identity
class _Entity:
    """A speaker as pronouns see it: whether it can be "he"/"she" (``person``, of ``gender``
    when known) and whether it can be "they"/"it" (``group``)."""

    name: str
    person: bool
    group: bool
    gender: str | None = None


def _appositive_words(phrase: str) -> list[str]:
    """Head words of an appositive ("press secretary" of "press secretary of the president
    said ..."): up to a preposition, a verb or a clause word."""
    out: list[str] = []
    for word in role_core(phrase).lower().split():
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


# A named entity and its titles: (position, head words of its titles, all title words, name).
_Titled = tuple[int, frozenset[str], frozenset[str], str]
# An appositive's opening, from its comma to a position ("Peskov, the press ").
_APPOSITIVE_OPENING = re.compile(r",\s+(?:the|a|an|his|her|its|their)\s+(?:[\w’'-]+\s+){0,8}")


# Up to three more role words, an optional comma, then a name ("counterpart, Emmanuel Macron").
_ROLES_THEN_NAME = re.compile(rf"((?:[ \t]+[\w’'.-]+){{0,3}}?),?[ \t]+({NAME_RUN.pattern})")


def _run_near(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name run that the word at ``[start, end)`` titles: the run it opens or ends
    ("Minister of Water Aurelia Fenn", "Russian Foreign Ministry"), one after it behind other
    role words ("spokesman Peskov", "French counterpart, Emmanuel Macron"), or one before it
    across an appositive ("Peskov, the press secretary")."""
    if text[start].isupper():
        prefix = _name_prefix(text, start)
        run = NAME_RUN.match(text, start)
        if prefix is not None or (run is not None and run.end() > end):
            return (start if prefix is None else prefix, run.end() if run else end)
    m = _ROLES_THEN_NAME.match(text, end)
    if m is not None and all(_is_role_word(w) for w in m.group(1).split()):
        return m.span(2)
    comma = text.rfind(",", max(0, start - 120), start)
    if comma > 0 and _APPOSITIVE_OPENING.fullmatch(text, comma, start):
        name = _name_prefix(text, comma, spaced=False)
        return (name, comma) if name is not None else None
    return None


def _strip_opener(form: str) -> str:
    """An institution's name without a sentence-opening article ("The Water Authority")."""
    return form[4:] if form.startswith("The ") and len(form.split()) > 2 else form


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "’'-_"


def _is_role_word(word: str) -> bool:
    low = word.lower()
    return low in cues.ROLES or low in cues.MODIFIERS or low in cues.TITLES


def _titled(text: str, start: int, end: int) -> _Titled | None:
    """The entity named at ``[start, end)`` with the words of its titles: before the name,
    inside the name run ("President Putin") and in an appositive after it."""
    name, title = split_name(text[start:end])
    if name is None or name.count(" ") > 4:
        return None  # a title-case headline, not a name
    title_words = _title_before(text, start)  # nearest first: its head is [0]
    heads = title_words[:1]
    if title:
        words = title.lower().replace(".", "").split()
        title_words += words
        heads += role_core(title).lower().replace(".", "").split()[-1:]
    app = _APPOSITIVE.match(text, end)
    if app:
        words = _appositive_words(app.group(1))
        title_words += words + app.group(1).lower().split()
        heads += words[-1:]
    if not title_words and not is_org(name):
        return None
    return (start, frozenset(heads), frozenset(title_words), name)


@lru_cache(maxsize=8192)
def is_org(name: str) -> bool:
    """Whether a name looks like an institution rather than a person."""
    words = name.lower().split()
    return bool(words) and (words[-1] in cues.ORG_HEADS or name.isupper() or len(words) > 4)


class Resolver:
    """Resolves sources within one article; see the module docstring."""

    def __init__(self, text: str, sentence_starts: Sequence[int] = ()) -> None:
        self._text = text
        self._starts = sentence_starts
        self._observed = 0  # sentences whose subjects are known to the pronoun history
        self._fullest: dict[str, str] = {}  # name as written -> fullest form (cache)
        self._forms: dict[tuple[str, bool], dict[str, int]] = {}  # surname -> its full forms
        self._descs: list[str] = []  # descriptions used as sources ("Russian foreign ministry")
        self._titled: dict[str, list[_Titled]] = {}  # word -> entities titled with it
        self._lower = text.lower()
        self._entities: dict[str, _Entity] = {}
        self._recent: list[_Entity] = []  # speakers, most recently mentioned last

    def _near(self, word: str) -> list[_Titled]:
        """Named entities written next to an occurrence of ``word`` in the article, with the
        words of their titles: "spokesman Dmitry Peskov", "Dmitry Peskov, the spokesman",
        "the deputy governor, Tobias Wren", "Russian Foreign Ministry". Looked up the first time
        a description needs the word (most articles never need any), then kept."""
        found = self._titled.get(word)
        if found is not None:
            return found
        text, lower = self._text, self._lower
        found = []
        at = lower.find(word)
        while at >= 0:
            end = at + len(word)
            whole = (at == 0 or not _word_char(lower[at - 1])) and (
                end == len(lower) or not _word_char(lower[end])
            )
            run = _run_near(text, at, end) if whole else None
            entry = _titled(text, *run) if run is not None else None
            if entry is not None:
                found.append(entry)
            at = lower.find(word, end)
        self._titled[word] = found
        return found

    def resolve(self, source: Source, pos: int) -> tuple[str | None, str | None]:
        """(speaker, title) for ``source`` mentioned at ``pos``; remembers it for pronouns."""
        self._observe(pos)
        if source.pronoun is not None:
            return self._pronoun(source.pronoun), None
        if source.name is not None:
            name = self.fullest(source.name)
            self._remember(name, source.title)
            return name, source.title
        desc = source.description or source.text
        head = source.head or ""
        if head in cues.UTTERANCES and self._recent:
            return self._recent[-1].name, desc  # "according to the statement": the last source's
        found = None if self._someone_else(source, pos) else self._describe(desc, pos)
        if found is not None:
            self._remember(found, desc)
            return found, desc
        if any(w[:1].isupper() for w in desc.split()):
            self._descs.append(desc)  # "Russian foreign ministry": later "the ministry"
        plural = head.endswith("s") and not head.endswith("ss")
        person = not plural and head in _PERSON_ROLES | names.MALE_WORDS | names.FEMALE_WORDS
        self._mention(_Entity(desc, person, not person, gender_of(desc, desc, "") if person else None))
        return desc, None

    def _someone_else(self, source: Source, pos: int) -> bool:
        """Whether a description introduces someone new ("a spokesman", "one official") or is
        relative to someone else ("his lawyer"): then it names no one the article named."""
        before = self._text[max(0, pos - 12) : pos].split()
        words = [*before[-1:], *source.text.split()[:1]]
        return any(w.lower() in _INDEFINITE or w.lower() in _POSSESSOR for w in words)

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
        counts = self._forms_of(name if org else words[-1], org)
        best = max(counts, key=lambda f: (counts[f], len(f.split())), default=name)
        return best if len(best.split()) > len(words) else name

    def _forms_of(self, tail: str, org: bool) -> dict[str, int]:
        """How often each multi-word form ending in ``tail`` occurs (once per surname)."""
        key = (tail, org)
        found = self._forms.get(key)
        if found is not None:
            return found
        counts: dict[str, int] = {}
        text = self._text
        at = text.find(tail)
        while at >= 0:
            end = at + len(tail)
            prefix = _name_prefix(text, at)
            at = text.find(tail, end)
            if prefix is None or (end < len(text) and (text[end].isalnum() or text[end] in "-")):
                continue
            if not org and _CONNECTOR_BEFORE.search(text, max(0, prefix - 6), prefix):
                continue  # "Minister of Water Aurelia Fenn": "Water" ends a title, not the name
            form = _strip_opener(text[prefix:end]) if org else split_name(text[prefix:end])[0]
            if form is None or (not org and (len(form.split()) < 2 or is_org(form))):
                continue
            form = POSSESSIVE.sub("", form)
            counts[form] = counts.get(form, 0) + 1
        self._forms[key] = counts
        return counts

    def _describe(self, desc: str, pos: int) -> str | None:
        """The entity a description refers to: the latest named entity whose title has the
        description's head noun and no clashing qualifier ("the Russian spokesman") or
        complement ("a spokeswoman for Clinton"), else an institution with that head ("the
        ministry" -> "Russian foreign ministry")."""
        core = role_core(desc).split()
        words = [w.strip(",.").lower() for w in core]
        if not words or words[0] in _POSSESSOR or words[0].endswith(("’s", "'s")):
            return None  # "his lawyer", "Trump's spokesman": someone else's, named or not
        head = words[-1]
        if head.endswith("s") and not head.endswith("ss"):
            return None  # "officials", "sources": a group, not one entity named earlier
        quals = {w for w in words[:-1] if w not in cues.MODIFIERS}
        quals |= {w.lower() for w in core[:-1] if w[:1].isupper()} - {"the", "a", "an"}
        complement = {w.lower() for w in desc.split()[len(core) :] if w[:1].isupper()}
        best: tuple[int, int, str] | None = None
        orgs: list[tuple[int, str]] = []
        for word in (head, *sorted(quals)):
            for tpos, heads, title_words, name in self._near(word):
                if tpos > pos:
                    continue
                if is_org(name) and name.lower().split()[-1] == head:
                    orgs.append((tpos, name))
                if complement and not complement & title_words:
                    continue
                score = 2 * (head in heads) + len(quals & title_words)
                score -= len(quals - title_words) if head in heads else 0
                if score >= 1 and (best is None or (score, tpos) >= best[:2]):
                    best = (score, tpos, name)
        if best is not None and (best[0] >= 2 or head in _PERSON_ROLES):
            return self.fullest(best[2])
        for org in reversed(self._descs + [name for _, name in sorted(orgs)]):
            org_words = org.lower().split()
            if org_words[-1] == head and (not quals or quals & set(org_words)):
                return org
        return None

    def _observe(self, pos: int) -> None:
        """Named subjects of the sentences before ``pos`` join the pronoun history: a person
        who acts in one sentence ("Governor Ann Fox visited the dam.") may speak in the next
        ("'It is safe,' she said.")."""
        starts, text = self._starts, self._text
        while self._observed < len(starts) and starts[self._observed] <= pos:
            start = starts[self._observed]
            self._observed += 1
            space = text.find(" ", start, start + 16)
            if space < 0 or (text[start:space] in cues.NOT_NAMES and text[space + 1 : space + 2].islower()):
                continue  # "The president said": no named subject
            m = _SUBJECT.match(text, start)
            if m is None or m.group("verb") in cues.FUNCTION_WORDS or m.group("verb") in cues.ROLES:
                continue  # "Merrow Capital economist Ruben Oyelaran": a title, not a verb
            for part in m.group("names").split(" and "):  # "Mr. Lund and Ms. Varga spoke"
                name, title = split_name(part)
                if name is None or is_org(name):
                    continue
                full = self.fullest(name)
                title = " ".join(t for t in (m.group("role"), title) if t) or None
                if " " in full or title:  # a one-word subject only when the article names it fully
                    self._remember(full, title)

    def _remember(self, name: str, title: str | None) -> None:
        """Record a named speaker for pronouns: an institution is a group; a one-word name
        that no fuller form explains ("Ricci" or "Moscow") may be either."""
        entity = self._entities.get(name)
        if entity is None:
            org = is_org(name)
            either = not org and len(name.split()) == 1 and self.fullest(name) == name
            gender = None if org else gender_of(name, title, self._text)
            entity = _Entity(name, not org, org or (either and gender is None), gender)
            self._entities[name] = entity
        self._mention(entity)

    def _mention(self, entity: _Entity) -> None:
        if entity in self._recent:
            self._recent.remove(entity)
        self._recent.append(entity)

    def _pronoun(self, pronoun: str) -> str | None:
        """The latest speaker a pronoun agrees with; "he"/"she" fix an unknown gender."""
        want = {"he": "m", "she": "f"}.get(pronoun)
        for entity in reversed(self._recent):
            if want is not None and entity.person and entity.gender in (want, None):
                entity.gender = want
                return entity.name
            if pronoun == "i" and entity.person:
                return entity.name
            if pronoun in ("they", "it", "we") and entity.group:
                return entity.name
        return None
