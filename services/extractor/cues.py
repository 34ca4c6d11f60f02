"""Attribution cues and speaker vocabulary as data.

Everything here is plain English vocabulary, not tuned to any article: the verbs that introduce
speech ("said", "warned"), how each one takes its content, the nouns that name a role or an
institution ("spokesman", "ministry"), and the small words that may sit between a speaker and its
verb ("also", "has"). ``attribution`` compiles the regexes from these sets once at import.
"""

from __future__ import annotations

from typing import Final


def _forms(lemma: str) -> set[str]:
    """Regular inflections of a cue verb: base, -s, -ed, -ing (enough for English cue verbs)."""
    if lemma.endswith("e"):
        stem = lemma[:-1]
        return {lemma, lemma + "s", stem + "ed", stem + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        stem = lemma[:-1]
        return {lemma, stem + "ies", stem + "ied", lemma + "ing"}
    if lemma.endswith(("sh", "ch", "ss", "x")):
        return {lemma, lemma + "es", lemma + "ed", lemma + "ing"}
    return {lemma, lemma + "s", lemma + "ed", lemma + "ing"}


def _table(lemmas: str, irregular: str = "", base: bool = True) -> frozenset[str]:
    """All forms of the space-separated ``lemmas`` plus explicitly listed ``irregular`` forms;
    without ``base`` the bare form is left out (it is mostly a noun: "a note", "the answer")."""
    forms: set[str] = set(irregular.split())
    for lemma in lemmas.split():
        forms |= _forms(lemma) - ({lemma} if not base else set())
    return frozenset(forms)


# Verbs whose content is a clause ("X said (that) ...", "..., X said").
SAY: Final = _table(
    "say stress warn claim allege insist argue assert contend maintain acknowledge predict "
    "complain believe think fear hope worry agree admit suggest estimate deny concede "
    "suspect speculate worry",
    "said saying says wrote written writes writing thought thinks thinking admitted admitting "
    "admits regretted regretting pointed_out points_out pointing_out made_it_clear makes_it_clear "
    "making_it_clear made_clear",
) | _table(
    "add note explain disclose confirm announce report reveal declare state promise recall "
    "testify emphasize emphasise reiterate observe remark indicate conclude boast respond "
    "reply answer joke quip recount vow pledge caution counter tweet post write surmise lament "
    "insist repeat hint imply",
    base=False,
) - {"posts", "notes", "reports", "answers", "replies", "counters", "remarks"}
# Verbs that take an addressee before the clause ("X told reporters (that) ...").
TELL: Final = _table(
    "tell inform assure remind notify advise brief",
    "told tells telling",
)
# Verbs whose content is an object plus complement ("X urged Y to ...", "X accused Y of ...")
# or a noun phrase ("X cited Y", "X called Y Z", "X complained about Y").
OBJECT: Final = (
    _table(
        "urge ask accuse encourage implore beg invite demand blame criticize criticise condemn "
        "praise dismiss reject defend welcome cite describe attack mock slam blast tout "
        "highlight mention propose unveil",
        "called_on calls_on calling_on call_on called_for calls_for calling_for call_for called "
        "calls calling questioned questions questioning complained_about complains_about "
        "complaining_about talked_about talks_about talking_about spoke_about speaks_about "
        "raised_questions_about raising_questions_about raises_questions_about warned_of "
        "warned_about expressed expresses expressing wants wanted laid_out lays_out plans planned "
        "planning refuses refused refusing declined declines declining intends intended intending "
        "threatened threatens threatening exhorted exhorts exhorting spoke_of speaks_of speaking_of "
        "railed_against rails_against railing_against went_after goes_after",
        base=False,
    )
    | _table(
        "chastise link champion oppose admire dispute grill hammer question paint portray characterize "
        "characterise label brand dub hail",
        base=False,
    )
    | _table("urge ask accuse blame criticize criticise cite call_on call_for")
)
# Verbs of knowing and deciding: a cue only before "that", "to" or "whether" ("Mr. Deese
# expected that ...", "the FBI decided not to ...").
MENTAL: Final = _table(
    "expect understand learn discover realize realise recognize recognise decide determine doubt assume",
    "understood learnt knew knows felt feels",
    base=False,
)
# Verbs that attribute a finding to a text or a study ("a poll shows ...").
FINDING: Final = _table("show find", "found finds finding showed shown shows showing ruled rules", base=False)

# Multi-word cues are written with "_" above; the regex builder turns "_" into whitespace.
ALL_VERBS: Final = SAY | TELL | OBJECT | FINDING | MENTAL

# Words allowed between a speaker and its cue verb ("Peskov has also said").
AUX: Final = frozenset(
    "has have had also again later then repeatedly previously publicly privately recently once almost "
    "often further still reportedly simply even already just quickly immediately subsequently "
    "would will could may might did does do is was were are has_since first initially long "
    "separately specifically earlier frequently flatly bluntly angrily openly explicitly "
    "emphatically falsely wrongly correctly rightly accurately directly now not never since "
    "too generally usually always isn’t isn't wasn’t wasn't didn’t didn't doesn’t "
    "doesn't don’t don't hasn’t hasn't haven’t haven't won’t won't wouldn’t wouldn't can’t "
    "can't couldn’t couldn't".split()
)
# Addressees and media that may follow "told" ("told reporters", "told Reuters").
ADDRESSEES: Final = frozenset(
    "reporters journalists the press newsmen correspondents lawmakers senators supporters "
    "voters crowd audience interviewer".split()
)


def _both_numbers(words: str) -> frozenset[str]:
    """``words`` with their plurals, and singulars of the agent-noun plurals among them."""
    out = set(words.split())
    for word in list(out):
        out.add(word + "s")
        if word.endswith(("ers", "ors", "ists", "ants", "ents", "ians", "ives", "ees")):
            out.add(word[:-1])
    return frozenset(out)


# Role nouns: heads of descriptions that can be speakers ("the spokesman", "the ministry").
ROLES: Final = _both_numbers(
    "spokesman spokeswoman spokesperson spokesmen spokespeople secretary minister ministry "
    "president vice-president premier chancellor governor mayor senator congressman "
    "congresswoman lawmaker lawmakers representative official officials source sources aide "
    "aides adviser advisers advisor advisors director chairman chairwoman chair head chief "
    "leader leaders manager ambassador envoy diplomat diplomats general commander officer "
    "officers police prosecutor prosecutors attorney attorneys lawyer lawyers judge justices "
    "court department agency office committee commission council government administration "
    "campaign party member members analyst analysts expert experts economist economists "
    "researcher researchers scientist scientists critic critics supporter supporters "
    "opponent opponents candidate nominee challenger rival incumbent founder owner executive "
    "executives ceo investigators investigator authorities authority organization "
    "organisation group union association institute foundation firm company bank fund "
    "network newspaper paper report study survey poll polls statement letter complaint "
    "ruling filing memo document documents data figures website service services military "
    "army ministries kremlin whitehouse embassy mission delegation team staff staffer "
    "staffers representatives residents witnesses witness activists activist protesters "
    "organizers organisers democrats republicans voters people observers insiders "
    "operatives surrogate surrogates strategist strategists pollster pollsters historian "
    "historians professor professors doctor doctors physician author authors writer editor "
    "editors columnist host anchor moderator announcer narrator commentator administrator "
    "administrators regulator regulators inspector inspectors monitor monitors observer "
    "separatists rebels militants insurgents forces troops side premier deputy deputies "
    "counterpart commissioner secretary-general defenders advocates allies backers "
    "proponents detractors skeptics fans followers colleagues friends relatives family "
    "neighbors neighbours officials partners employees workers students parents teachers "
    "doctors nurses lawyers judges jurors citizens americans voters donors delegates "
    "constituents veterans victims survivors families farmers businessmen economists "
    "scholars spokespeople representatives negotiators mediators inspectors auditors "
    "regulators organizers planners designers engineers managers owners investors "
    "analysts bankers traders consultants contractors vendors landlords tenants users "
    "customers clients patients readers viewers listeners callers participants respondents "
    "panel jury commentators pundits bloggers reporter journalist journalists correspondent "
    "editor publisher city county state town village agency ministry federation university "
    "center centre board bureau authority corporation parliament senate congress"
)
# Nouns naming what someone said or thinks ("Trump's claim that", "concerns about").
SPEECH_NOUNS: Final = frozenset(
    "claim claims allegation allegations accusation accusations assertion assertions insistence "
    "argument concern concerns question questions worries fears doubts illusions criticism disdain "
    "despair complaint complaints warning warnings skepticism scepticism frustration outrage anger "
    "praise assurance assurances suspicion suspicions hopes belief view views theory "
    "acknowledgment acknowledgement admission denial prediction predictions promise promises "
    "pledge pledges vow threat threats demand demands call calls opposition support".split()
)
# Adjectives of attitude after a copula ("she is convinced that", "they were worried about").
ATTITUDE_ADJECTIVES: Final = frozenset(
    "convinced confident sure certain frustrated worried concerned afraid aware adamant optimistic "
    "pessimistic hopeful skeptical sceptical doubtful angry upset disappointed pleased proud "
    "satisfied furious alarmed".split()
)
# Texts and findings that can be the subject of a cue ("a 2008 ad questioned ...").
SOURCE_NOUNS: Final = frozenset(
    "ad ads video videos spot slide article articles editorial column book paper research "
    "analysis analyses review audit investigation findings estimate estimates projection "
    "forecast assessment ruling rulings transcript tally platform bill law rule guidance percent".split()
)
# Heads of institution names ("Russian Foreign Ministry", "Bank of Estrava").
ORG_HEADS: Final = frozenset(
    "ministry council committee commission department agency office court party union "
    "association institute foundation university center centre bank fund company corp "
    "corporation inc group times post news network service services kremlin government "
    "administration house senate congress parliament assembly republic federation states "
    "nations organization organisation board bureau authority police army forces".split()
)
# Capitalised words that are titles, not names ("Russian President Vladimir Putin").
TITLES: Final = frozenset(
    "mr mr. mrs mrs. ms ms. messrs messrs. dr dr. prof prof. sens sens. reps reps. govs govs. "
    "gen gen. lt lt. col col. sgt sgt. capt capt. "
    "adm adm. maj maj. gov gov. sen sen. rep rep. rev rev. sir lord lady dame president "
    "vice prime minister secretary senator governor mayor judge justice chairman chairwoman "
    "chair speaker spokesman spokeswoman spokesperson director ambassador general admiral "
    "colonel captain sergeant lieutenant major commander chief attorney representative "
    "congressman congresswoman councilman councilwoman pope king queen prince princess "
    "sheikh emir premier chancellor deputy acting former retired interim late pastor "
    "rabbi father bishop cardinal detective officer inspector professor dean sheriff "
    "superintendent commissioner treasurer auditor comptroller leader head founder ceo "
    "chairperson envoy minister. advisor adviser aide coach anchor host moderator "
    "assemblyman assemblywoman delegate president-elect".split()
)
# Lower-case modifiers that may open a speaker description ("a senior official").
MODIFIERS: Final = frozenset(
    "a an the another two three four several many some most other top senior former retired "
    "longtime long-time veteran chief deputy acting interim foreign local state federal "
    "national regional international military political independent anonymous unnamed "
    "leading prominent key new outgoing incoming his her their its our one both each all "
    "few more vice-presidential presidential congressional republican democratic "
    "conservative liberal progressive nonpartisan bipartisan assistant press public "
    "government western eastern russian ukrainian american french british german chinese "
    "european".split()
)
PRONOUNS: Final = frozenset("he she they it we i you".split())
PERSON_PRONOUNS: Final = frozenset({"he", "she"})
# Nouns for the text that carries a statement: its author is the speaker ("a statement of X").
CARRIERS: Final = frozenset(
    "statement message letter report release communique tweet post note memo "
    "announcement remarks comments words speech interview".split()
)
# Carriers that are someone's words rather than a document of their own ("the report says"):
# "according to the statement" credits the source the article has just quoted.
UTTERANCES: Final = frozenset(
    "statement message tweet post remarks comments words speech interview announcement".split()
)
# Attribution lines that are labels, not speakers ("UPDATE: ...").
NOT_SPEAKER_LABELS: Final = frozenset(
    "update updated correction clarification editor editors note abstract full text "
    "advertisement related read also see watch photo video source sources ps".split()
)
# The character that replaces quoted words in the attribution frame (see ``attribution``).
MASK: Final = "#"

# Capitalised words that open clauses or name dates, never part of a speaker's name.
NOT_NAMES: Final = frozenset(
    "A An The But And Or So Yet However Still Also Then Now Meanwhile Instead Thus Indeed Moreover "
    "Separately Previously Finally First Second Last When While If As After Before Because "
    "Although Though Since Asked Speaking In On At For With By From Under Over During Despite "
    "Earlier Later Yesterday Today Tonight Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday That This These Those There Here It He She They We I You Why How What Where Who "
    "Unfortunately Obviously Clearly Similarly Likewise Again Nevertheless Nonetheless Even "
    "Only Just Not No Yes Perhaps Maybe Still Already Commenting Calling Asked Responding His Her "
    "Having Together Overall Ultimately Additionally Currently Historically Notably Importantly "
    "Specifically Fortunately Initially Originally Eventually Recently Typically Generally "
    "Basically Honestly Frankly Interestingly Ironically Apparently Reportedly Officially "
    "Publicly Privately Afterward Afterwards Otherwise Elsewhere Altogether Instead Besides "
    "Furthermore Consequently Accordingly Regardless Nonetheless Hence Therefore Admittedly "
    "Their Its Our My Your January February March April June July August September October "
    "November December Sept".split()
)

# Number words: "Twenty-seven states said" has no name in it.
NUMBER_WORDS: Final = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion dozen dozens hundreds thousands millions".split()
)

# Small words inside source phrases ("secretary of state", "Grassley and Leahy").
CONNECTORS: Final = frozenset("of for on at and the de in to from with".split())

# Prepositions opening an adverbial phrase, never a subject ("In a statement, ...").
PREPOSITIONS: Final = frozenset(
    "in on at for with by from during after before under over despite like unlike since "
    "through throughout amid among via upon without within into onto toward towards".split()
)

RELATIVES: Final = frozenset("who which whose where whom".split())

# Closed-class words: never a noun modifier inside a source phrase.
FUNCTION_WORDS: Final = frozenset(
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

# Words that show a comma segment is a clause, not a noun phrase.
CLAUSE_WORDS: Final = frozenset(
    "is was are were be been has have had will would can could should that than because if "
    "when while said says told not".split()
)

# Words that open an appositive after a name ("X, the director of ...").
APPOSITIVE_OPENERS: Final = frozenset("the a an who who’s who's his her its their".split())

# Title-case cues of headlines ("Flynn Says Trump ...").
CAP_CUES: Final = frozenset("Says Said Tells Told Warns Urges Accuses Denies Claims Slams Blasts".split())

# Forms that are usually nouns count as cues only before "that" ("He notes that ...").
NOUNY_CUES: Final = frozenset("notes reports posts answers replies charges counters remarks".split())

# Cue forms that are as often plural nouns ("the climate rules", "took questions"): their subject
# must be a name or a role.
NOUN_LIKE_CUES: Final = frozenset(
    "questions calls rules states claims fears fear plans reports notes hopes charges demands "
    "estimates counters answers replies remarks posts concerns warnings promises pledges "
    "threats attacks criticisms vows cites findings shows".split()
)

# Clause verbs whose bare object is usually a thing, not a report ("maintains a program").
NEEDS_CLAUSE: Final = frozenset(
    "maintain maintains maintained maintaining state stated stating claim claimed claims "
    "claiming admit admitted admits admitting acknowledge acknowledged acknowledges "
    "acknowledging promise promised promises promising conclude concluded concludes concluding "
    "recall recalled recalls recalling report reported reporting announce announced "
    "announces announcing reveal revealed reveals revealing confirm confirmed confirms "
    "confirming explain explained explains explaining indicate indicated indicates indicating "
    "observe observed observes observing post posted posting write wrote writes writing "
    "written tweet tweeted tweets tweeting agree agreed agrees agreeing".split()
)

# Words before "states" that make it the noun ("EU member states had ...").
NOT_STATING: Final = frozenset(
    "member swing battleground united southern northern western eastern red blue key border "
    "gulf baltic island arab african asian european nuclear other".split()
)

# Words opening an adjunct after a parenthetical cue rather than the rest of the content.
ADJUNCT_WORDS: Final = frozenset(
    "without with in on at after before during despite while as because although though when "
    "since following amid according citing referring and but or to from by for".split()
)

BE: Final = frozenset("is was are were be been being".split())
