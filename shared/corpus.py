"""Deterministic synthetic news corpus for benchmarks (``claimwire gen-corpus N``).

Everything here is invented: the country (Lysandria), its towns, people, institutions, outlets and
events, and every sentence template. Articles are composed from the templates below (events ×
speakers × statements), so thousands of distinct articles come out of a few hundred lines of data.

Contracts:

- ``generate(n, spec)`` yields ``n`` dicts in the public input schema (``id``, ``url``, ``outlet``,
  ``title``, ``published_at``, ``text``), deterministic for a given ``(n, spec)``, and the first ``k``
  of ``generate(n)`` equal ``generate(k)``: article ``i`` depends only on the spec and on articles
  ``< i`` (one ``random.Random`` stream for the articles; events and outlets draw from their own
  ``random.Random`` seeded with ``f"{seed}:..."`` strings, which hash with SHA-512, not ``hash()``).
- Texts are 3–5 KB (UTF-8), paragraphs separated by ``"\\n"``, wrapped in the outlet's boilerplate
  (share bar, byline, dateline, photo caption, "See also", newsletter/donation appeal, comment
  form, copyright); most boilerplate lines are identical across an outlet's articles.
- Each original article covers one of a few current events (a new one every EVENT_EVERY articles)
  and has 6–12 body paragraphs: a lede, facts and background with figures, and 8–15 claim
  sentences by 3–5 speakers (direct quotes in straight or curly marks, attribution before or after,
  split and two-sentence quotes, reported speech, denials), introduced once in full and then
  referred to by surname, pronoun or description ("the minister"). Some body sentences carry
  non-breaking spaces ("4.5\u00a0percent").
- Each (event, speaker) has a pool of POOL_SIZE statements (mostly the event's talking points).
  With probability ``repeated_share`` a claim reuses one, verbatim or paraphrased (synonyms,
  contractions, an adverb in or out, the connector clause moved first), possibly in the other
  voice (quote vs reported speech); otherwise it is a fresh statement from a large generic grammar
  with its own figures, which rarely coincides with another.
- With probability ``syndicated_share`` an article is a copy of one of the RECENT newest original
  articles of another outlet: same title and body with one sentence edited, in its own boilerplate.
"""

from __future__ import annotations

import functools
import random
import re
from collections import deque
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar

__all__ = ["CorpusSpec", "generate"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """What to generate; every field changes the output, none changes its schema."""

    seed: int = 7
    outlets: int = 8  # fictional outlets, each with its own boilerplate style
    repeated_share: float = 0.3  # share of statements repeated (verbatim or paraphrased) across outlets
    syndicated_share: float = 0.05  # share of articles that are near-verbatim copies of another outlet's one
    start: str = "2026-01-01"  # first published_at date


# ---------------------------------------------------------------------------------------- world
# Template language: "[a|b|c]" picks one option (no nesting), then "{key}" is filled from the
# event context (str.format_map). In statements, "{we} {are} {have} {do} {were} {our}" are the
# speaker's voice: "we are" in a quote, "the union is" (or "she is") in reported speech, and
# "{x_...}" are figures drawn for that one statement (FIGURES). A " ~" splits a statement into its
# main clause and a clause led by a connector ("until ...").

COUNTRY = "Lysandria"
CAPITAL = "Aldmere"
PLACES = (
    "Brackwater", "Calderwick", "Ferrowby", "Hollin Bay", "Istermouth", "Kelvedge", "Lorrimer",
    "Marrow Cross", "Pellbridge", "Quenby", "Rothwick", "Saltery", "Tarnhollow", "Ulverby",
    "Wendlecombe", "Yarrowford", "Dunsel", "Gorranby",
)  # fmt: skip
RIVERS = ("Quell", "Ambry", "Corran", "Lisk", "Tamber", "Orle")
UNIVERSITIES = (
    "the University of Aldmere", "Brackwater Polytechnic", "the Lysandrian Institute of Economics",
    "Calderwick University", "the Northern Research Institute", "Pellbridge University",
)  # fmt: skip
FIRST_F = (
    "Anja", "Berit", "Clara", "Dagny", "Elin", "Freya", "Greta", "Hanna", "Ines", "Johanna", "Karin",
    "Liv", "Maren", "Nora", "Oda", "Petra", "Runa", "Sigrid", "Tilde", "Vera", "Ylva", "Zofia",
    "Amira", "Lucia",
)  # fmt: skip
FIRST_M = (
    "Anton", "Bram", "Casper", "Dmitri", "Emil", "Felix", "Gustav", "Henrik", "Isak", "Jonas",
    "Kasimir", "Leon", "Magnus", "Nils", "Oskar", "Pavel", "Rasmus", "Stellan", "Tobias", "Viktor",
    "Wilhelm", "Yusuf", "Marco", "Teodor",
)  # fmt: skip
SURNAMES = (
    "Ambrell", "Brannvik", "Corsley", "Dalmark", "Eskett", "Fallowby", "Grennard", "Halvarsen",
    "Isberg", "Jorvane", "Kettleby", "Lindmark", "Moravec", "Norcott", "Orvane", "Pellow",
    "Rosskill", "Selwyn", "Tollander", "Ulvestad", "Vantrell", "Westerby", "Zelnik", "Achterberg",
    "Boskovar", "Crennan", "Drummery", "Edvalsen", "Farrance", "Gisholt", "Haverly", "Kolstrand",
    "Marchetti", "Navasky", "Ostby", "Prewett", "Rainsford", "Strommen", "Thackery", "Wellbeck",
)  # fmt: skip
OUTLET_PREFIXES = (
    "Riverside", "Northgate", "Harbourside", "Eastbrook", "Westmarch", "Highmoor", "Lakeshore",
    "Stonebridge", "Greyhaven", "Brackenford", "Fernhill", "Saltmarsh",
)  # fmt: skip
OUTLET_KINDS = (
    "Gazette", "Herald", "Courier", "Ledger", "Post", "Chronicle", "Observer", "Wire", "Sentinel",
    "Dispatch", "Bulletin", "Record",
)  # fmt: skip
MAX_OUTLETS = len(OUTLET_PREFIXES) * len(OUTLET_KINDS)
OWNERS = ("Corvane", "Brightwell", "Ashgrove", "Tallis", "Merriden", "Holloway")
REGIONS = ("the northern coast", "the river valleys", "the capital", "the western hills", "the lake country")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
SMALL_WORDS = ("two", "three", "four", "five", "six")
COUNT_WORDS = ("three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
ORDINALS = ("second", "third", "fourth", "fifth", "sixth")


@dataclass(frozen=True, slots=True)
class _Role:
    """A kind of speaker in an event. ``we`` is who "we" means in reported speech ("" = the
    speaker alone: "I"/"she"); ``pre`` is a title that may stand before the name."""

    side: str  # con | pro | gov | neutral | local
    appos: str  # "the general secretary of {org_a}"
    desc: str  # "the union leader"
    we: str = ""
    pre: str = ""


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of news event: its cast, its wording, and what each side says."""

    section: str
    variants: tuple[tuple[tuple[str, str], ...], ...]  # context keys, filled in order
    roles: tuple[_Role, ...]  # roles[0] leads the objections, roles[1] defends the issue
    headlines: tuple[str, ...]
    ledes: tuple[str, ...]
    facts: tuple[str, ...]
    background: tuple[str, ...]  # longer context sentences
    scenes: tuple[str, ...]
    closings: tuple[str, ...]
    con: tuple[str, ...]
    pro: tuple[str, ...]
    gov: tuple[str, ...]
    neutral: tuple[str, ...]
    local: tuple[str, ...]
    acc_con: tuple[str, ...]  # what the objectors are accused of (and deny)
    acc_pro: tuple[str, ...]  # what the defenders are accused of (and deny)


GENERIC_CON = (
    "{issue} will [hurt|damage|hit] [families on low incomes|small shops on the high street|older people who live alone|young families|people on short-term contracts|the poorest streets in {place}|people who have lived here all their lives] [for years|for a generation|long after this dispute is over|more than anyone at {org_b_short} admits]",  # noqa: E501
    "{we} {have} [asked for|requested|demanded] [a meeting|a proper consultation|the full figures|an independent review|a public hearing] {x_times} times since {x_month}, and {we} {have} [heard nothing|not had a single reply|been ignored every time]",  # noqa: E501
    "{org_b_short} [ignored|dismissed|never even read] [{our} report|a petition signed by {x_num} people|the advice of its own experts|every objection raised at the consultation|the warnings from staff]",  # noqa: E501
    "the real reason for {issue} is [money|a deal that was done behind closed doors|to make the accounts look better|that nobody at {org_b_short} wants to admit a mistake]",  # noqa: E501
    "{we} will [keep protesting|not stop|keep fighting|take this to court] ~until {issue_short} is [withdrawn|dropped|put to a public vote]",  # noqa: E501
    "[{x_pct} percent of|most of|almost all of] [{our} members|the people {we} {have} spoken to|the residents who came to the meeting] [oppose|reject|are angry about] {issue_short}",  # noqa: E501
    "{place} will [feel|live with|pay for] the damage [for a generation|for decades|for years to come] ~if {issue_short} goes ahead",  # noqa: E501
    "nobody [asked|consulted|warned] [the people of {place}|{group}|local businesses] before {issue} was [announced|signed off|made public]",  # noqa: E501
    "this is not a negotiation, it is [an ultimatum|a done deal|a public relations exercise]",
    "{org_b_short} has known about [these problems|the risks|the gap in the figures] for [months|years|at least {x_weeks} years]",  # noqa: E501
    "the numbers behind {issue} [do not add up|have never added up|were wrong from the start]",
    "{group} are being asked to pay for [mistakes they did not make|decisions taken by other people|years of bad management]",  # noqa: E501
    "there is still time to [stop|pause|rethink] {issue_short}, but [not much|only if {org_b_short} acts this week|the clock is ticking]",  # noqa: E501
    "{issue} was [rushed|pushed|waved] through [without proper scrutiny|without a proper debate|in a meeting that lasted less than an hour]",  # noqa: E501
    "{we} {are} [ready to keep going for as long as it takes|not going anywhere|stronger than {org_b_short} thinks]",  # noqa: E501
)
GENERIC_PRO = (
    "{issue} will [protect|secure|create] [around {x_num} jobs|the future of {place}|services for the next decade|the money needed for repairs]",  # noqa: E501
    "{we} {have} [offered|proposed|put forward] [extra support for those affected|a phased timetable|a review after {x_weeks} years|a hardship fund|regular public meetings|an independent monitor]",  # noqa: E501
    "doing nothing would cost {place} [far more|at least {x_num} million crowns|its best chance of growth] [in the long run|over the next decade|within {x_weeks} years]",  # noqa: E501
    "the door to talks [remains|is still] open, but {we} will not [go back to square one|reopen every question|be held to ransom]",  # noqa: E501
    "{we} {do} understand the [concern|frustration|anger] [in {place}|among {group}|on the streets], but the evidence is clear",  # noqa: E501
    "every [figure|estimate|assumption] in {issue} has been [checked|tested|reviewed] by [independent auditors|outside experts|{x_weeks} separate teams]",  # noqa: E501
    "{we} {are} confident that {issue_short} will [stand up to scrutiny|deliver what it promises|prove its worth] [within {x_weeks} years|by {x_year}|in time]",  # noqa: E501
    "nobody [takes a decision like this lightly|enjoys making choices like these|wanted to be in this position]",  # noqa: E501
    "the alternative is [deeper cuts|higher bills|a slow decline|losing {x_num} jobs] [next year|within {x_weeks} years|by {x_year}]",  # noqa: E501
    "{we} {have} already set aside {x_num} thousand crowns to [help|support|compensate] [those affected|families in {place}|staff who lose out]",  # noqa: E501
    "the claims made about {issue_short} [in recent days|this week|on social media|at {x_day}'s meeting] are [simply wrong|misleading|not supported by the facts]",  # noqa: E501
    "{we} will not change course ~unless [the evidence changes|someone comes up with a better plan|the regulator orders it]",  # noqa: E501
    "{we} will keep talking ~as long as [there is something to talk about|both sides are acting in good faith|talks are making progress]",  # noqa: E501
    "{we} {have} [met|spoken to|sat down with] [{org_a_short}|the campaigners|local representatives] {x_times} times since {x_month}",  # noqa: E501
)
GENERIC_GOV = (
    "{we} will not intervene [at this stage|for now|while talks are continuing|unless both sides ask]",
    "{we} {are} following the situation [closely|very closely|hour by hour|with concern]",
    "both sides have a duty to [get back to the table|find a solution|put the public first] [quickly|without delay|this week|before {x_day}]",  # noqa: E501
    "{we} {have} made {x_mn} million crowns available to [help|support] [those affected|the people of {place}|local businesses]",  # noqa: E501
    "the law is clear, and {we} will [apply|enforce|uphold] it",
    "nobody benefits from a long dispute, least of all [the people of {place}|{group}|the taxpayer]",
    "{we} will publish [a full review|the figures|an independent assessment|all the advice ministers received] [by {x_month}|within {x_weeks} weeks|before the summer]",  # noqa: E501
    "{we} will step in ~if [talks break down completely|the situation gets worse|public safety is at risk]",
    "{we} will act ~as soon as [the review is published|the full facts are known|both sides have been heard]",
    "[{x_pct} percent|more than half|nearly a third] of the money promised to {place} [has already been paid|was agreed last year|is still unspent]",  # noqa: E501
)
GENERIC_NEUTRAL = (
    "both sides are further apart than they have been [at any point this year|since {x_month}|in a long time]",  # noqa: E501
    "the real test will come [in the next {x_weeks} weeks|before the end of {x_month}|when the first figures are published|at {x_day}'s meeting]",  # noqa: E501
    "a compromise is possible if both sides stop [talking through the press|trading insults|setting preconditions]",  # noqa: E501
    "the evidence so far [is mixed|points both ways|does not settle the question|is thinner than either side claims]",  # noqa: E501
    "{issue} [could|may|is likely to] [cost|save] [more than either side admits|around {x_mn} million crowns|less than the headlines suggest]",  # noqa: E501
    "[voters|residents|people in {place}] will remember how this was handled [at the next election|for a long time|when the bills arrive]",  # noqa: E501
    "nobody should expect a quick [resolution|fix|settlement|end to this]",
    "the government will have to [step in|take a position|pick a side] [sooner or later|before the summer|within weeks]",  # noqa: E501
    "this could drag on for [months|the rest of the year|{x_weeks} more weeks] ~unless one side gives ground",
    "[similar|comparable] disputes in other [regions|countries] have taken [{x_weeks} months|more than a year|years] to resolve",  # noqa: E501
    "about {x_pct} percent of [the cost|the problem|the pressure] comes down to [decisions taken years ago|poor planning|factors nobody could control]",  # noqa: E501
)
GENERIC_LOCAL = (
    "{we} {have} lived in {place} for [thirty|forty|twenty|eighteen|fifty] years and {we} {have} never seen anything like this",  # noqa: E501
    "people here feel [forgotten|ignored|let down|taken for granted]",
    "it is the [uncertainty|waiting|silence|not knowing] that is [hardest|worst|wearing everyone down]",
    "{we} {are} worried about [the winter|next year|what happens to the children|paying the bills|{our} job]",
    "{we} {do} not know how much longer {we} can [carry on|manage|wait|afford to stay]",
    "the people making these decisions have never [been to {place}|met anyone who lives here|had to live with the consequences]",  # noqa: E501
    "{we} {were} never told what {issue_short} would mean for {our} [family|street|business]",
    "{we} will keep going to every meeting ~until someone [listens|gives a straight answer|takes responsibility]",  # noqa: E501
    "{we} will have to [move away|close the shop|find another job] ~if nothing changes",
    "{we} {have} already [lost|spent|given up] [{x_num} crowns|{x_weeks} weeks of work|a lot of sleep] because of this",  # noqa: E501
    "[half|most|nearly all] of [the street|{our} neighbours|the people {we} know] feel the same way",
)
GENERIC_ACC_GOV = (
    "the government had [quietly|secretly|privately] [backed|approved|encouraged] {issue}",
    "ministers had been warned about the [problem|risk|cost] [months|a year|{x_weeks} years] ago",
)
TAILS = {  # clauses that may follow a statement without a comma of its own
    "con": (
        "and {we} will keep saying so",
        "but nobody at {org_b_short} seems willing to listen",
        "and that is why {we} {are} still here",
        "and everyone in {place} knows it",
    ),
    "pro": (
        "and {we} {are} ready to explain every part of it",
        "but {we} will not pretend it is painless",
        "and {we} will say that to anyone who asks",
    ),
    "gov": (
        "but {our} patience is not unlimited",
        "and {we} {are} expecting an answer this week",
    ),
    "neutral": (
        "but neither side has shown much sign of moving",
        "and that should worry everyone involved",
    ),
    "local": (
        "and nobody has explained why",
        "but {we} will not give up",
    ),
}
CONNECTORS = ("as long as", "as soon as", "because", "until", "unless", "but", "and", "when", "if")
REORDERABLE = frozenset({"as long as", "as soon as", "because", "until", "unless", "when", "if"})
ADVERBS = ("clearly", "simply", "certainly")
LEADING_ADVERBS = ("frankly", "honestly")  # these open a quote: "Frankly, ..."
SYNONYMS = (
    ("plan", "proposal"), ("families", "households"), ("money", "funding"), ("problems", "failings"),
    ("figures", "numbers"), ("talks", "negotiations"), ("damage", "harm"),
    ("help", "support"), ("announced", "unveiled"), ("wrong", "false"), ("ready", "prepared"),
    ("proper", "real"), ("every", "each"), ("nobody", "no one"), ("sooner or later", "eventually"),
    ("worry", "concern"), ("quickly", "swiftly"), ("withdrawn", "scrapped"), ("closely", "carefully"),
)  # fmt: skip
ONE_WAY_SYNONYMS = (("around", "about"), ("decision", "choice"))  # "worried about", "no choice"
CONTRACTIONS = (
    ("will not", "won't"), ("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't"),
    ("is not", "isn't"), ("are not", "aren't"), ("have not", "haven't"), ("has not", "hasn't"),
    ("cannot", "can't"), ("would not", "wouldn't"), ("it is", "it's"),
)  # fmt: skip

_STAFF_SPOKES = "a {spokes} for {org_b}"

STRIKE = _Kind(
    section="Business",
    variants=(
        (
            ("group", "dockworkers"),
            ("site", "the port of {place}"),
            ("thing", "container traffic"),
            ("org_a", "the {place} Dockworkers' Union"),
            ("org_a_short", "the union"),
            ("org_b", "the {place} Port Authority"),
            ("org_b_short", "the port authority"),
            ("issue", "[the automation plan|the plan to automate the container terminal]"),
            ("issue_short", "the plan"),
        ),
        (
            ("group", "bus drivers"),
            ("site", "the {place} bus network"),
            ("thing", "most bus services in the city"),
            ("org_a", "the Transport Workers' Federation"),
            ("org_a_short", "the federation"),
            ("org_b", "{place} City Transit"),
            ("org_b_short", "the operator"),
            ("issue", "[the new shift rota|the new rota for weekend shifts]"),
            ("issue_short", "the rota"),
        ),
        (
            ("group", "warehouse staff"),
            ("site", "the Corvell Logistics depot outside {place}"),
            ("thing", "parcel deliveries across the region"),
            ("org_a", "the General Workers' Union"),
            ("org_a_short", "the union"),
            ("org_b", "Corvell Logistics"),
            ("org_b_short", "the company"),
            ("issue", "[the latest pay offer|the two-year pay offer]"),
            ("issue_short", "the offer"),
        ),
        (
            ("group", "refuse collectors"),
            ("site", "the {place} council depot"),
            ("thing", "rubbish collections in the city"),
            ("org_a", "the Municipal Staff Union"),
            ("org_a_short", "the union"),
            ("org_b", "{place} City Council"),
            ("org_b_short", "the council"),
            ("issue", "the plan to outsource waste collection"),
            ("issue_short", "the plan"),
        ),
    ),
    roles=(
        _Role("con", "the general secretary of {org_a}", "the union leader", "{org_a_short}"),
        _Role("pro", "the chief executive of {org_b}", "the chief executive", "{org_b_short}"),
        _Role("pro", _STAFF_SPOKES, "the {spokes}", "{org_b_short}"),
        _Role("gov", "the labour minister", "the minister", "the government", "Labour Minister"),
        _Role("neutral", "a labour economist at {uni}", "the economist"),
        _Role("local", "one of the {group} on the picket line", "the striker"),
    ),
    headlines=(
        "{group} walk out at {site} over {issue}",
        "strike halts {thing} as row over {issue_short} deepens",
        "{org_a_short} vows to stay out as {place} strike enters {n_ord} day",
        "{place} strike: {org_b_short} says door to talks is still open",
        "no end in sight to {place} walkout as {group} reject {issue_short}",
    ),
    ledes=(
        "More than {n_people} {group} walked off the job at {site} on {weekday}, [halting|disrupting] {thing} in a dispute over {issue}.",  # noqa: E501
        "A strike by {group} [brought|has brought] {thing} to a standstill in {place} on {weekday}, as the dispute over {issue} entered its [second|third] week.",  # noqa: E501
        "{org_a} called out {n_people} {group} on {weekday} after talks with {org_b} over {issue} broke down [without agreement|late on {weekday2} night].",  # noqa: E501
    ),
    facts=(
        "{org_a} says up to {n_jobs} jobs could [disappear|be lost] under {issue}.",
        "The dispute began in {month} when {org_b} [announced|published] {issue}.",
        "{org_b} employs around {n_staff} people, [most|many] of them in {place}.",
        "The last strike at {site} lasted {n_small} weeks and cost an estimated {n_money} crowns.",
        "Union members voted {n_share} percent in favour of the walkout in a ballot last month.",
        "{org_b} has offered a pay rise of {n_pct} percent over two years.",
        "Around {n_count} lorries were waiting outside {site} by mid-morning, according to local police.",
    ),
    background=(
        "{org_b} first set out {issue} in {n_past}, arguing that rising costs and competition from larger rivals left it little choice, but talks with {org_a} stalled within months.",  # noqa: E501
        "The walkout is the [largest|longest] at {site} since {n_past}, when a dispute over pensions kept {group} out for {n_small} weeks and cost the regional economy an estimated {n_money} crowns.",  # noqa: E501
        "Both sides have accused each other of bad faith, and a mediation attempt organised by the labour ministry in {month} ended after a single session without any agreement on the next steps.",  # noqa: E501
        "Shipping agents and hauliers say the dispute has already forced some customers to move business elsewhere, and several smaller firms that depend on {site} have put staff on short hours.",  # noqa: E501
        "Union officials say morale on the picket lines remains high, and a hardship fund set up by members in other industries has raised more than {n_aid} crowns since the strike began.",  # noqa: E501
    ),
    scenes=(
        "Strikers gather outside {site} on {weekday} morning",
        "Pickets hand out leaflets at the main gate of {site}",
        "A union banner hangs on the fence at {site}",
    ),
    closings=(
        "Talks between the two sides are due to resume on {weekday2}.",
        "A mediator from the national conciliation service is expected to meet both sides [next week|on {weekday2}].",  # noqa: E501
        "The strike is due to continue [until further notice|at least until the weekend].",
    ),
    con=(
        "{we} will not go back to work ~until {issue_short} is withdrawn in full",
        "{group} have waited [two|three] years for a straight answer",
        "{our} members read about their own future in a press release",
        "nobody should lose their job to balance the books of {org_b_short}",
        "{org_b_short} did not [even bother to|once] consult the people who keep {site} running",
    ),
    pro=(
        "{issue} is not a choice, it is a condition of [staying open|survival]",
        "{our} offer of a {n_pct} percent pay rise [remains|is still] on the table",
        "there will be no compulsory redundancies ~as long as talks continue",
        "the strike is costing {place} [money|trade] it cannot afford to lose",
    ),
    gov=("{we} will not take sides in a dispute between an employer and its staff",),
    neutral=(
        "a long strike would hit [exporters|small suppliers|the wider region] hardest",
        "{issue_short} was always going to be contentious, but the way it was announced made things worse",
    ),
    local=(
        "{we} {have} worked for {org_b_short} for [eleven|fifteen|twenty] years",
        "{we} {do} not want to be out here, but {we} {have} no choice",
    ),
    acc_con=(
        "the strike had been planned [long|months|weeks] before [talks broke down|the last meeting|the ballot]",  # noqa: E501
        "{org_a_short} had turned down [an invitation to talks|a meeting with managers|an offer of mediation] [last week|on {x_day}|in {x_month}]",  # noqa: E501
        "the walkout was [politically motivated|organised by outsiders|about union elections]",
    ),
    acc_pro=(
        "{org_b_short} had [decided everything|signed the contracts|made up its mind] before [talks began|the consultation|{x_month}]",  # noqa: E501
        "{org_b_short} was trying to [break the union|divide the workforce|wait out the strikers]",
        "{org_b_short} had [hidden|played down|misrepresented] the [true cost|real impact|full scale] of {issue}",  # noqa: E501
    ),
)

BUDGET = _Kind(
    section="Politics",
    variants=(
        (
            ("group", "library users"),
            ("org_a", "the Save {place} Libraries campaign"),
            ("org_a_short", "the campaign"),
            ("org_b", "{place} City Council"),
            ("org_b_short", "the council"),
            ("issue", "[the plan to close {n_small} branch libraries|the library closure plan]"),
            ("issue_short", "the closure plan"),
            ("service", "branch libraries"),
        ),
        (
            ("group", "young people"),
            ("org_a", "the {place} Youth Network"),
            ("org_a_short", "the network"),
            ("org_b", "{place} City Council"),
            ("org_b_short", "the council"),
            ("issue", "[the cuts to youth services|the youth services budget]"),
            ("issue_short", "the cuts"),
            ("service", "youth centres"),
        ),
        (
            ("group", "households"),
            ("org_a", "the {place} Residents' Alliance"),
            ("org_a_short", "the alliance"),
            ("org_b", "{place} District Council"),
            ("org_b_short", "the council"),
            ("issue", "[the proposed council tax rise|the {n_pct} percent council tax rise]"),
            ("issue_short", "the tax rise"),
            ("service", "street cleaning and parks"),
        ),
    ),
    roles=(
        _Role("con", "the chair of {org_a}", "the campaigner", "{org_a_short}"),
        _Role("pro", "the leader of {org_b}", "the council leader", "{org_b_short}"),
        _Role("pro", "the council's finance chief", "the finance chief", "{org_b_short}"),
        _Role(
            "gov",
            "the local government minister",
            "the minister",
            "the government",
            "Local Government Minister",
        ),
        _Role("neutral", "a public finance researcher at {uni}", "the researcher"),
        _Role("local", "a [retired teacher|parent of two|shop owner] from {place}", "the resident"),
    ),
    headlines=(
        "{place} council votes through {issue} despite protests",
        "anger in {place} over {issue}",
        "{org_a_short} vows legal challenge to {issue}",
        "{place} budget: what {issue} means for {service}",
        "council leader defends {issue_short} as {n_people} sign petition",
    ),
    ledes=(
        "{org_b} [approved|voted through] {issue} on {weekday} night by {n_count} votes to {n_small}, despite a protest outside the town hall.",  # noqa: E501
        "Campaigners in {place} have vowed to fight {issue}, which the council says is needed to close a gap of {n_money} crowns in its budget.",  # noqa: E501
        "Hundreds of people gathered outside {place} town hall on {weekday} as councillors debated {issue}.",
    ),
    facts=(
        "The council must close a funding gap of {n_money} crowns before the financial year ends in {month}.",
        "A petition against {issue} has gathered more than {n_people} signatures.",
        "The council's budget has fallen by {n_pct} percent in real terms since {n_past}.",
        "{service} in {place} were used by around {n_staff} people a week last year, according to council figures.",  # noqa: E501
        "Opposition councillors proposed an alternative budget that would have drawn {n_count} million crowns from reserves.",  # noqa: E501
        "{place} is one of {n_count} councils that have raised tax by the maximum allowed this year.",
    ),
    background=(
        "Like most local authorities in {country}, {org_b} has seen its grant from central government shrink year after year, while demand for social care and housing support has kept rising.",  # noqa: E501
        "The proposals were first published in {month} and drew more than {n_count}0 written responses during a consultation that campaigners say was too short and too poorly advertised.",  # noqa: E501
        "Opposition councillors have accused the ruling group of protecting its own priorities, including a refurbishment of the town hall, while cutting services used mainly by poorer residents.",  # noqa: E501
        "The council's own impact assessment, published alongside the budget papers, concedes that the changes are likely to affect older residents and families on low incomes the most.",  # noqa: E501
        "Several neighbouring councils have already made similar cuts, and some have handed libraries and community centres over to volunteer groups rather than closing them outright.",  # noqa: E501
    ),
    scenes=(
        "Protesters hold placards outside {place} town hall on {weekday}",
        "Councillors arrive for the budget meeting in {place}",
        "A branch library in {place} earmarked for closure",
    ),
    closings=(
        "A final vote on the budget is scheduled for {weekday2}.",
        "{org_a} said it would [consider a legal challenge|keep campaigning] in the coming weeks.",
        "The cuts are due to take effect in {month}.",
    ),
    con=(
        "{service} are a lifeline for [older people|children|people who live alone] in {place}",
        "once {service} close, they never come back",
        "{we} {have} offered [the council|councillors] {n_small} alternatives and every one was ignored",
        "councillors found money for a new headquarters but not for {service}",
    ),
    pro=(
        "{we} {have} been left with no choice by years of falling grants",
        "every council in {country} is facing the same impossible sums",
        "{we} will protect the services that the most vulnerable people rely on",
        "{we} {are} not closing anything ~unless {we} can offer something in its place",
    ),
    gov=("councils have had {n_pct} percent more money this year than last",),
    neutral=(
        "{place} is far from the only council facing this choice",
        "the gap in {place} is one of the largest in {country} relative to its size",
    ),
    local=(
        "{we} {have} used the library every week for [ten|twenty] years",
        "{we} cannot afford another [rise|increase] this year",
    ),
    acc_con=(
        "the campaign was [run|funded|organised] by [opposition councillors|a national pressure group|people from outside {place}]",  # noqa: E501
        "{org_a_short} had [exaggerated|inflated|misquoted] [the number of people affected|the council's figures|the size of the cuts]",  # noqa: E501
    ),
    acc_pro=(
        "{org_b_short} had [wasted|spent] [{x_mn} million crowns|a fortune|millions] on [consultants|its new offices|agency staff]",  # noqa: E501
        "the cuts had been [agreed|decided|drafted] before the consultation [began|opened|was announced]",
        "{org_b_short} was sitting on [reserves|unspent money|savings] of {x_mn} million crowns",
    ),
)

RAIL = _Kind(
    section="Transport",
    variants=(
        (
            ("group", "commuters"),
            ("project", "the {place} Cross-City Rail Link"),
            ("org_a", "the {place} Commuters' Association"),
            ("org_a_short", "the association"),
            ("org_b", "the National Rail Infrastructure Agency"),
            ("org_b_short", "the agency"),
            ("issue", "[the revised plan for the rail link|the revised rail link plan]"),
            ("issue_short", "the revised plan"),
        ),
        (
            ("group", "drivers"),
            ("project", "the new {river_name} Bridge at {place}"),
            ("org_a", "the {place} Road Users' Forum"),
            ("org_a_short", "the forum"),
            ("org_b", "the National Roads Directorate"),
            ("org_b_short", "the directorate"),
            ("issue", "[the new cost estimate for the bridge|the decision to delay the bridge]"),
            ("issue_short", "the decision"),
        ),
        (
            ("group", "passengers"),
            ("project", "the {place} tram extension"),
            ("org_a", "the {place} Passengers' Council"),
            ("org_a_short", "the passengers' council"),
            ("org_b", "{place} Metropolitan Transport"),
            ("org_b_short", "the operator"),
            ("issue", "[the plan to scale back the tram extension|the cut-down tram plan]"),
            ("issue_short", "the plan"),
        ),
    ),
    roles=(
        _Role("con", "the chair of {org_a}", "the campaigner", "{org_a_short}"),
        _Role("pro", "the director general of {org_b}", "the director general", "{org_b_short}"),
        _Role("pro", "the project director for {project}", "the project director", "{org_b_short}"),
        _Role("gov", "the transport minister", "the minister", "the government", "Transport Minister"),
        _Role("neutral", "a transport analyst at {uni}", "the analyst"),
        _Role("local", "a [nurse|student|builder] who commutes from {place}", "the commuter"),
    ),
    headlines=(
        "{project} delayed again as costs climb to {n_bn} billion crowns",
        "{group} furious over {issue}",
        "minister under pressure over {project}",
        "{project}: {org_b_short} blames ground conditions for new delay",
        "{project} will not open before {n_year}, {org_b_short} admits",
    ),
    ledes=(
        "{project} will not open until {n_year} at the earliest, {org_b} said on {weekday}, the {n_ord} delay since construction began.",  # noqa: E501
        "The cost of {project} has risen to {n_bn} billion crowns, according to figures published on {weekday}, prompting anger among {group} in {place}.",  # noqa: E501
        "{group} in {place} reacted with dismay on {weekday} to {issue}, which pushes back the opening by at least {n_small} years.",  # noqa: E501
    ),
    facts=(
        "When it was approved in {n_past}, {project} was expected to cost {n_money} crowns less than the current estimate.",  # noqa: E501
        "About {n_people} {group} a day are expected to use {project} once it opens.",
        "Work on {project} began in {n_past} and employs around {n_jobs} contractors.",
        "The agency's own report puts the overrun at {n_pct} percent of the original budget.",
        "{project} is the largest transport scheme in {country} outside {capital}.",
        "An independent review of the project is due to report in {month}.",
    ),
    background=(
        "{project} was approved by parliament in {n_past} with cross-party support, and was meant to cut journey times between {place} and {capital} by almost half when it opened.",  # noqa: E501
        "Engineers found unstable ground and old mine workings along part of the route last year, forcing a redesign of {n_small} sections and pushing up the cost of materials and labour.",  # noqa: E501
        "{org_b} has been criticised by the national audit office twice in the past {n_small} years for weak cost control on large projects, a charge its managers have always rejected.",  # noqa: E501
        "Businesses along the planned route say the years of roadworks and diversions have cut footfall sharply, and some shops near the main construction sites have already closed for good.",  # noqa: E501
        "The contract for the main works was awarded to a consortium of three construction firms, which has declined to comment in detail while negotiations over the extra costs continue.",  # noqa: E501
    ),
    scenes=(
        "Construction work on {project} seen from the air",
        "Commuters wait on a crowded platform in {place}",
        "Cranes above the site of {project} in {place}",
    ),
    closings=(
        "The transport committee of parliament will question officials on {weekday2}.",
        "{org_b} said an updated schedule would be published in {month}.",
        "The next progress report is due [in the spring|before the summer recess].",
    ),
    con=(
        "{group} were promised {project} years ago and they are still waiting",
        "every delay [adds|puts] another hour on the working week of people in {place}",
        "{we} {have} heard [these promises|this story] too many times",
        "the original budget was [a fantasy|never realistic] and everyone knew it",
    ),
    pro=(
        "the ground conditions turned out to be far worse than any survey showed",
        "{project} will [transform|change] how people travel in {place} for a century",
        "safety comes first, and {we} will not cut corners to meet a deadline",
        "{we} {are} on track to finish ~as long as there are no further surprises",
    ),
    gov=("{we} will not write a blank cheque for {project}",),
    neutral=(
        "large projects almost always cost more than first promised",
        "the real problem is that {project} was approved before the design was finished",
    ),
    local=(
        "{we} {have} spent [two|three] hours a day on [buses|the road] for months because of this",
        "{we} {were} told {we} would be using {project} by now",
    ),
    acc_con=(
        "{org_a_short} had been [funded|backed|advised] by [a rival bidder|a property developer|an opposition party]",  # noqa: E501
        "the campaigners had [ignored|misread|misquoted] the [safety report|engineers' findings|latest survey]",  # noqa: E501
    ),
    acc_pro=(
        "{org_b_short} had known about the [overrun|delay|extra cost] [for a year|since {x_month}|for {x_weeks} months]",  # noqa: E501
        "{org_b_short} had [hidden|played down] the [true cost|real timetable] of {project}",
        "contractors had been paid [{x_mn} million crowns|twice|in advance] for work that was never [done|finished|checked]",  # noqa: E501
    ),
)

FLOOD = _Kind(
    section="Environment",
    variants=(
        (
            ("group", "residents"),
            ("river", "the {river_name}"),
            ("org_a", "the {place} Flood Action Group"),
            ("org_a_short", "the action group"),
            ("org_b", "the National Water Board"),
            ("org_b_short", "the water board"),
            ("issue", "[the emergency response to the floods|the handling of the floods]"),
            ("issue_short", "the response"),
        ),
        (
            ("group", "homeowners"),
            ("river", "the {river_name}"),
            ("org_a", "the {place} Residents' Flood Forum"),
            ("org_a_short", "the forum"),
            ("org_b", "the {place} Emergency Management Office"),
            ("org_b_short", "the emergency office"),
            ("issue", "[the flood defence plan for {place}|the delayed flood wall]"),
            ("issue_short", "the plan"),
        ),
    ),
    roles=(
        _Role("con", "the chair of {org_a}", "the campaigner", "{org_a_short}"),
        _Role("pro", "the director of {org_b}", "the director", "{org_b_short}"),
        _Role("pro", _STAFF_SPOKES, "the {spokes}", "{org_b_short}"),
        _Role("gov", "the environment minister", "the minister", "the government", "Environment Minister"),
        _Role("neutral", "a hydrologist at {uni}", "the hydrologist"),
        _Role(
            "local",
            "a [pensioner|mother of three|café owner] whose home in {place} was flooded",
            "the resident",
        ),
    ),
    headlines=(
        "{place} floods: anger grows over {issue}",
        "{river} bursts its banks, flooding {n_count}0 homes in {place}",
        "{group} in {place} demand answers after second flood in {n_small} years",
        "minister visits flooded {place} as clean-up begins",
        "{org_b_short} defends {issue} after {place} floods",
    ),
    ledes=(
        "{river} burst its banks in {place} on {weekday} night, flooding more than {n_count}0 homes and forcing {n_people} people to leave.",  # noqa: E501
        "{group} in {place} spent {weekday} clearing mud from their homes, as questions grew over {issue}.",
        "Emergency crews worked through the night in {place} after [a month's|two months'] rain fell in {n_small} days.",  # noqa: E501
    ),
    facts=(
        "The river peaked at {n_pct} metres above its normal level early on {weekday}.",
        "Around {n_people} homes in {place} are in the highest flood-risk category.",
        "A flood wall for the town was approved in {n_past} but has not yet been built.",
        "The clean-up is expected to cost at least {n_money} crowns, according to early estimates.",
        "At least {n_count} people were rescued by boat, the fire service said.",
        "It is the {n_ord} serious flood in {place} since {n_past}.",
    ),
    background=(
        "Parts of {place} have flooded {n_small} times in the past decade, and residents have campaigned for years for better defences along the lower stretch of {river}.",  # noqa: E501
        "Forecasters had issued a severe weather warning for the region [two days|a day] before the storm, but many residents said they received flood alerts only after water had reached their doors.",  # noqa: E501
        "The government announced a national flood defence programme worth {n_bn} billion crowns in {n_past}, but only a fraction of the projects on its list have so far been completed.",  # noqa: E501
        "Insurers say claims from the storm could take months to settle, and some homeowners in the worst-hit streets have been told their premiums are likely to rise sharply at renewal.",  # noqa: E501
        "Volunteers from churches, sports clubs and local businesses set up a rest centre in the town's school hall, handing out hot meals, dry clothes and cleaning kits to families.",  # noqa: E501
    ),
    scenes=(
        "A street under water in {place} on {weekday}",
        "Volunteers fill sandbags outside the church hall in {place}",
        "Firefighters help residents from their homes in {place}",
    ),
    closings=(
        "More rain is forecast for the region on {weekday2}.",
        "A public meeting on the flood defences will be held in {place} on {weekday2}.",
        "{org_b} said it would publish a review of the response [within {n_small} weeks|by {month}].",
    ),
    con=(
        "{we} {were} told the wall would be finished [two years ago|by last winter]",
        "the warnings came hours too late for [half the street|most of the town]",
        "{group} are tired of being told that lessons will be learned",
        "{org_b_short} has had {n_small} years to fix this",
    ),
    pro=(
        "crews were on the ground within [an hour|two hours] of the first warning",
        "no flood defence can stop a river carrying that much water",
        "the flood wall will be built, and {we} {have} the money for it",
        "{we} issued warnings ~as soon as the river began to rise",
    ),
    gov=("{we} will make sure every family gets the help it needs",),
    neutral=(
        "floods of this size used to come once in a century, and now they come every few years",
        "{place} was built on a flood plain, and no wall will change that",
    ),
    local=(
        "{we} lost everything on the ground floor in [an hour|twenty minutes]",
        "{we} {have} not slept since {weekday}",
    ),
    acc_con=(
        "{org_a_short} had [blocked|delayed|objected to] the [first design|original route|planning application] of the flood wall",  # noqa: E501
    ),
    acc_pro=(
        "{org_b_short} had cut the [maintenance budget|dredging programme|inspection team] for the river [last year|in {x_month}|{x_weeks} years ago]",  # noqa: E501
        "the flood warnings had been [sent to the wrong streets|issued too late|switched off on {x_day}]",
    ),
)

HOSPITAL = _Kind(
    section="Health",
    variants=(
        (
            ("group", "patients"),
            ("hospital", "{place} General Hospital"),
            ("org_a", "the Keep {place} Maternity Open campaign"),
            ("org_a_short", "the campaign"),
            ("org_b", "the {place} Health Trust"),
            ("org_b_short", "the trust"),
            ("issue", "[the plan to close the maternity unit|the maternity unit closure]"),
            ("issue_short", "the closure"),
            ("ward", "the maternity unit"),
        ),
        (
            ("group", "patients"),
            ("hospital", "St Aldric's Hospital in {place}"),
            ("org_a", "the Nurses' Association of {country}"),
            ("org_a_short", "the association"),
            ("org_b", "the {place} Health Trust"),
            ("org_b_short", "the trust"),
            ("issue", "[the plan to shut the emergency department at night|the overnight closure plan]"),
            ("issue_short", "the plan"),
            ("ward", "the emergency department"),
        ),
    ),
    roles=(
        _Role("con", "the chair of {org_a}", "the campaigner", "{org_a_short}"),
        _Role("pro", "the chief executive of {org_b}", "the chief executive", "{org_b_short}"),
        _Role("pro", "the medical director of {org_b}", "the medical director", "{org_b_short}"),
        _Role("gov", "the health minister", "the minister", "the government", "Health Minister"),
        _Role("neutral", "a health policy researcher at {uni}", "the researcher"),
        _Role("local", "a [mother|patient|midwife] from {place}", "the resident"),
    ),
    headlines=(
        "{hospital}: anger over {issue}",
        "{org_b_short} confirms {issue} despite protests",
        "thousands march in {place} against {issue}",
        "health minister urged to step in over {hospital}",
        "what {issue} means for {group} in {place}",
    ),
    ledes=(
        "{org_b} confirmed on {weekday} that it will go ahead with {issue} at {hospital}, despite a petition signed by {n_people} people.",  # noqa: E501
        "Thousands of people marched through {place} on {weekday} to protest against {issue} at {hospital}.",
        "Staff at {hospital} have warned that {issue} will put lives at risk, as {org_b} prepares to make a final decision on {weekday2}.",  # noqa: E501
    ),
    facts=(
        "{ward} at {hospital} treated around {n_people} patients last year.",
        "The nearest alternative is {n_count} kilometres away in {capital}.",
        "{org_b} says it has been unable to fill {n_jobs} nursing posts.",
        "The trust ended last year with a deficit of {n_money} crowns.",
        "Under the plan, {ward} would close from {month}.",
        "A review by the national health inspectorate rated {ward} as [adequate|requiring improvement] in {n_past}.",  # noqa: E501
    ),
    background=(
        "{hospital} has struggled for years to recruit and keep specialist staff, and the trust has relied heavily on agency doctors and nurses to keep {ward} running around the clock.",  # noqa: E501
        "Under the trust's plans, patients from {place} and the surrounding villages would be sent to {capital}, a journey that can take more than an hour in winter or in heavy traffic.",  # noqa: E501
        "A similar closure in another region in {n_past} was reversed after two years, following a review that found longer journeys had led to more emergency births on the road.",  # noqa: E501
        "Ambulance crews have warned that longer journeys would put extra pressure on a service that already struggles to meet its response targets in rural parts of the region.",  # noqa: E501
        "The trust says the money saved by the change would be spent on community midwives and a new day clinic, though it has not yet said where the clinic would be built.",  # noqa: E501
    ),
    scenes=(
        "Marchers pass {hospital} on {weekday}",
        "The entrance to {ward} at {hospital}",
        "Campaigners hand a petition to trust officials in {place}",
    ),
    closings=(
        "The trust's board will meet in public on {weekday2}.",
        "Campaigners said they would [hold another march|seek a judicial review] [next month|in {month}].",
        "A public consultation on the plan closes on {weekday2}.",
    ),
    con=(
        "closing {ward} will put lives at risk",
        "no mother should have to travel {n_count} kilometres to give birth",
        "{we} {have} [marched|campaigned] for {n_small} years and {we} will march again",
        "the trust has been running down {ward} for years to justify this",
    ),
    pro=(
        "{ward} cannot be staffed safely with the [doctors|midwives|specialists] {we} {have}",
        "patient safety is the only thing that has guided this decision",
        "most patients will be treated in better facilities than before",
        "{we} will keep {ward} open ~until the new unit in {capital} is ready",
    ),
    gov=("{we} {have} asked the trust to look again at the alternatives",),
    neutral=(
        "small units struggle to recruit specialists everywhere in {country}",
        "the evidence on travel times and outcomes is mixed",
    ),
    local=(
        "{we} would not have made it to {capital} in time",
        "{we} {were} born at {hospital}, and so were {our} children",
    ),
    acc_con=(
        "the campaign had [frightened|misled|confused] patients with [misleading figures|old data|false claims about waiting times]",  # noqa: E501
    ),
    acc_pro=(
        "the decision had been [made|taken|agreed] before the consultation [began|closed|in {x_month}]",
        "{org_b_short} had [let {ward} run down|cut staff at {ward}|stopped recruiting for {ward}] on purpose",  # noqa: E501
    ),
)

RATES = _Kind(
    section="Economy",
    variants=(
        (
            ("group", "borrowers"),
            ("org_a", "the Federation of Small Businesses"),
            ("org_a_short", "the federation"),
            ("org_b", "the National Bank of {country}"),
            ("org_b_short", "the bank"),
            ("issue", "[the interest rate rise|the decision to raise interest rates]"),
            ("issue_short", "the rise"),
        ),
        (
            ("group", "homeowners"),
            ("org_a", "the Homeowners' League"),
            ("org_a_short", "the league"),
            ("org_b", "the National Bank of {country}"),
            ("org_b_short", "the bank"),
            ("issue", "[the latest rate rise|the bank's latest rate decision]"),
            ("issue_short", "the rise"),
        ),
    ),
    roles=(
        _Role("con", "the president of {org_a}", "{org_a_short}'s president", "{org_a_short}"),
        _Role("pro", "the governor of {org_b}", "the governor", "{org_b_short}"),
        _Role("pro", "the deputy governor of {org_b}", "the deputy governor", "{org_b_short}"),
        _Role("gov", "the finance minister", "the minister", "the government", "Finance Minister"),
        _Role("neutral", "chief economist at Meridel Bank", "the economist"),
        _Role("local", "a [baker|plumber|teacher] with a mortgage in {place}", "the borrower"),
    ),
    headlines=(
        "National Bank raises rates to {n_pct} percent",
        "{group} brace for higher bills after {issue}",
        "governor defends {issue} as inflation stays high",
        "{issue}: what it means for {group}",
        "business groups attack {issue}",
    ),
    ledes=(
        "{org_b} raised its main interest rate to {n_pct} percent on {weekday}, its {n_ord} increase in a year, as inflation stayed well above target.",  # noqa: E501
        "{group} face higher monthly payments after {issue}, announced on {weekday}, took borrowing costs to their highest level since {n_past}.",  # noqa: E501
        "Business groups reacted angrily on {weekday} to {issue}, which {org_b} said was needed to bring inflation back under control.",  # noqa: E501
    ),
    facts=(
        "Inflation stood at {n_pct2} percent in {month}, against a target of 2 percent.",
        "The bank's rate-setting committee voted {n_small} to two in favour of the rise.",
        "A typical mortgage of {n_loan} crowns will cost around {n_count}0 crowns a month more.",
        "Around {n_people} thousand households have loans that will be repriced within a year.",
        "The bank last cut rates in {n_past}.",
        "Economists had been divided ahead of the decision, with around half expecting a pause.",
    ),
    background=(
        "Inflation in {country} has been above the bank's target for more than two years, driven first by energy prices and more recently by rising wages and rents in the larger cities.",  # noqa: E501
        "The bank has raised its main rate {n_small} times since it began tightening policy, and most private forecasters now expect borrowing costs to stay high until at least the end of next year.",  # noqa: E501
        "Around a third of households in {country} have a mortgage, and most of those loans are fixed for only two or three years, so higher rates feed through to family budgets quickly.",  # noqa: E501
        "Retailers say shoppers have already cut back on larger purchases such as furniture and cars, and the number of new mortgages approved fell for the {n_ord} month in a row in {month}.",  # noqa: E501
        "Savers have benefited from the higher rates, and several banks raised the interest they pay on deposit accounts within hours of the decision being announced.",  # noqa: E501
    ),
    scenes=(
        "The headquarters of the National Bank of {country} in {capital}",
        "The governor speaks at a news conference in {capital} on {weekday}",
        "Shoppers on a high street in {place}",
    ),
    closings=(
        "The next rate decision is due in {month}.",
        "The bank will publish its updated forecasts on {weekday2}.",
        "Parliament's finance committee will question the governor [next week|on {weekday2}].",
    ),
    con=(
        "small firms are being squeezed from every side",
        "{issue} is the last thing businesses in {place} needed",
        "{our} members are already [cutting jobs|delaying investment]",
        "the bank is fighting yesterday's inflation with tomorrow's jobs",
    ),
    pro=(
        "inflation is still far too high, and {we} will do what is needed",
        "{we} {do} not take any pleasure in raising rates",
        "the sooner inflation comes down, the sooner rates can fall",
        "{we} will not hesitate to act again ~if prices keep rising",
    ),
    gov=("{we} {have} full confidence in the independence of the bank",),
    neutral=(
        "this is unlikely to be the last rise",
        "the full effect of the rises will not be felt for another year",
    ),
    local=(
        "{our} mortgage payments have gone up by [a third|half] in a year",
        "{we} {have} cancelled {our} holiday to cover the payments",
    ),
    acc_con=(
        "business groups had [lobbied|campaigned] for lower rates [for political reasons|on behalf of the banks|to protect their own profits]",  # noqa: E501
    ),
    acc_pro=(
        "the bank had [raised rates|acted] under pressure from [the government|the finance ministry|foreign investors]",  # noqa: E501
        "the bank had [ignored|rewritten|played down] its own [forecasts|staff's advice|inflation figures]",
    ),
)

POLLUTION = _Kind(
    section="Environment",
    variants=(
        (
            ("group", "anglers and farmers"),
            ("river", "the {river_name}"),
            ("org_a", "the {river_name} River Trust"),
            ("org_a_short", "the trust"),
            ("org_b", "Dorvane Chemicals"),
            ("org_b_short", "the company"),
            ("issue", "[the renewal of the discharge permit|the new discharge permit for the {place} plant]"),
            ("issue_short", "the permit"),
            ("plant", "the Dorvane plant at {place}"),
        ),
        (
            ("group", "residents"),
            ("river", "the {river_name}"),
            ("org_a", "Friends of the {river_name}"),
            ("org_a_short", "the group"),
            ("org_b", "Halbrook Paper Mills"),
            ("org_b_short", "the company"),
            ("issue", "[the expansion of the {place} mill|the plan to double output at the mill]"),
            ("issue_short", "the expansion"),
            ("plant", "the Halbrook mill at {place}"),
        ),
    ),
    roles=(
        _Role("con", "the director of {org_a}", "the campaigner", "{org_a_short}"),
        _Role("pro", "the managing director of {org_b}", "the managing director", "{org_b_short}"),
        _Role("pro", _STAFF_SPOKES, "the {spokes}", "{org_b_short}"),
        _Role("gov", "the environment minister", "the minister", "the government", "Environment Minister"),
        _Role("neutral", "an environmental chemist at {uni}", "the chemist"),
        _Role("local", "a [farmer|fishing guide|resident] downstream of {plant}", "the resident"),
    ),
    headlines=(
        "dead fish found in {river} near {plant}",
        "regulator approves {issue} despite objections",
        "{org_a_short} to challenge {issue} in court",
        "tests show high pollution levels in {river} below {place}",
        "{org_b_short} denies link between {plant} and river deaths",
    ),
    ledes=(
        "Thousands of dead fish were found in {river} downstream of {plant} on {weekday}, days after regulators approved {issue}.",  # noqa: E501
        "Campaigners have vowed to challenge {issue} in court, after tests showed pollution in {river} at {n_small} times the legal limit.",  # noqa: E501
        "{org_b} said on {weekday} that {plant} had met every condition of its permit, as pressure grew over {issue}.",  # noqa: E501
    ),
    facts=(
        "Samples taken below {plant} showed ammonia at {n_small} times the legal limit.",
        "{plant} employs {n_jobs} people and is the largest private employer in {place}.",
        "The regulator has fined {org_b} {n_count} times since {n_past}.",
        "{river} supplies drinking water to around {n_people} people downstream.",
        "{org_b} says it has invested {n_money} crowns in water treatment since {n_past}.",
        "A stretch of {n_count} kilometres of the river has been closed to fishing.",
    ),
    background=(
        "{plant} has operated on the banks of {river} for more than half a century and remains one of the largest employers in the area, with many families relying on it for work.",  # noqa: E501
        "Local fishing clubs first reported unusual numbers of dead fish in {month}, and volunteers have since been taking their own water samples every week at {n_small} points along the river.",  # noqa: E501
        "Under the rules, permits for large industrial sites are reviewed every five years, but campaigners say the regulator has too few inspectors to check what companies actually release.",  # noqa: E501
        "Environmental groups say the river has never fully recovered from a chemical spill in {n_past}, after which the company paid for a clean-up but admitted no wrongdoing.",  # noqa: E501
        "Farmers downstream draw water from the river for their livestock, and several have said they will stop doing so until the regulator publishes its full set of results.",  # noqa: E501
    ),
    scenes=(
        "Dead fish on the bank of {river} near {place}",
        "The outflow pipe of {plant}",
        "Volunteers take water samples from {river} on {weekday}",
    ),
    closings=(
        "The regulator said it would publish its own test results on {weekday2}.",
        "{org_a} has until {month} to lodge a formal appeal.",
        "A public meeting will be held in {place} on {weekday2}.",
    ),
    con=(
        "{river} is dying in front of {our} eyes",
        "the permit was signed without a single independent test",
        "{org_b_short} treats {river} like a drain",
        "{we} {have} sent {n_count} water samples to the regulator this year",
    ),
    pro=(
        "{plant} meets every standard set by the regulator",
        "there is no evidence that {plant} caused the fish deaths",
        "{we} {have} invested more in water treatment than any company in the region",
        "{we} will publish every test result ~as soon as it comes back",
    ),
    gov=("{we} will not hesitate to close {plant} if the law has been broken",),
    neutral=(
        "the readings are high, but a single sample proves very little",
        "warm weather and low water make rivers far more vulnerable",
    ),
    local=(
        "{we} {have} fished this river for [thirty|forty] years and never seen it like this",
        "{we} {do} not let the children near the water any more",
    ),
    acc_con=(
        "the campaigners had taken samples [in the wrong place|at the wrong time|without proper equipment]",
    ),
    acc_pro=(
        "{org_b_short} had switched off its [filters|treatment plant|monitoring equipment] [at night|at weekends|on {x_day}]",  # noqa: E501
        "{org_b_short} had [hidden|delayed|withheld] [earlier test results|results from {x_month}|its own water samples]",  # noqa: E501
        "the company had known about the leak for [weeks|{x_weeks} weeks|months]",
    ),
)

KINDS = (STRIKE, BUDGET, RAIL, FLOOD, HOSPITAL, RATES, POLLUTION)

# ----------------------------------------------------------------------------- outlet boilerplate
BREADCRUMBS = (
    "Home / {section} / {title}",
    "Home › {section}",
    "{section} | {outlet}",
    "You are here: Home » News » {section}",
)
SHARE_BARS = (
    "Share this: Facebook Twitter Email",
    "Share on Facebook · Share on X · Copy link",
    "SHARE | TWEET | EMAIL | PRINT",
    "Share this article",
    "Share: WhatsApp Facebook Email Print",
)
BYLINES = (
    "By {reporter}, {section} Correspondent",
    "By {reporter}",
    "{reporter} | {outlet}",
    "Words by {reporter}",
    "By {reporter}, {outlet} staff",
)
DATELINES = (
    "Published {d} {month} {y}, {hh}:{mm}",
    "{weekday} {d} {month} {y} {hh}.{mm}",
    "Updated {month} {d}, {y} at {h12}:{mm} {ampm}",
    "{iso_date} {hh}:{mm}",
    "Posted {month} {d}, {y} · {read} min read",
)
CAPTIONS = (
    "{scene}. Photo: {photographer} / {outlet}",
    "{scene}. (Photo: {photographer}/{outlet})",
    "{scene}. Picture: {photographer}",
    "Image: {scene}. {photographer} for {outlet}",
    "{scene} | Photo: {photographer}",
)
SEE_ALSO = (
    "See also: {headline}",
    "Read more: {headline}",
    "Related: {headline}",
    "Also on {outlet}: {headline}",
)
EDITIONS = ("Morning Briefing", "Evening Digest", "Weekly Roundup", "Daily Edition")
NEWSLETTERS = (
    "Get the {outlet} {edition} in your inbox every weekday. Sign up at {domain}/newsletters",
    "Sign up for our free {edition} and never miss a story.",
    "Newsletter: the day's top stories from {outlet}, every morning at 7. Subscribe now.",
    "Enjoyed this story? Get the {edition} delivered to your inbox. Sign up for free.",
)
DONATIONS = (
    "{outlet} is funded by readers like you. If you value our reporting, please support us from just 3\u00a0crowns a month.",  # noqa: E501
    "Independent journalism costs money. Become a member of {outlet} today and help keep our reporting free for everyone.",  # noqa: E501
    "Dear reader,\nWe do not have a billionaire owner. Our journalism is paid for by readers.\nIf you can, please support {outlet} with a one-off or monthly donation. Donate now",  # noqa: E501
    "Our newsroom relies on your support. Subscribe from 2 crowns a week and get unlimited access.",
)
COMMENT_FORMS = (
    "Leave a comment\nYou must be logged in to post a comment. Log in | Register",
    "Comments (0)\nJoin the conversation: sign in to comment.",
    "Have your say\nComments are moderated and may take a few minutes to appear.",
    "Show comments\nPlease read our community guidelines before posting.",
)
COPYRIGHTS = (
    "© {year} {outlet}. All rights reserved.",
    "Copyright © {year} {owner} Media Group. Terms | Privacy | Cookies",
    "© {outlet} {year}. Reproduction without permission is prohibited.",
    "© {year}\u00a0{outlet} | Terms of use | Privacy policy | Contact the newsroom",
)
ABOUTS = (
    "About {outlet}: independent news from {region} since {founded}.",
    "{outlet} is part of the {owner} Media Group.",
    "Got a story? Email the newsroom at tips@{domain}",
)
TAGS = ("Topics: {section}, {place}", "Tags: {place} · {section} · {country}", "More on: {place}")
FALLBACK_HEADLINES = (
    "Weekend weather: rain and strong winds for the coast",
    "Five walks to try in the lake country this spring",
    "Local choir wins national title for the third year running",
)
SMALL_TITLE_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
)

# ----------------------------------------------------------------------------------- tuning knobs
EVENT_EVERY = 6  # a new event starts every EVENT_EVERY articles...
EVENT_WINDOW = 4  # ...and each article covers one of the EVENT_WINDOW newest events
POOL_SIZE = 4  # pooled statements per (event, speaker)...
POINTS_SHARE = 0.6  # ...this share of them talking points (fresh statements never: few variants each)
RECENT = 64  # syndicated copies are taken from the RECENT newest original articles
DENIAL_SHARE = 0.08
QUOTE_SHARE = 0.6
CLAIMS = (8, 15)
PARAGRAPHS = (6, 12)
TARGET_BYTES = (3200, 4400)
MINUTES_APART = 7
SLACK = 300  # characters an article may fall short of its target before it gets more claims

FIGURES: Mapping[str, Callable[[random.Random], str]] = {  # a statement's own figures: "{x_...}"
    "x_times": lambda rng: _pick(rng, COUNT_WORDS),
    "x_weeks": lambda rng: _pick(rng, SMALL_WORDS + COUNT_WORDS[3:8]),
    "x_month": lambda rng: _pick(rng, MONTHS),
    "x_day": lambda rng: _pick(rng, WEEKDAYS),
    "x_year": lambda rng: str(2027 + int(rng.random() * 7)),
    "x_pct": lambda rng: str(12 + int(rng.random() * 77)),
    "x_num": lambda rng: str(40 + int(rng.random() * 860)),
    "x_mn": lambda rng: str(2 + int(rng.random() * 58)),
}

Parts = tuple[str, str, str]  # main clause, connector ("" if none), clause after the connector

# ------------------------------------------------------------------------------------- templates
_ALT = re.compile(r"\[([^\[\]]+)\]")
_SYN = {a: b for a, b in SYNONYMS} | {b: a for a, b in SYNONYMS} | dict(ONE_WAY_SYNONYMS)
_CONTR = {a: b for a, b in CONTRACTIONS} | {b: a for a, b in CONTRACTIONS}


def _alternation(words: Mapping[str, str]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


_SYN_RE = _alternation(_SYN)
_CONTR_RE = _alternation(_CONTR)
_AUX_RE = re.compile(r"\b(will|is|are|am|was|were|has|have|does|do|did|can)\b(?! to\b)( not\b)?")
_ADV_RE = re.compile(f"^(?:{'|'.join(LEADING_ADVERBS)}), | (?:{'|'.join(ADVERBS + LEADING_ADVERBS)})\\b")
_NBSP_RE = re.compile(r"(?<=\d) (?=(?:percent|million|billion|crowns|kilometres|metres|people|jobs|votes)\b)")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


class _Layer(dict[str, str]):
    """A format_map context for one statement: its own figures ("{x_...}", drawn when first
    asked for and shared by both voices), then the speaker's ``base`` context."""

    def __init__(self, base: Mapping[str, str], figures: dict[str, str], rng: random.Random) -> None:
        super().__init__()
        self.base, self.figures, self.rng = base, figures, rng

    def __missing__(self, key: str) -> str:
        if not key.startswith("x_"):
            return self.base[key]
        if key not in self.figures:
            self.figures[key] = FIGURES[key](self.rng)
        return self.figures[key]


class _Keep(dict[str, str]):
    """A format_map context that leaves unknown ``{keys}`` in place for a later fill."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    """``rng.choice`` without its rejection sampling (a third of the cost; still deterministic)."""
    return options[int(rng.random() * len(options))]


def _expand(template: str, rng: random.Random) -> str:
    """Pick one option of every ``[a|b|c]`` group."""
    if "[" not in template:
        return template
    return "".join([p if isinstance(p, str) else _pick(rng, p) for p in _pieces(template)])


@functools.cache
def _pieces(template: str) -> tuple[str | tuple[str, ...], ...]:
    """``"a [b|c] d"`` → ``("a ", ("b", "c"), " d")`` (templates are module constants: few)."""
    out: list[str | tuple[str, ...]] = []
    for j, piece in enumerate(_ALT.split(template)):
        out.append(tuple(piece.split("|")) if j % 2 else piece)
    return tuple(out)


def _fill(template: str, ctx: Mapping[str, str], rng: random.Random) -> str:
    """Expand the alternations, then fill ``{keys}`` from ``ctx``."""
    return _expand(template, rng).format_map(ctx)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_case(title: str) -> str:
    words = title.split(" ")
    return " ".join(w if j and w in SMALL_TITLE_WORDS else w[:1].upper() + w[1:] for j, w in enumerate(words))


# ----------------------------------------------------------------------------------------- people
@dataclass(frozen=True, slots=True)
class _Person:
    first: str
    last: str
    female: bool

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def pron(self) -> str:
        return "she" if self.female else "he"

    @property
    def obj(self) -> str:
        return "her" if self.female else "him"

    @property
    def poss(self) -> str:
        return "her" if self.female else "his"


def _person(rng: random.Random, taken: set[str]) -> _Person:
    """A new person whose surname is not in ``taken`` (which it extends)."""
    while True:
        female = rng.random() < 0.5
        last = _pick(rng, SURNAMES)
        if last not in taken:
            taken.add(last)
            return _Person(_pick(rng, FIRST_F if female else FIRST_M), last, female)


# ---------------------------------------------------------------------------------------- outlets
@dataclass(frozen=True, slots=True)
class _Outlet:
    """An outlet's fixed style: its boilerplate lines are templates over per-article fields."""

    name: str
    domain: str
    curly: bool
    title_case: bool
    nbsp: bool
    header: tuple[str, ...]
    footer: tuple[str, ...]
    caption: str
    see_also: str
    caption_after: int
    reporters: tuple[str, ...]
    photographers: tuple[str, ...]


def _outlet_name(k: int) -> str:
    """The k-th outlet name; distinct for every k < MAX_OUTLETS."""
    p, q = len(OUTLET_PREFIXES), len(OUTLET_KINDS)
    return f"{OUTLET_PREFIXES[k % p]} {OUTLET_KINDS[(k + k // p) % q]}"


def _some(rng: random.Random, options: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    return tuple(line for line, p in options if rng.random() < p)


def _build_outlet(seed: int, k: int) -> _Outlet:
    """Outlet ``k``'s style, from its own stream (independent of how many outlets there are)."""
    rng = random.Random(f"{seed}:outlet:{k}")
    name = _outlet_name(k)
    domain = _SLUG_RE.sub("", name.lower()) + ".example"
    fixed = _Keep(
        outlet=name, domain=domain, owner=_pick(rng, OWNERS), region=_pick(rng, REGIONS),
        founded=str(rng.randint(1868, 1998)), edition=_pick(rng, EDITIONS), country=COUNTRY,
    )  # fmt: skip
    header = _some(rng, ((_pick(rng, BREADCRUMBS), 0.8), (_pick(rng, SHARE_BARS), 0.7)))
    header += (_pick(rng, BYLINES), *_some(rng, ((_pick(rng, DATELINES), 0.85),)))
    optional = (
        (_pick(rng, SHARE_BARS), 0.3), (_pick(rng, TAGS), 0.5), (_pick(rng, ABOUTS), 0.6),
        (_pick(rng, NEWSLETTERS), 0.8), (_pick(rng, DONATIONS), 0.6), (_pick(rng, COMMENT_FORMS), 0.7),
    )  # fmt: skip
    footer = (*_some(rng, optional), _pick(rng, COPYRIGHTS))
    taken: set[str] = set()
    return _Outlet(
        name=name,
        domain=domain,
        curly=rng.random() < 0.6,
        title_case=rng.random() < 0.3,
        nbsp=rng.random() < 0.6,
        header=tuple(line.format_map(fixed) for line in header),
        footer=tuple(line.format_map(fixed) for line in footer),
        caption=_pick(rng, CAPTIONS).format_map(fixed),
        see_also=_pick(rng, SEE_ALSO).format_map(fixed),
        caption_after=rng.randint(1, 3),
        reporters=tuple(_person(rng, taken).full for _ in range(6)),
        photographers=tuple(_person(rng, taken).full for _ in range(3)),
    )


# ----------------------------------------------------------------------------------------- events
@dataclass(frozen=True, slots=True)
class _Stmt:
    """One statement, in the speaker's own voice (``quote``) and in reported speech; ``key`` names
    its template, so that an article does not make the same point twice."""

    quote: Parts
    reported: Parts
    deny: bool
    key: str
    clause: str  # the connector clause as a template ("" if none)


@dataclass(frozen=True, slots=True)
class _Speaker:
    person: _Person
    role: _Role
    appos: str  # "the general secretary of the Saltery Dockworkers' Union"
    desc: str  # "the union leader"
    bank: tuple[str, ...]  # generic templates of its side: many variants each
    points: tuple[str, ...]  # the event kind's talking points for its side: few variants
    tails: tuple[str, ...]
    accusations: tuple[str, ...]
    ctx_q: Mapping[str, str]
    ctx_r: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Event:
    kind: _Kind
    ctx: Mapping[str, str]
    speakers: tuple[_Speaker, ...]
    pools: tuple[tuple[_Stmt, ...], ...]  # per speaker: the statements outlets repeat


def _numbers(rng: random.Random) -> dict[str, str]:
    """The event's figures; every outlet covering the event reports the same ones."""
    day, day2 = rng.sample(WEEKDAYS, 2)
    return {
        "n_people": f"{rng.randint(8, 95) * 100:,}",
        "n_staff": f"{rng.randint(12, 60) * 100:,}",
        "n_jobs": str(rng.randint(12, 90) * 10),
        "n_money": f"{rng.randint(4, 240)} million",
        "n_bn": f"{rng.randint(11, 49) / 10:.1f}",
        "n_aid": f"{rng.randint(2, 60)} million",
        "n_loan": f"{rng.randint(15, 60) * 10_000:,}",
        "n_pct": f"{rng.randint(15, 95) / 10:.1f}",
        "n_pct2": f"{rng.randint(31, 89) / 10:.1f}",
        "n_share": str(rng.randint(52, 94)),
        "n_count": str(rng.randint(12, 90)),
        "n_small": _pick(rng, SMALL_WORDS),
        "n_year": str(rng.randint(2027, 2032)),
        "n_past": str(rng.randint(2012, 2022)),
        "n_ord": _pick(rng, ORDINALS),
        "weekday": day,
        "weekday2": day2,
        "month": _pick(rng, MONTHS),
    }


def _context(kind: _Kind, rng: random.Random) -> dict[str, str]:
    ctx = _numbers(rng) | {
        "place": CAPITAL if kind is RATES and rng.random() < 0.5 else _pick(rng, PLACES),
        "country": COUNTRY,
        "capital": CAPITAL,
        "uni": _pick(rng, UNIVERSITIES),
        "river_name": _pick(rng, RIVERS),
    }
    for key, template in _pick(rng, kind.variants):
        ctx[key] = _fill(template, ctx, rng)
    return ctx


def _voices(role: _Role, person: _Person, ctx: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The voice words of a speaker: in a quote ("we are") and in reported speech ("the union is")."""
    if not role.we:
        own = {"we": "I", "our": "my", "are": "am", "have": "have", "do": "do", "were": "was"}
        return own, {
            "we": person.pron,
            "our": person.poss,
            "are": "is",
            "have": "has",
            "do": "does",
            "were": "was",
        }
    we = role.we.format_map(ctx)
    own = {"we": "we", "our": "our", "are": "are", "have": "have", "do": "do", "were": "were"}
    return own, {"we": we, "our": we + "'s", "are": "is", "have": "has", "do": "does", "were": "was"}


def _speaker(
    kind: _Kind, role: _Role, person: _Person, ctx: Mapping[str, str], rng: random.Random
) -> _Speaker:
    """The speaker playing ``role`` in an event, with the statement banks of its side."""
    voice_q, voice_r = _voices(role, person, ctx)
    own = {**ctx, "spokes": "spokeswoman" if person.female else "spokesman"}
    generic = {"con": GENERIC_CON, "pro": GENERIC_PRO, "gov": GENERIC_GOV, "neutral": GENERIC_NEUTRAL}
    side_bank: tuple[str, ...] = getattr(kind, role.side)
    accusations = {"con": kind.acc_con, "pro": kind.acc_pro, "gov": GENERIC_ACC_GOV}
    return _Speaker(
        person=person,
        role=role,
        appos=_fill(role.appos, own, rng),
        desc=_fill(role.desc, own, rng),
        bank=generic.get(role.side, GENERIC_LOCAL),
        points=side_bank,
        tails=TAILS[role.side],
        accusations=accusations.get(role.side, ()),
        ctx_q={**ctx, **voice_q},
        ctx_r={**ctx, **voice_r},
    )


def _split_connector(clause: str) -> tuple[str, str]:
    """``"until the plan is withdrawn"`` → ``("until", "the plan is withdrawn")``."""
    for conn in CONNECTORS:
        if clause.startswith(conn + " "):
            return conn, clause[len(conn) + 1 :]
    return "and", clause


def _with_adverb(text: str, adverb: str) -> str | None:
    """Put a leading adverb first ("frankly, ..."), another before a negated auxiliary ("simply
    will not") or after a plain one ("is clearly"); None if the text has no auxiliary for it."""
    if adverb in LEADING_ADVERBS:
        return f"{adverb}, {text}"
    m = _AUX_RE.search(text)
    if m is None:
        return None
    if m.group(2) or m.end() == len(text):
        return f"{text[: m.start()]}{adverb} {text[m.start() :]}"
    return f"{text[: m.end()]} {adverb}{text[m.end() :]}"


def _statement(
    sp: _Speaker,
    rng: random.Random,
    avoid: Container[str] = (),
    quoted: bool | None = None,
    points: float = 0.0,
) -> _Stmt:
    """A statement ``sp`` might make: with probability ``points`` one of its talking points, else
    from its side's generic bank (a template not in ``avoid`` if one is found), maybe with a clause
    or an adverb; or a denial of what its side is accused of. Only the quote voice (``quoted``),
    only the reported one (``not quoted``) or both (None) are filled."""
    deny = bool(sp.accusations) and rng.random() < DENIAL_SHARE
    bank = sp.accusations if deny else sp.points if rng.random() < points else sp.bank
    raw = _pick(rng, bank)
    for _ in range(3):
        if raw not in avoid:
            break
        raw = _pick(rng, bank)
    ctx_q, ctx_r = sp.ctx_q, sp.ctx_r
    if "{x_" in raw:
        figures: dict[str, str] = {}
        ctx_q, ctx_r = _Layer(ctx_q, figures, rng), _Layer(ctx_r, figures, rng)
    if deny:
        charge = _fill(raw, ctx_r, rng)
        lead = "it is simply not true that " if rng.random() < 0.3 else "it is not true that "
        return _Stmt((lead + charge, "", ""), (charge, "", ""), True, raw, "")
    main, _, rest = _expand(raw, rng).partition(" ~")
    if not rest and "," not in main and rng.random() < 0.4:
        rest = _expand(_pick(rng, sp.tails), rng)
    conn, tail = _split_connector(rest) if rest else ("", "")
    adverb = _pick(rng, ADVERBS + LEADING_ADVERBS) if rng.random() < 0.15 else ""
    quote = _voiced(main, conn, tail, ctx_q, adverb) if quoted is not False else ("", "", "")
    if adverb in LEADING_ADVERBS:
        adverb = ""
    reported = _voiced(main, conn, tail, ctx_r, adverb) if quoted is not True else ("", "", "")
    return _Stmt(quote, reported, False, raw, rest)


def _voiced(main: str, conn: str, tail: str, ctx: Mapping[str, str], adverb: str) -> Parts:
    said = main.format_map(ctx)
    if adverb:
        said = _with_adverb(said, adverb) or said
    return said, conn, tail.format_map(ctx)


def _build_event(seed: int, index: int) -> _Event:
    """Event ``index``, from its own stream: kind, place, figures, cast and statement pools."""
    rng = random.Random(f"{seed}:event:{index}")
    kind = _pick(rng, KINDS)
    ctx = _context(kind, rng)
    cabinet = {role.pre: _cabinet(seed, role.pre) for role in kind.roles if role.pre}
    taken = {p.last for p in cabinet.values()}
    speakers = tuple(
        _speaker(kind, role, cabinet[role.pre] if role.pre else _person(rng, taken), ctx, rng)
        for role in kind.roles
    )
    pools = tuple(
        tuple(_statement(sp, rng, points=POINTS_SHARE) for _ in range(POOL_SIZE)) for sp in speakers
    )
    return _Event(kind, ctx, speakers, pools)


def _cabinet(seed: int, title: str) -> _Person:
    """The holder of a national office: the same person in every event of a corpus."""
    return _person(random.Random(f"{seed}:cabinet:{title}"), set())


# ------------------------------------------------------------------------------------ paraphrase
def _word_op(op: str, text: str, rng: random.Random) -> str | None:
    """One local edit of ``text`` (a synonym, a contraction, an adverb in or out), or None."""
    if op == "adverb":
        if _ADV_RE.search(text):
            return _ADV_RE.sub("", text, count=1)
        return _with_adverb(text, _pick(rng, ADVERBS))  # never a leading one: it may be reported
    pattern, mapping = (_SYN_RE, _SYN) if op == "synonym" else (_CONTR_RE, _CONTR)
    found = list(pattern.finditer(text))
    if not found:
        return None
    m = _pick(rng, found)
    return text[: m.start()] + mapping[m.group(1)] + text[m.end() :]


def _paraphrase(parts: Parts, rng: random.Random) -> tuple[Parts, bool]:
    """One or two paraphrase operations on a statement; returns the parts and whether to put the
    connector clause first ("Until the plan is withdrawn, we will not ...")."""
    main, conn, tail = parts
    reorder, done, wanted = False, 0, 1 if rng.random() < 0.6 else 2
    for op in rng.sample(("synonym", "contraction", "adverb", "reorder"), 4):
        if done == wanted:
            break
        if op == "reorder":
            reorder = conn in REORDERABLE
            done += reorder
            continue
        edited = _word_op(op, main, rng)
        if edited is not None:
            main, done = edited, done + 1
        elif tail and (edited := _word_op(op, tail, rng)) is not None:
            tail, done = edited, done + 1
    return (main, conn, tail), reorder


def _compose(parts: Parts, reorder: bool) -> str:
    main, conn, tail = parts
    if not conn:
        return main
    if reorder:
        return f"{conn} {tail}, {main}"
    return f"{main}{', ' if conn in ('and', 'but') else ' '}{conn} {tail}"


# ---------------------------------------------------------------------------------------- claims
@dataclass(frozen=True, slots=True)
class _Claim:
    speaker: int
    parts: Parts
    reorder: bool
    deny: bool
    quoted: bool


@dataclass(frozen=True, slots=True)
class _Ref:
    head: str  # "Hanna Velk", "Velk", "she", "the minister"
    appos: str  # on first mention only
    obj: str  # the head as an object ("her")
    named: bool  # a name or description, not a pronoun


@dataclass(slots=True)
class _Cast:
    """Who has been introduced in the article so far, and who spoke last."""

    introduced: set[int]
    last: int = -1


def _claim(
    event: _Event, who: int, used: dict[int, set[str]], spec: CorpusSpec, rng: random.Random
) -> _Claim:
    """A claim by speaker ``who``: with probability ``repeated_share`` one of its pooled statements
    not yet in the article (verbatim or paraphrased), else a fresh one. ``used`` holds the
    templates each speaker has used in the article, and under -1 the connector clauses; a clause
    used before is dropped."""
    quoted = rng.random() < QUOTE_SHARE
    said, clauses = used.setdefault(who, set()), used.setdefault(-1, set())
    repeat = rng.random() < spec.repeated_share
    unused = [s for s in event.pools[who] if s.key not in said] if repeat else []
    repeat = repeat and bool(unused)
    stmt = _pick(rng, unused) if repeat else _statement(event.speakers[who], rng, said, quoted)
    said.add(stmt.key)
    parts = stmt.quote if quoted else stmt.reported
    if parts[2] and not repeat:
        if stmt.clause in clauses:
            parts = (parts[0], "", "")
        clauses.add(stmt.clause)
    if repeat and rng.random() < 0.5:
        parts, reorder = _paraphrase(parts, rng)
        return _Claim(who, parts, reorder, stmt.deny, quoted)
    return _Claim(who, parts, False, stmt.deny, quoted)


def _ref(cast: _Cast, who: int, sp: _Speaker, rng: random.Random) -> _Ref:
    """How the article names ``sp`` now: introduced in full once, then surname, pronoun or role."""
    p = sp.person
    if who not in cast.introduced:
        cast.introduced.add(who)
        if sp.role.pre and rng.random() < 0.5:
            return _Ref(f"{sp.role.pre} {p.full}", "", f"{sp.role.pre} {p.full}", True)
        return _Ref(p.full, sp.appos, p.full, True)
    if cast.last == who and rng.random() < 0.7:
        return _Ref(p.pron, "", p.obj, False)
    head = sp.desc if rng.random() < 0.35 else p.last
    return _Ref(head, "", head, True)


def _subject(ref: _Ref) -> str:
    return f"{ref.head}, {ref.appos}," if ref.appos else ref.head


def _object(ref: _Ref) -> str:
    return f"{ref.obj}, {ref.appos}" if ref.appos else ref.obj


@dataclass(frozen=True, slots=True)
class _Style:
    """Per-article wording choices shared by all claim sentences."""

    open: str
    close: str
    after: tuple[str, ...]  # "said", "told reporters", "told the Riverside Gazette", ...
    before: tuple[str, ...]  # verbs before a colon and a quote
    report: tuple[str, ...]  # "warned that", "said on Tuesday that", ...


def _article_style(outlet: _Outlet, ctx: Mapping[str, str], rng: random.Random) -> _Style:
    curly = outlet.curly != (rng.random() < 0.1)
    day = ctx["weekday"]
    return _Style(
        "“" if curly else '"',
        "”" if curly else '"',
        ("said", "said", "said", "added", "told reporters", "said in a statement", f"said on {day}",
         f"told the {outlet.name}", "told a news conference"),
        ("said", "said", "told reporters", "said in a statement", "added", f"told the {outlet.name}"),
        ("warned that", "insisted that", "argued that", "added that", "told reporters that",
         f"said on {day} that", "said in a statement that"),
    )  # fmt: skip


def _quote_sentence(texts: list[str], claim: _Claim, ref: _Ref, st: _Style, rng: random.Random) -> str:
    """A direct quote of one or two sentences with its attribution before, after or inside it."""
    o, c = st.open, st.close
    verb = "said" if ref.appos else _pick(rng, st.after)
    if len(texts) == 2:
        return f"{o}{texts[0]}. {texts[1]},{c} {_subject(ref)} {verb}."
    main, conn, tail = claim.parts
    roll = rng.random()
    if conn and not claim.reorder and roll < 0.35:
        return f"{o}{_cap(main)},{c} {_subject(ref)} said, {o}{conn} {tail}.{c}"
    if roll < 0.6:
        if ref.named and verb == "said" and rng.random() < 0.4:
            return f"{o}{texts[0]},{c} said {_object(ref)}."
        return f"{o}{texts[0]},{c} {_subject(ref)} {verb}."
    if roll < 0.88:
        return f"{_cap(_subject(ref))} {_pick(rng, st.before)}: {o}{texts[0]}.{c}"
    manner = _pick(rng, ("was blunt", "was emphatic", "put it plainly", "did not mince words"))
    return f"{_cap(_subject(ref))} {manner}: {o}{texts[0]}.{c}"


def _reported_sentence(claim: _Claim, ref: _Ref, st: _Style, rng: random.Random) -> str:
    """Reported speech: "X said (that) …", "According to X, …", "X warned that …", "X denied …"."""
    said = _compose(claim.parts, claim.reorder)
    subject = _cap(_subject(ref))
    if claim.deny:
        verb = _pick(
            rng, ("denied that", "rejected claims that", "dismissed suggestions that", "denied reports that")
        )
        return f"{subject} {verb} {said}."
    roll = rng.random()
    if roll < 0.3:
        return f"{subject} said that {said}."
    if roll < 0.45:
        return f"{subject} said {said}."
    if roll < 0.6:
        return f"According to {_object(ref)}, {said}."
    if roll < 0.82:
        return f"{subject} {_pick(rng, st.report)} {said}."
    return f"{_cap(said)}, {_subject(ref)} said."


def _render_chunk(
    event: _Event, chunk: list[_Claim], cast: _Cast, st: _Style, rng: random.Random
) -> list[str]:
    """The sentences of consecutive claims by one speaker (two quotes may share one sentence)."""
    out: list[str] = []
    j = 0
    while j < len(chunk):
        claim = chunk[j]
        sp = event.speakers[claim.speaker]
        pair = j + 1 < len(chunk) and claim.quoted and chunk[j + 1].quoted and rng.random() < 0.3
        if claim.quoted and j and cast.last == claim.speaker and not pair and rng.random() < 0.2:
            out.append(f"{st.open}{_cap(_compose(claim.parts, claim.reorder))}.{st.close}")
            j += 1
            continue
        ref = _ref(cast, claim.speaker, sp, rng)
        if claim.quoted:
            group = chunk[j : j + 2] if pair else [claim]
            texts = [_cap(_compose(x.parts, x.reorder)) for x in group]
            out.append(_quote_sentence(texts, claim, ref, st, rng))
        else:
            out.append(_reported_sentence(claim, ref, st, rng))
        cast.last = claim.speaker
        j += 2 if pair else 1
    return out


# --------------------------------------------------------------------------------------- articles
@dataclass(frozen=True, slots=True)
class _Page:
    """An article before the outlet's boilerplate goes around it."""

    title: str
    section: str
    place: str
    scene: str
    reporter: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Original:
    outlet: int
    page: _Page


def _cast_order(event: _Event, rng: random.Random) -> list[int]:
    """The speakers of one article: both leads (in either order) and one to three others."""
    leads = [0, 1] if rng.random() < 0.5 else [1, 0]
    return leads + rng.sample(range(2, len(event.speakers)), rng.randint(1, 3))


def _pick_claims(
    event: _Event, order: list[int], budget: int, spec: CorpusSpec, rng: random.Random
) -> list[_Claim]:
    """8–15 claims, one per cast member first, then mostly by the two leads; more than the drawn
    count while they and ``budget`` characters of other text would not fill ``budget``."""
    used: dict[int, set[str]] = {}
    weights = [3.0 if w < 2 else 1.2 for w in order]
    count = rng.randint(*CLAIMS)
    claims = [_claim(event, w, used, spec, rng) for w in order]
    size = sum(map(_claim_size, claims)) + sum(len(event.speakers[w].appos) for w in order)
    while len(claims) < count or (len(claims) < CLAIMS[1] and size < budget - SLACK):
        claims.append(_claim(event, rng.choices(order, weights)[0], used, spec, rng))
        size += _claim_size(claims[-1])
    return claims


def _claim_size(claim: _Claim) -> int:
    """About how many characters the claim's sentence will take."""
    return sum(map(len, claim.parts)) + 32


def _blocks(order: list[int], claims: list[_Claim], rng: random.Random) -> list[list[_Claim]]:
    """Claims grouped by speaker; a speaker with three or more may come back later in the article."""
    first: list[list[_Claim]] = []
    later: list[list[_Claim]] = []
    for who in order:
        mine = [c for c in claims if c.speaker == who]
        if len(mine) >= 3 and rng.random() < 0.6:
            cut = rng.randint(1, len(mine) - 1)
            first.append(mine[:cut])
            later.append(mine[cut:])
        elif mine:
            first.append(mine)
    return first + later


def _paragraphs(sentences: list[str], rng: random.Random) -> list[list[str]]:
    """Split a speaker's sentences into paragraphs of one or two sentences."""
    out: list[list[str]] = []
    j = 0
    while j < len(sentences):
        take = 1 if rng.random() < 0.45 else 2
        out.append(sentences[j : j + take])
        j += take
    return out


def _fit(paras: list[list[str]], most: int) -> None:
    """Merge the shortest neighbours (never the lede) until there are at most ``most`` paragraphs,
    or split the longest until there are at least PARAGRAPHS[0]."""
    sizes = [sum(map(len, p)) for p in paras]
    while len(paras) > most:
        j = min(range(1, len(paras) - 1), key=lambda k: sizes[k] + sizes[k + 1])
        paras[j : j + 2] = [paras[j] + paras[j + 1]]
        sizes[j : j + 2] = [sizes[j] + sizes[j + 1]]
    while len(paras) < PARAGRAPHS[0]:
        splittable = [k for k in range(1, len(paras)) if len(paras[k]) > 1]
        if not splittable:
            return
        j = max(splittable, key=lambda k: len(paras[k]))
        half = len(paras[j]) // 2
        paras[j : j + 1] = [paras[j][:half], paras[j][half:]]


def _extras(event: _Event, rng: random.Random) -> list[str]:
    """Unattributed sentences (facts and background), alternating, in the order they may be used."""
    kind, ctx = event.kind, event.ctx
    facts = [_cap(_fill(t, ctx, rng)) for t in rng.sample(kind.facts, len(kind.facts))]
    background = [_cap(_fill(t, ctx, rng)) for t in rng.sample(kind.background, len(kind.background))]
    out = [s for pair in zip(facts, background, strict=False) for s in pair]
    return out + facts[len(background) :]


def _take(sentences: list[str], budget: int) -> list[str]:
    """The leading sentences that fit in ``budget`` characters (at least one)."""
    size, n = len(sentences[0]), 1
    while n < len(sentences) and size + len(sentences[n]) <= budget:
        size, n = size + len(sentences[n]) + 1, n + 1
    return sentences[:n]


def _body(event: _Event, outlet: _Outlet, budget: int, spec: CorpusSpec, rng: random.Random) -> list[str]:
    """The article's paragraphs: lede, speaker blocks with facts between them, closing line; facts
    and background fill what the claims leave of ``budget`` (characters)."""
    ctx = event.ctx
    lede = _cap(_fill(_pick(rng, event.kind.ledes), ctx, rng))
    closing = _cap(_fill(_pick(rng, event.kind.closings), ctx, rng))
    budget -= len(lede) + len(closing)
    extras = _extras(event, rng)
    order = _cast_order(event, rng)
    claims = _pick_claims(event, order, budget - len(" ".join(extras)), spec, rng)
    extras = _take(extras, budget - sum(map(_claim_size, claims)))
    extras.reverse()
    st = _article_style(outlet, ctx, rng)
    cast = _Cast(set())
    paras: list[list[str]] = [[lede]]
    blocks = _blocks(order, claims, rng)
    for b, chunk in enumerate(blocks):
        take = _spread(len(extras), len(blocks) - b, b == 0, rng)
        if take:
            paras.append([extras.pop() for _ in range(take)])
            cast.last = -1
        paras.extend(_paragraphs(_render_chunk(event, chunk, cast, st, rng), rng))
    extras.reverse()
    paras.extend(extras[j : j + 2] for j in range(0, len(extras), 2))
    paras.append([closing])
    _fit(paras, rng.randint(*PARAGRAPHS))
    texts = [" ".join(p) for p in paras]
    if outlet.nbsp:
        texts = [_NBSP_RE.sub("\u00a0", t) if rng.random() < 0.5 else t for t in texts]
    return texts


def _spread(left: int, blocks_left: int, first: bool, rng: random.Random) -> int:
    """How many of ``left`` facts go before the next speaker block: about an even share, at most
    two, and at least one before the first block."""
    share = left // (blocks_left + 1) + (rng.random() < 0.5)
    return min(2, left, max(int(first), share))


def _date_fields(when: datetime) -> dict[str, str]:
    return {
        "d": str(when.day), "month": MONTHS[when.month - 1], "y": str(when.year), "year": str(when.year),
        "hh": f"{when.hour:02d}", "mm": f"{when.minute:02d}", "h12": str((when.hour - 1) % 12 + 1),
        "ampm": "a.m." if when.hour < 12 else "p.m.", "weekday": WEEKDAYS[when.weekday()],
        "iso_date": when.date().isoformat(),
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Wrapper:
    """An outlet's boilerplate for one article: lines before, inside and after the body."""

    header: tuple[str, ...]
    caption: str
    see_also: str
    footer: tuple[str, ...]

    def size(self) -> int:
        lines = (*self.header, self.caption, self.see_also, *self.footer)
        return sum(len(line.encode()) + 1 for line in lines)

    def wrap(self, paragraphs: tuple[str, ...], after: int) -> str:
        body = list(paragraphs)
        body.insert(min(after, len(body)), self.caption)
        body.insert(len(body) * 2 // 3 + 1, self.see_also)
        return "\n".join((*self.header, *body, *self.footer))


def _wrapper(outlet: _Outlet, page: _Page, when: datetime, see_also: str, rng: random.Random) -> _Wrapper:
    """The outlet's boilerplate filled for ``page`` (``see_also``: another article's headline)."""
    fields = _date_fields(when) | {
        "title": _display_title(outlet, page), "section": page.section, "place": page.place,
        "country": COUNTRY, "reporter": page.reporter, "scene": page.scene, "headline": see_also,
        "photographer": _pick(rng, outlet.photographers), "read": str(rng.randint(3, 6)),
    }  # fmt: skip
    return _Wrapper(
        header=tuple(line.format_map(fields) for line in outlet.header),
        caption=outlet.caption.format_map(fields),
        see_also=outlet.see_also.format_map(fields),
        footer=tuple(line.format_map(fields) for line in outlet.footer),
    )


def _display_title(outlet: _Outlet, page: _Page) -> str:
    return _title_case(page.title) if outlet.title_case else page.title


def _edit_one_sentence(paragraphs: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """The syndicated copy's one change: a word op in one paragraph, else an attribution added."""
    out = list(paragraphs)
    for j in rng.sample(range(len(out)), len(out)):
        for op in rng.sample(("synonym", "contraction"), 2):
            edited = _word_op(op, out[j], rng)
            if edited is not None:
                out[j] = edited
                return tuple(out)
    out[0] = out[0].removesuffix(".") + ", officials said."
    return tuple(out)


class _Run:
    """The state of one ``generate`` call: article ``i`` depends only on the spec and on ``< i``."""

    def __init__(self, spec: CorpusSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.outlets = tuple(_build_outlet(spec.seed, k) for k in range(spec.outlets))
        self.events: dict[int, _Event] = {}
        self.recent: deque[_Original] = deque(maxlen=RECENT)
        self.start = datetime.combine(date.fromisoformat(spec.start), time(6))

    def event(self, i: int) -> _Event:
        """The event article ``i`` covers: one of the EVENT_WINDOW newest (built once, cached)."""
        newest = i // EVENT_EVERY
        index = self.rng.randint(max(0, newest - EVENT_WINDOW + 1), newest)
        if index not in self.events:
            for old in [e for e in self.events if e <= newest - EVENT_WINDOW]:
                del self.events[old]
            self.events[index] = _build_event(self.spec.seed, index)
        return self.events[index]

    def see_also(self, title: str) -> str:
        titles = [o.page.title for o in self.recent if o.page.title != title]
        return _cap(_pick(self.rng, titles[-12:])) if titles else _pick(self.rng, FALLBACK_HEADLINES)

    def source(self, k: int) -> _Original | None:
        """The article to syndicate (a recent original of another outlet), or None."""
        if self.rng.random() >= self.spec.syndicated_share:
            return None
        others = [o for o in self.recent if o.outlet != k]
        return _pick(self.rng, others) if others else None

    def article(self, i: int) -> dict[str, object]:
        """Article ``i``: an original, or with ``syndicated_share`` a copy of a recent one."""
        rng = self.rng
        when = self.start + timedelta(minutes=MINUTES_APART * i + rng.randrange(MINUTES_APART))
        k = rng.randrange(len(self.outlets))
        src = self.source(k)
        page, wrapper = self.original(i, k, when) if src is None else self.copy(src, k, when)
        return _submission(i, self.spec.seed, self.outlets[k], page, when, wrapper)

    def original(self, i: int, k: int, when: datetime) -> tuple[_Page, _Wrapper]:
        """A new article by outlet ``k`` on a current event, sized to fill its boilerplate to 3–5 KB."""
        rng, outlet, event = self.rng, self.outlets[k], self.event(i)
        title = _cap(_fill(_pick(rng, event.kind.headlines), event.ctx, rng))
        scene = _cap(_fill(_pick(rng, event.kind.scenes), event.ctx, rng))
        page = _Page(title, event.kind.section, event.ctx["place"], scene, _pick(rng, outlet.reporters), ())
        wrapper = _wrapper(outlet, page, when, self.see_also(title), rng)
        budget = rng.randint(*TARGET_BYTES) - wrapper.size()
        page = replace(page, paragraphs=tuple(_body(event, outlet, budget, self.spec, rng)))
        self.recent.append(_Original(k, page))
        return page, wrapper

    def copy(self, src: _Original, k: int, when: datetime) -> tuple[_Page, _Wrapper]:
        """Outlet ``k``'s copy of ``src``: its own boilerplate around the body, one sentence edited."""
        reporter = f"{src.page.reporter} ({self.outlets[src.outlet].name})"
        paragraphs = _edit_one_sentence(src.page.paragraphs, self.rng)
        page = replace(src.page, reporter=reporter, paragraphs=paragraphs)
        return page, _wrapper(self.outlets[k], page, when, self.see_also(page.title), self.rng)


def _submission(
    i: int, seed: int, outlet: _Outlet, page: _Page, when: datetime, wrapper: _Wrapper
) -> dict[str, object]:
    slug = _SLUG_RE.sub("-", page.title.lower()).strip("-")[:60].rstrip("-")
    return {
        "id": f"synth-{seed}-{i:06d}",
        "url": f"https://{outlet.domain}/{page.section.lower()}/{when:%Y/%m/%d}/{slug}-{i}",
        "outlet": outlet.name,
        "title": _display_title(outlet, page),
        "published_at": f"{when:%Y-%m-%dT%H:%M}:00Z",
        "text": wrapper.wrap(page.paragraphs, outlet.caption_after),
    }


def _validate(n: int, spec: CorpusSpec) -> None:
    if n < 0:
        raise ValueError("n must be >= 0")
    if not 1 <= spec.outlets <= MAX_OUTLETS:
        raise ValueError(f"outlets must be between 1 and {MAX_OUTLETS}")
    for name in ("repeated_share", "syndicated_share"):
        if not 0.0 <= getattr(spec, name) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
    date.fromisoformat(spec.start)


def generate(n: int, spec: CorpusSpec = CorpusSpec()) -> Iterator[dict[str, object]]:
    """n submission dicts in the public input schema: {"id","url","outlet","title","published_at","text"};
    deterministic for a given (n, spec) — the first k articles of generate(n) equal generate(k) for k<n.

    The spec is checked at once (``ValueError``); the articles are produced lazily, one at a time.
    """
    _validate(n, spec)
    run = _Run(spec)
    return (run.article(i) for i in range(n))
