"""Incident frames: the stretches of a sentence that name who suffered its harm.

A report says who was hurt in many shapes, and the target stage used to need one rule
per shape. Here one lexicon of harm (hit, struck, breached, encrypted, disrupted,
knocked offline, drained, defrauded, stolen from, leaked, affected, impacted ...) and
the slots a clause gives its patient cover them together:

- the object of an active harm verb: "the crew breached a ferry line and two ports";
  its place: "encrypted the servers at a dairy", "money drained from an exchange";
- the subject of a passive one: "a dairy and a bakery were also hit", "the clinic had
  its records encrypted", "the firms hit by the wiper", and of a relative clause's
  antecedent: "two clinics, which were hit last May";
- the subject of a verb it undergoes: "the exchange lost the largest sum", "a port
  suffered an outage", "the council paid a ransom";
- a possessor inside either slot: "the carrier's booking systems were wiped".

:func:`patient_regions` reads one sentence and returns those stretches as
:class:`PatientRegion` (offsets into the text), each with the role its verb gives
(``victim`` for harm done, ``target`` for harm aimed at or attempted) and its reason.
Negated and hypothetical clauses ("was not affected", "could hit") give none. The
module is pure (text in, regions out): the target stage gives the role to the places,
sectors and organisations it finds in a region unless they play another part there (a
source, a sponsor, a product), and looks in the regions for organisations named with
no head word.

Every pattern here is matched at one place (a harm word) over a bounded window, so a
sentence costs time linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unmask.reference.regexes import compile_cached

__all__ = ["PatientRegion", "patient_regions"]

_I = re.IGNORECASE

#: How far (characters) a region reaches from its verb.
_REACH = 200


@dataclass(frozen=True, slots=True)
class PatientRegion:
    """``text[start:end]`` stands in the patient slot of a harm word."""

    start: int
    end: int
    #: ``victim`` (harm done) or ``target`` (harm aimed at, or attempted).
    role: str
    #: ``object`` (after an active verb), ``subject`` (before a passive or undergoing
    #: verb) or ``owner`` (the subject whose "its" systems the verb harmed).
    slot: str
    #: The harm word as written.
    verb: str


# Harm done to the patient, as verbs (every form) and as nouns with their preposition.
_HARM = compile_cached(
    r"\b(?:"
    r"(?P<aim>target(?:s|ed|ing)?|attack(?:s|ed|ing)?|phish(?:ed|es|ing)|spear-?phish(?:ed|es|ing)|went\s+after|"
    r"go(?:es|ing)?\s+after|gone\s+after)|"
    r"(?P<take>(?:took|taken|take[ns]?|taking|knock(?:ed|s|ing)?|shut(?:s|ting)?|brought|bring(?:s|ing)?|forc(?:ed|es|ing)|"
    r"put(?:s|ting)?)\s+(?:(?!offline\b|down\b|out\b|over\b)[\w'’.-]+\s+){0,6}?(?:offline|down|over|out(?:\s+of\s+(?:action|service))?)\b)|"
    r"(?P<steal>stole|stolen|steal(?:s|ing)?|exfiltrat(?:ed|es|ing)|siphon(?:ed|s|ing)?|drain(?:ed|s|ing)?|loot(?:ed|s|ing)?|"
    r"emptied|leak(?:ed|s|ing)?|copied|dumped|taken(?!\s+(?:offline|down|over|out|to|into|place|steps?|action|part)\b))|"
    r"(?P<harm>hit|hits|hitting|struck|strikes?|striking|breach(?:ed|es|ing)?|compromis(?:ed|es|ing)|hack(?:ed|s|ing)?|"
    r"encrypt(?:ed|s|ing)|disrupt(?:ed|s|ing)?|paraly[sz](?:ed|es|ing)|crippl(?:ed|es|ing)|defraud(?:ed|s|ing)?|"
    r"scamm(?:ed|ing)|swindl(?:ed|es|ing)|robb(?:ed|ing)|infect(?:ed|s|ing)|infiltrat(?:ed|es|ing)|penetrat(?:ed|es|ing)|"
    r"wip(?:ed|es|ing)|lock(?:ed|s|ing)|disabl(?:ed|es|ing)|sabotag(?:ed|es|ing)|extort(?:ed|s|ing)?|ransom(?:ed|ing)|"
    r"blackmail(?:ed|s|ing)?|affect(?:ed|s|ing)|impact(?:ed|s|ing)|defac(?:ed|es|ing)|overwhelm(?:ed|s|ing)?|"
    r"flood(?:ed|s|ing)|DDoS(?:ed|ing)?|cyber-?attack(?:ed|s|ing)?)"
    r")\b",
    _I,
)
#: A harm noun's preposition that opens its patient: "the attack on", "the breach at".
_NOUN_PREPOSITION = compile_cached(r"\s+(?:on|at|against|of|into|affecting|hitting)\s", _I)
#: A form of "be" or "get" before a participle (passive), adverbs allowed between.
_PASSIVE_BEFORE = compile_cached(
    r"\b(?:was|were|is|are|been|being|be|get|gets|got|gotten|getting)\s+(?:(?:also|all|then|later|first|again|now|still|"
    r"badly|reportedly|allegedly|apparently|themselves|itself|both|each|(?-i:[a-z]+ly))\s+){0,2}$",
    _I,
)
#: "X had its records encrypted", "saw their mailboxes wiped": the subject suffered it.
_CAUSATIVE_BEFORE = compile_cached(
    r"\b(?:had|has|have|having|got|saw|sees|see)\s+(?:(?:its|their|his|her|our)\s+|"
    r"(?!(?:been|already|also|just|not|never|then|since|now|first|all|both|each|recently|previously|repeatedly)\b)(?=[\w'’-]+\s))"
    r"(?:(?!(?:through|via|from|to|into|by|with|for|on|at|in|been|already|also|just|then|since)\s)[\w'’-]+\s+){0,4}$",
    _I,
)
#: A negation or a modal before the verb: no harm is told ("was not hit", "could breach").
_NOT_TOLD_BEFORE = compile_cached(
    r"(?:\b(?:not|never|no\s+longer|nor|could|would|might|may|can|cannot|should|must|shall|unlikely\s+to)|n['’]t)"
    r"\s+(?:(?:have|be|been|also|yet|ever|even|really|actually|(?-i:[a-z]+ly))\s+){0,3}$",
    _I,
)
#: "tried to breach", "in order to hit", "sought to disrupt": harm aimed, not done.
_ATTEMPT_BEFORE = compile_cached(
    r"\b(?:tr(?:y|ied|ies|ying)|attempt(?:s|ed|ing)?|s(?:ought|eek(?:s|ing)?)|plann?(?:ed|ing|s)?|aim(?:s|ed|ing)?|"
    r"wan(?:t|ted|ts)|order|intend(?:s|ed|ing)?|designed|meant|able|failed)\s+to\s+$",
    _I,
)
#: Where an object region ends: a new clause, a means, an agent, a time clause, a verb.
_OBJECT_END = compile_cached(
    r"[;:!?\n|]|\.(?:\s|$)|\s[-–—]\s|\s\(|"
    r"\s(?:by|using|via|through|after|before|because|since|when|while|during|for|until|unless|if|although|though|"
    r"whereas|but|which|who|whose|where|that|than|behind|is|are|was|were|has|have|had|will|would|could|can|may|might|said|says|"
    r"told|according|claimed|blamed|demanded|asking|warned|with|without|despite|amid|then|so|as\s+part|in\s+order|"
    r"on\s+behalf|cannot|can['’]t|won['’]t|did|does|do|don['’]t|"
    r"and\s+(?:then\s+)?(?:demanded|asked|threatened|left|posted|published|claimed))\b|"
    # a new clause after "and": "..., and last year it linked ...", "and they ..."
    r",?\s+and\s+(?:last|this|next|then|later|earlier|it|they|he|she|we|i|you|the\s+(?:group|gang|crew|actor|attackers|hackers))\b|"
    # a relative clause's subject and verb ("blueprints <Capital> could not license")
    r"(?=\s(?-i:[A-Z])[\w-]+\s+(?:cannot|can['’]t|could|would|will|did|does|do|doesn['’]t|didn['’]t|had|has|have|"
    r"wants|wanted|needs|needed|lacks|lacked)\b)|"
    # a finite verb of a new predicate ("data stolen from X appeared on a leak site")
    r"(?<=[\w,])\s(?-i:[a-z]{2,}ed)\s+(?:on|in|to|at|the|a|an|its|their|that|for|from|with|after|as|up|out|online|offline)\b|"
    # a source after a comma ("..., the firm's CEO said"), not a list's next name
    r",\s+(?:the\s+|a\s+)?(?:[\w&'’.-]+\s+){1,4}?(?:said|says|told|reported|added|wrote|noted|confirmed|explained)\b|"
    # a comma that does not go on with a list or an apposition
    r",\s+(?!(?:and|or|a|an|the|its|their|plus|as\s+well\s+as|including|among\s+them|both|two|three|four|five|six|"
    r"several|some|many|one|another|most|each|based|headquartered|located|[A-Z0-9]))",
    _I,
)
#: ... and for a verb that does not take from its patient, "from" opens the source of the harm
#: ("hit ports from servers abroad"); "to" a destination, unless it says whose ("belonging to").
_FROM_OR_TO = compile_cached(r"\s(?:from|(?<!belonging\s)(?<!belongs\s)(?<!owned\s)to)\s", _I)
#: Where a subject region starts (searched backwards for the last one): a clause or sentence
#: start, a verb of saying, a subordinator.
_SUBJECT_START = compile_cached(
    r"[;:!?\n|]|\.\s|\s[-–—]\s|^|"
    r"\b(?:said|says|say|told|tells|reported|reports|confirmed|confirms|announced|announces|warned|warns|added|adds|"
    r"noted|notes|explained|stated|wrote|writes|believes?|believed|thinks?|thought|revealed|reveals|shows?|showed|"
    r"showing|found|finds|learned|learnt|knew|know|that|but|while|whereas|although|though|when|whenever|after|before|"
    r"because|since|if|unless|once|until|where|as|which|who|whom|whose|and\s+(?:then|later|now))\b|\baccording\s+to\s+[^,;.]{1,80},",
    _I,
)
#: Where the noun phrase before a participle that modifies it starts ("virtual currency
#: stolen by", "the councils hit by"): after the last mark, preposition, verb or pronoun.
_NOUN_PHRASE_START = compile_cached(
    r"[,;:(]|\b(?:for|on|at|by|with|from|to|into|that|which|who|was|were|is|are|has|have|had|said|says|"
    r"(?-i:[a-z]{3,}ing))\b",
    _I,
)
#: A determiner before an -ed form: an adjective ("the affected clinics", "its first targeted
#: sanctions"), whose patient is only the noun it modifies.
_ADJECTIVE_BEFORE = compile_cached(
    r"\b(?:the|a|an|its|their|his|her|our|this|these|those|first|most|many|several|some|all|other|any|no|"
    r"newly|recently|previously|already)\s+(?:(?:first|most|worst|hardest|newly|recently|previously|already|"
    r"(?-i:[a-z]+ly))\s+)?$",
    _I,
)
_MODIFIED_NOUN_END = compile_cached(r"[,;:.!?()\n]|\s(?:on|in|at|of|for|from|to|by|with|and|or|that|which|who|as)\b", _I)
#: A law-enforcement subject: what it takes down or targets is a criminal service, no victim.
_ENFORCER_BEFORE = compile_cached(
    r"\b(?:police|investigators|authorities|prosecutors|officers|agents|law\s+enforcement|(?-i:Europol|Eurojust|FBI|"
    r"Interpol|Operation)|the\s+operation|the\s+takedown|seized|seizure)\b[^;:.!?]{0,120}$",
    _I,
)
#: A sanctioning body as the aim verb's own subject ("Treasury targets officials behind the
#: attacks", "the new sanctions target ..."): the people it names are sanctioned, not
#: attacked. Only right before the verb: "the State Department said hackers targeted its
#: mail" keeps its target.
_SANCTIONER_BEFORE = compile_cached(
    r"\b(?:treasury|ofac|(?:state|justice)\s+department|department\s+of\s+(?:the\s+)?(?:treasury|justice|state)|"
    r"sanctions?|(?:eu|european\s+union|council)(?:'s)?\s+(?:new\s+)?(?:measures|listings?|designations?))"
    r"(?:\s+[\w'’-]+){0,2}\s*$",
    _I,
)
#: What a "hit X with ..." gives when it punishes: sanctions, charges, penalties.
_PUNISHED_WITH = compile_cached(
    r"\s*,?\s*with\s+(?:new\s+|fresh\s+|further\s+|more\s+)?(?:[\w-]+\s+){0,2}?(?:sanctions|charges|penalties|fines|"
    r"indictments?|asset\s+freezes|travel\s+bans|restrictions|lawsuits?|subpoenas?)\b",
    _I,
)
#: A verb phrase joined to an earlier one ("we informed the police and reported the breach"):
#: its subject is the first one's, not the words before it.
_COORDINATED = compile_cached(r"\s(?:and|or|then|but)\s*$", _I)
_PRONOUN = compile_cached(r"(?:that\s+)?(?:it|they|its\s+[\w-]+(?:\s+[\w-]+)?|their\s+[\w-]+(?:\s+[\w-]+)?)", _I)
#: A relative pronoun right before the verb phrase: its antecedent is the subject.
_RELATIVE_END = compile_cached(r"(?:,\s*)?\b(?:who|which|that)\s+$", _I)
#: A count of victims that names them: "victims in the state included", "those affected were".
_VICTIMS_INCLUDE = compile_cached(
    r"\b(?:victims|targets|those\s+(?:hit|affected|targeted)|(?:organi[sz]ations|firms|companies|customers)\s+(?:hit|affected))"
    r"(?:\s+(?!(?:said|says|were\s+not|are\s+not)\b)[\w,'’-]+){0,6}?\s+(?:include[sd]?|including|were|are|such\s+as|among\s+them)\s",
    _I,
)
#: Verbs whose subject undergoes the harm: "lost the largest sum", "suffered an outage".
_UNDERGO = compile_cached(
    r"\b(?:"
    r"(?:lost|loses|lose|losing)\s+(?:(?!to\b)[^\s]+\s+){0,5}?(?:money|funds|sums?|millions?|billions?|euros?|dollars?|pounds?|"
    r"access|control|data|records|files|customer|payments?|(?:[$€£]\S*))\b|"
    r"(?:lost|loses|lose|losing)\s+[$€£]|"
    r"(?:suffered|suffers|suffer|sustained|experienced|experiences|reported|reports|disclosed|discloses|confirmed|"
    r"confirms|detected|discovered|announced|admitted|acknowledged)\s+(?:a|an|the|its|their|two|three|several|another)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:breach|attack|cyberattack|cyber-attack|intrusion|outage|incident|compromise|ransomware|hack|"
    r"theft|heist|leak|losses|loss|infection|disruption|shutdown)\b|"
    r"fell\s+(?:victim|prey)\b|"
    r"paid\s+(?:out\s+)?(?:a|an|the)?\s*(?:[\w$€£.,-]+\s+){0,3}?(?:ransom|extortion)\b|"
    r"(?:went|gone|goes|go|remained|remains|stayed)\s+(?:\w+\s+)?(?:offline|dark)\b|"
    # "check-in systems at three airports have been down since dawn"
    r"(?:was|were|is|are|been|remained|remains|stayed)\s+(?:(?:also|still|largely|partly|completely|mostly)\s+)?"
    r"(?:down|offline|unavailable|unreachable|inaccessible|out\s+of\s+(?:action|service)|encrypted|locked)\b(?!\s+(?:to|for)\b)"
    r")",
    _I,
)
#: The object of an active verb starting with "its" or "their": the clause's subject owns it
#: ("the exchange said thieves had drained its hot wallet").
_ITS_OBJECT = compile_cached(r"\s+(?:(?:all|some|most|many|several|one|two|parts?)\s+of\s+)?(?:its|their)\s", _I)
#: The subject of a saying verb before the harm clause: "<subject> said (that) ...".
_SPEAKER_BEFORE = compile_cached(
    r"^(?P<subject>[^;:!?\n]{2,160}?)\s+(?:has\s+|have\s+|had\s+)?(?:said|says|confirmed|confirms|disclosed|discloses|"
    r"reported|reports|announced|announces|admitted|admits|acknowledged|told|tells|explained|wrote|writes|warned|"
    r"notified|informed)\b",
    _I,
)
#: Harm not (yet) done: "further attacks on", "possible breaches of", "future strikes".
_HYPOTHETICAL_BEFORE = compile_cached(
    r"\b(?:further|future|possible|potential|feared|planned|imminent|likely|hypothetical|simulated|mock)\s+(?:[\w-]+\s+)?$",
    _I,
)
#: A noun that a harm word names, followed by "of": the agent or the kind ("a target of
#: several crews", "targets of opportunity"), not the patient.
_NOUN_OF = compile_cached(r"\s+of\s", _I)
_NOUN_BEFORE = compile_cached(r"\b(?:a|an|the|its|their|main|prime|primary|frequent|favou?rite|likely|easy)\s+$", _I)


#: A flaw's reach, not harm: "the bug affects versions 2 to 4" (affect and impact only).
_FLAW_WORDS = compile_cached(r"\b(?:flaws?|bugs?|vulnerabilit(?:y|ies)|CVE-|versions?|patch(?:ed|es)?|firmware|releases?)\b", _I)


#: A clause that says the harm was not seen: "no evidence that the crew targeted banks",
#: "has not been observed attacking ports", "denied that its systems were hit" (the words
#: stand before the verb in its sentence, no "but" or "although" between).
_CLAUSE_NEGATION = compile_cached(
    r"\b(?:no|not|never|nor|without|den(?:y|ies|ied)|n['’]t|unlikely|rather\s+than|instead\s+of)\b"
    r"(?:(?!\b(?:but|although|though|however|while|whereas|yet)\b)[^;:.!?]){0,100}$",
    _I,
)
#: The bare or -s form of a word that is a noun as often as a verb ("attacks", "hit", "leak",
#: "target"), and the -ing forms that mostly modify a noun ("a phishing campaign", "the
#: hacking group"): a verb only when an object follows at once.
_DUAL_FORM = compile_cached(
    r"(?:target|targets|attack|attacks|cyber-?attacks?|hit|hits|strike|strikes|breach|breaches|hack|hacks|leak|leaks|"
    r"impact|impacts|flood|floods|lock|locks|ransom|extort|disrupt|phishing|spear-?phishing|hacking|DDoS|compromise|"
    r"compromises|wipes|drain|loot|taken)",
    _I,
)
_OBJECT_AT_ONCE = compile_cached(
    r"\s+(?:the|a|an|its|their|his|her|our|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands|"
    r"several|some|many|more|other|another|at\s+least|(?-i:[A-Z0-9]))",
    _I,
)


def _participle(verb: str) -> bool:
    word = verb.split()[0].lower()
    return word.endswith(("ed", "en")) or word in ("hit", "struck", "stole", "shut", "put", "brought", "sent", "emptied")


def _object_end(text: str, start: int, limit: int, steal: bool) -> int:
    end = _OBJECT_END.search(text, start, limit)
    stop = end.start() if end is not None else limit
    if not steal:
        other = _FROM_OR_TO.search(text, start, stop)
        if other is not None:
            stop = other.start()
    return stop


def _subject_start(text: str, low: int, high: int) -> int:
    """Where the subject ending at ``high`` starts: after the last boundary in text[low:high]."""
    start = low
    for match in _SUBJECT_START.finditer(text, low, high):
        if match.end() <= high and match.end() > start:
            start = match.end()
    return start


def patient_regions(text: str, start: int, end: int) -> list[PatientRegion]:
    """The patient regions of the sentence ``text[start:end]``."""
    out: list[PatientRegion] = []
    flaws: bool | None = None
    for match in _HARM.finditer(text, start, end):
        verb = match.group(0)
        if verb[:3].lower() in ("aff", "imp"):
            if flaws is None:
                flaws = _FLAW_WORDS.search(text, start, end) is not None
            if flaws:
                continue
        before = text[max(start, match.start() - 60) : match.start()]
        if _NOT_TOLD_BEFORE.search(before) or _CLAUSE_NEGATION.search(text, max(start, match.start() - 100), match.start()):
            continue
        if (_DUAL_FORM.fullmatch(verb) and not _NOUN_PREPOSITION.match(text, match.end())
                and not _OBJECT_AT_ONCE.match(text, match.end())
                and not (_PASSIVE_BEFORE.search(before) and _participle(verb))):
            continue  # "the attacks fit a wider pattern", "a phishing campaign": no patient here
        aim = match.group("aim") is not None
        attempt = _ATTEMPT_BEFORE.search(before) is not None
        role = "target" if aim or attempt else "victim"
        if aim and (_NOUN_BEFORE.search(before) or verb.lower().startswith("target")) and _NOUN_OF.match(text, match.end()):
            continue  # "a frequent target of governments", "sanctions targets of the EU": who aims
        if _HYPOTHETICAL_BEFORE.search(before):
            continue  # "further attacks on ports", "feared breaches": harm not yet done
        passive = _PASSIVE_BEFORE.search(before) is not None and _participle(verb)
        causative = not passive and _participle(verb) and _CAUSATIVE_BEFORE.search(before) is not None
        # "the councils hit by the wiper": a participle after its noun, its agent after it
        reduced = (
            not passive and not causative and _participle(verb)
            and re.match(r"\s+by\s", text[match.end() : match.end() + 5]) is not None
            and re.search(r"\b(?:has|have|had|having)\s+$", before) is None
        )
        if passive or causative or reduced:
            aux = match.start()
            if passive or causative:
                found = (_PASSIVE_BEFORE if passive else _CAUSATIVE_BEFORE).search(before)
                assert found is not None
                aux = match.start() - len(before) + found.start()
            relative = _RELATIVE_END.search(text, max(start, aux - 12), aux)
            if relative is not None:
                aux = relative.start()
            low = max(start, aux - _REACH)
            if reduced:
                low = max(start, aux - 60)
                subject_from = low
                for boundary in _NOUN_PHRASE_START.finditer(text, low, aux):
                    subject_from = boundary.end()
            else:
                subject_from = _subject_start(text, low, aux)
            if subject_from < aux and text[subject_from:aux].strip(" ,") and not _COORDINATED.search(text, subject_from, aux):
                out.append(PatientRegion(subject_from, aux, role, "subject", verb))
                if _PRONOUN.fullmatch(text[subject_from:aux].strip(" ,")):
                    # "<X> says it is also affected": the speaker is the pronoun's party
                    speaker = _SPEAKER_BEFORE.match(text, start, subject_from)
                    if speaker is not None:
                        out.append(PatientRegion(speaker.start("subject"), speaker.end("subject"), role, "owner", verb))
            # "... were hit: A, B and C" and "wiped the records of": a passive may still have a
            # place after it ("was encrypted at two depots").
            after = re.match(r"\s+(?:at|in|across|of)\s" if match.group("steal") is None else r"\s+(?:at|in|across|of|from)\s",
                             text[match.end() : match.end() + 10])
            if after is not None:
                tail = match.end() + after.end() - 1
                stop = _object_end(text, tail, min(end, tail + _REACH), False)
                if stop > tail:
                    out.append(PatientRegion(tail, stop, role, "object", verb))
            continue
        if verb.lower().endswith("ed") and _ADJECTIVE_BEFORE.search(before):
            # "the affected clinics": the noun the adjective modifies
            noun_end = _MODIFIED_NOUN_END.search(text, match.end(), min(end, match.end() + 60))
            stop = noun_end.start() if noun_end is not None else min(end, match.end() + 60)
            if stop > match.end():
                out.append(PatientRegion(match.end(), stop, role, "object", verb))
            continue
        if (match.group("take") is not None or aim) and (
            _ENFORCER_BEFORE.search(text, max(start, match.start() - 120), match.start())
            or (aim and _SANCTIONER_BEFORE.search(text, max(start, match.start() - 60), match.start()))
        ):
            continue  # "investigators shut down the market", "the operation targeted the people behind"
        # an active verb (or a harm noun): its object, or the patient its preposition opens
        from_at = match.end()
        noun = _NOUN_PREPOSITION.match(text, from_at)
        if noun is not None:
            from_at = noun.end() - 1
        stop = _object_end(text, from_at, min(end, from_at + _REACH), match.group("steal") is not None)
        if match.group("take") is not None:
            # "knocked the site of a ferry line offline": the object stands inside the phrase
            inner = re.match(r"\S+\s+", verb)
            from_at = match.start() + (inner.end() if inner else len(verb))
            stop = max(stop, match.end())
        if _PUNISHED_WITH.match(text, stop, min(end, stop + 60)):
            continue  # "hit two officers with sanctions", "struck the firms with asset freezes": a penalty
        if stop > from_at:
            out.append(PatientRegion(from_at, stop, role, "object", verb))
        if _ITS_OBJECT.match(text, match.end()):
            # "<subject> said thieves had drained its hot wallet": the speaker owns what was harmed
            speaker = _SPEAKER_BEFORE.match(text, start, match.start())
            if speaker is not None:
                out.append(PatientRegion(speaker.start("subject"), speaker.end("subject"), role, "owner", verb))
    for match in _VICTIMS_INCLUDE.finditer(text, start, end):
        stop = _object_end(text, match.end() - 1, min(end, match.end() + _REACH), True)
        if stop > match.end() - 1:
            out.append(PatientRegion(match.end() - 1, stop, "victim", "object", match.group(0).strip()))
    for match in _UNDERGO.finditer(text, start, end):
        before = text[max(start, match.start() - 60) : match.start()]
        if _NOT_TOLD_BEFORE.search(before) or _CLAUSE_NEGATION.search(text, max(start, match.start() - 100), match.start()):
            continue
        low = max(start, match.start() - _REACH)
        subject_from = _subject_start(text, low, match.start())
        relative = _RELATIVE_END.search(text, max(start, match.start() - 12), match.start())
        subject_to = relative.start() if relative is not None else match.start()
        if relative is not None:
            subject_from = _subject_start(text, max(start, subject_to - _REACH), subject_to)
        if (subject_from < subject_to and text[subject_from:subject_to].strip(" ,")
                and not _COORDINATED.search(text, subject_from, subject_to)):
            out.append(PatientRegion(subject_from, subject_to, "victim", "subject", match.group(0)))
    return out
