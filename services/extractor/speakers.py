"""Speaker phrases: split a source noun phrase into name and title, and resolve it in the article.

``parse_source("Kremlin spokesman Dmitry Peskov")`` gives name "Dmitry Peskov" and title
"Kremlin spokesman"; descriptions without a name ("the Russian foreign ministry") keep their
words as the description; pronouns are kept as pronouns.

``Resolver`` knows every proper name and title written in one article (it scans the text once)
and the speakers resolved so far, and maps a source to the fullest name the article uses for it:
a bare surname ("Peskov") to the full name seen ("Dmitry Peskov"), a description ("the
spokesman", "the ministry") to the named entity whose title or name has that head word, a
pronoun to the latest fitting speaker. A source it cannot resolve stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.extractor import cues

# A run of capitalised words, allowing initials, inner connectors and possessive endings.
_NAME_WORD = (
    r"(?:(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Adm|Maj|Rev|Sens|Reps|Jr|"
    r"Sr|St|Prof|Del|Ft|Mt)\.|[A-Z][\w’'&-]*)"
)
_NAME_RUN = re.compile(
    rf"{_NAME_WORD}(?:[ \t]+(?:(?:of|for|on|and|the|de|da|van|von|bin|al|la|le|del)[ \t]+)*"
    rf"{_NAME_WORD})*"
)
_WORD = re.compile(r"[\w’'.&-]+")
_PAREN = re.compile(r"\s*\([^)]*\)")
_POSSESSIVE = re.compile(r"[’']s?$")
_CARRIER_OF = re.compile(
    r"^(?:an?|the|this|that)?\s*(?:[\w-]+\s+){0,2}?(?:%s)\s+(?:of|by|from)\s+(.+)$"
    % "|".join(sorted(cues.CARRIERS)),
    re.IGNORECASE,
)
_CARRIER_POSS = re.compile(
    r"^(.+?)[’']s?\s+(?:[\w-]+\s+){0,2}?(?:%s)\b.*$" % "|".join(sorted(cues.CARRIERS)),
    re.IGNORECASE,
)
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
_ORG_HEADS = frozenset(
    "ministry council committee commission department agency office court party union "
    "association institute foundation university center centre bank fund company corp "
    "corporation inc group times post news network service services kremlin government "
    "administration house senate congress parliament assembly republic federation states "
    "nations organization organisation board bureau authority police army forces".split()
)


# Role nouns naming one person: a description with one of these heads may match on its
# qualifier alone ("the French president" -> "his French counterpart, Emmanuel Macron").
_PERSON_ROLES = frozenset(
    "president minister premier chancellor spokesman spokeswoman secretary governor mayor "
    "senator leader counterpart envoy ambassador chairman chairwoman director".split()
)


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
    text = _PAREN.sub("", text).strip(" ,;:—–-\"“”")
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


def is_org(name: str) -> bool:
    """Whether a name looks like an institution rather than a person."""
    words = name.lower().split()
    return bool(words) and (words[-1] in _ORG_HEADS or name.isupper() or len(words) > 4)


class Resolver:
    """Resolves sources within one article; see the module docstring."""

    def __init__(self, text: str) -> None:
        self._surnames: dict[str, str] = {}  # lower surname -> fullest person name
        self._orgs: list[str] = []  # institution names, in order seen
        self._descs: list[str] = []  # descriptions used as sources ("Russian foreign ministry")
        self._titled: list[tuple[int, frozenset[str], str]] = []  # (pos, title words, name)
        self._last_person: str | None = None
        self._last_group: str | None = None
        self._last: str | None = None
        self._scan(text)

    def _scan(self, text: str) -> None:
        """Collect names, their titles and appositives from the whole article once."""
        for m in _NAME_RUN.finditer(text):
            phrase = m.group()
            name, title = _split_name(phrase)
            if name is None:
                continue
            title_words = _title_before(text, m.start())
            if title:
                title_words += title.lower().replace(".", "").split()
            app = _APPOSITIVE.match(text, m.end())
            if app:
                title_words += _appositive_words(app.group(1))
            self._add_name(name, m.start(), title_words)

    def _add_name(self, name: str, pos: int, title_words: list[str]) -> None:
        words = name.split()
        if is_org(name):
            self._orgs.append(name)
        elif len(words) >= 2:
            key = words[-1].lower()
            known = self._surnames.get(key)
            if known is None or len(known.split()) < len(words):
                self._surnames[key] = name
        if title_words:
            self._titled.append((pos, frozenset(title_words), name))

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
        """The fullest form of a person's name in the article ("Peskov" -> "Dmitry Peskov")."""
        words = name.split()
        full = self._surnames.get(words[-1].lower()) if words else None
        if full is not None and len(full.split()) > len(words) and full.endswith(words[-1]):
            return full
        for org in self._orgs:  # "the Foreign Ministry" -> "Russian Foreign Ministry"
            if org.lower().endswith(name.lower()) and len(org) > len(name):
                return org
        return name

    def _describe(self, desc: str, pos: int) -> str | None:
        """The entity a description refers to: the latest named entity whose title has the
        description's head noun and no clashing qualifier ("the Russian spokesman"), else an
        institution with that head ("the ministry" -> "Russian foreign ministry")."""
        core = _core(desc).split()
        words = [w.strip(",.").lower() for w in core]
        if not words:
            return None
        head = words[-1]
        quals = {w for w in words[:-1] if w not in cues.MODIFIERS}
        quals |= {w.lower() for w in core[:-1] if w[:1].isupper()} - {"the", "a", "an"}
        best: tuple[int, int, str] | None = None
        for tpos, title_words, name in self._titled:
            if tpos > pos:
                continue
            score = 2 * (head in title_words) + len(quals & title_words)
            score -= len(quals - title_words) if head in title_words else 0
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
        self._last = name
        if is_org(name) or len(name.split()) == 1 and name.lower() not in self._surnames:
            self._last_group = name
        else:
            self._last_person = name

    def _pronoun(self, pronoun: str) -> str | None:
        if pronoun in cues.PERSON_PRONOUNS or pronoun in ("i",):
            return self._last_person
        if pronoun in ("they", "it", "we"):
            return self._last_group
        return None
