"""Targets (sectors, countries, regions, organisations) and attribution.

Every place, sector and organisation named in the text becomes a
:class:`~unmask.model.TargetMention` with the *role* it plays in its sentence:

- ``target`` / ``victim``: the object of targeting language ("to target think tanks
  ... in the U.S."), or the subject of a passive compromise ("X was breached");
- ``source``: who is quoted or credited ("according to the Treasury", "Mandiant
  reported", "an advisory from the NSA, FBI and State Department");
- ``sponsor``: the state or service behind an actor ("North Korea's Reconnaissance
  General Bureau", "North Korean hackers", "Pyongyang's efforts");
- ``location``: a place merely located ("a South Korea-based outlet", anything in
  a photo caption);
- ``mention``: everything else.

:func:`extract_attributions` turns sponsor mentions and motive language
(espionage, financial gain, destruction, hacktivism) into
:class:`~unmask.model.Attribution` findings linked to the actors in the passage.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from unmask.extract.incident_frames import PatientRegion, patient_regions
from unmask.extract.sentences import Sentence, split_sentences, structure_of
from unmask.model import ActorMention, Attribution, ExtractContext, Span, TargetMention
from unmask.model.structure import Structure
from unmask.reference.geo import geo_gazetteer
from unmask.reference.orgs import org_gazetteer
from unmask.reference.phrase_index import SpanSet
from unmask.reference.regex_anchors import SPACES, Anchors
from unmask.reference.regexes import compile_cached
from unmask.reference.sectors import sector_vocabulary, sectors_of_name

__all__ = [
    "ActorIndex",
    "Passage",
    "extract_attributions",
    "extract_targets",
    "passages",
]

# --- passages ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence with its paragraph number and whether it is page furniture.

    The flags are read from the document's structure (:mod:`unmask.model.structure`):
    ``furniture`` for a caption, byline, "Related" list or running header,
    ``citation`` for a reference-list entry, a bibliographic reference or anything
    under a "References" heading (what it names is what was cited, not what the
    report says happened).
    """

    sentence: Sentence
    paragraph: int
    furniture: bool
    #: A table row the splitter took for prose (AsciiDoc / Markdown cells: "|a |b |c").
    tabular: bool = False
    citation: bool = False

    @property
    def span(self) -> Span:
        return self.sentence.span

    @property
    def kind(self) -> str:
        return self.sentence.kind


_FURNITURE_KINDS = frozenset(["caption", "furniture"])
_URL = compile_cached(r"\b(?:https?|hxxps?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)


def passages(text: str, structure: Structure | None = None) -> tuple[Passage, ...]:
    """The text's sentences, each with its paragraph and its furniture and citation flags.

    The targets, attribution, malware and event stages all read a document's
    passages; the last two texts' are kept, so a document is split once.
    """
    return _passages(text, structure_of(text, structure=structure))


@functools.lru_cache(maxsize=2)
def _passages(text: str, structure: Structure) -> tuple[Passage, ...]:
    sentences = split_sentences(text, structure)
    out: list[Passage] = []
    paragraph = 0
    previous_end = 0
    for sentence, block in zip(sentences, structure.passages, strict=True):
        gap = text[previous_end : sentence.span.start]
        if "\n" in gap and (gap.count("\n") >= 2 or sentence.kind != "sentence"):
            paragraph += 1
        previous_end = sentence.span.end
        body = sentence.text(text)
        out.append(
            Passage(
                sentence,
                paragraph,
                bool(block.kinds & _FURNITURE_KINDS),
                body.count("|") >= 3,
                "reference" in block.kinds,
            )
        )
    return tuple(out)


class ActorIndex:
    """Actor mentions sorted by offset, to ask which actors a passage speaks of."""

    def __init__(self, actors: Sequence[ActorMention]) -> None:
        self._ordered = sorted(actors, key=lambda a: a.span.start)
        self._starts = [a.span.start for a in self._ordered]
        ids = {a.actor_id for a in actors}
        self._only = next(iter(ids)) if len(ids) == 1 else None

    def names_any(self, span: Span) -> bool:
        """Whether an actor is named inside ``span``."""
        return bool(self._named_in(span))

    def _named_in(self, span: Span) -> list[ActorMention]:
        lo = bisect.bisect_left(self._starts, span.start)
        hi = bisect.bisect_left(self._starts, span.end)
        return self._ordered[lo:hi]

    def for_passage(self, index: int, items: Sequence[Passage], *, lookback: int = 3) -> tuple[str, ...]:
        """Actor ids passage ``index`` speaks of: those named in it, else the nearest
        named in the previous ``lookback`` sentences of its paragraph, else the
        document's only actor."""
        if not self._ordered:
            return ()
        inside = self._named_in(items[index].span)
        if inside:
            return tuple(dict.fromkeys(a.actor_id for a in inside))
        for back in range(index - 1, max(-1, index - 1 - lookback), -1):
            if items[back].paragraph != items[index].paragraph and back != index - 1:
                break
            found = self._named_in(items[back].span)
            if found:
                return (found[-1].actor_id,)
        return (self._only,) if self._only else ()


# --- role cues ------------------------------------------------------------------------

_TARGET_CUE = compile_cached(
    r"\b(?:target(?:s|ed|ing)?|against|attack(?:s|ed|ing)?(?:\s+(?:on|against))?|"
    r"compromis(?:e|es|ed|ing)|breach(?:es|ed|ing)?|infiltrat\w*|hack(?:ed|ing)\s+into|hacked|hacking|"
    r"spear-?phish(?:ed|ing)?|phish(?:ed|ing)|spy(?:ing)?\s+on|spie[sd]\s+on|(?:tried|attempted|sought)\s+to\s+reach|reached|to\s+reach|hacks?\s+of|impersonat\w*|spoof\w*|pos(?:ing|ed)\s+as|"
    r"victims?|infect(?:ed|ing)|focus(?:ed|es|ing)?\s+on|aimed\s+at|intrusions?\s+(?:into|at|on)|"
    # damage done: "crippled two ferry lines", "paralysed councils", "switched off pumps at"
    r"crippl(?:ed|ing|es?)|paraly[sz](?:ed|ing|es?)|cripple|switch(?:ed|ing)\s+off|"
    # social engineering by telephone: "rang the service desk of a bank", "calls to hotel chains"
    r"(?:phon(?:ed|ing|es?)|call(?:ed|ing|s)?|r[ai]ng(?:ing)?)\s+(?:the\s+|their\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:help\s*desks?|service\s+desks?|support\s+(?:lines?|desks?|staff)|staff|employees)\s+(?:at|of)|calls\s+to(?!\s+action)|"
    # who received the lures: "recipients included two NGOs"
    r"recipients|"
    # an intruder's stay: "the implant hid inside the council's servers", "weeks inside X"
    r"(?:ran|run|running|operated|hid|hiding|hidden|lurk(?:ed|ing)|lived|living|sat|stayed|remained|been)\s+(?:undetected\s+)?inside|"
    r"(?:days|weeks|months|years)\s+(?:undetected\s+)?inside|"
    r"(?:went|gone|go|goes|going)\s+after|struck|hits?|hitting|affect(?:ed|ing)|exploit(?:ed|ing)|"
    r"(?:stole|stolen|steal(?:s|ing)?|thefts?|heists?|siphon(?:ed|ing)?)\s+(?:[\w$€£.,-]+\s+){0,8}?from|"
    r"scann(?:ed|ing)|listings?\s+(?:include|included|including)|br(?:oke|oken|eaking|eaks?)\s+into|"
    r"gain(?:ed|ing|s)?\s+(?:initial\s+)?access\s+to|tamper(?:ed|ing|s)?\s+with|manipulat(?:ed|ing)|"
    r"knock(?:ed|ing|s)?\s+(?:[\w-]+\s+){0,6}?offline|took\s+down|defac(?:ed|ing)|wip(?:ed|ing)|(?:shifted|turned|moved)\s+(?:its\s+|their\s+)?(?:focus|attention|sights)\s+to|"
    r"(?:taken|exfiltrated|leaked|copied)\s+(?:[\w$€£.,-]+\s+){0,8}?from|exploitation\s+of|"
    r"flood(?:ed|ing|s)?\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:websites?|sites|portals?|servers?|networks?)\s+of|"
    r"(?:added|listed|posted|named|claimed)\s+(?:[\w-]+\s+){0,3}?(?:victims|names|organi[sz]ations|companies)|"
    r"lured|deceiv\w+|masquerad\w+|(?:gather|collect)(?:ing|s|ed)?\s+(?:\w+\s+)?intelligence\s+(?:on|from|about)|"
    r"intelligence\s+(?:on|about)|surveil(?:s|led|ling)?|damage\s+to|disrupt(?:ed|ing)?|sabotag\w+|extort(?:ed|ing)?|"
    r"ransom(?:ed)?|encrypt(?:ed|ing)\s+(?:the\s+)?(?:networks|systems|files)\s+of|cut\s+power\s+to|"
    # what was done to the victim's machines: "encrypted servers at two clinics", "locked the
    # booking systems of a ferry line"
    r"(?:encrypt(?:ed|ing|s)?|lock(?:ed|ing|s)?|wip(?:ed|ing|es)|disabl(?:ed|ing|es)|shut\s+down|took\s+down)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,4}?(?:networks?|systems?|servers?|files|computers|machines|data|records|phones|laptops|workstations)\s+(?:of|at)|"
    # espionage on people: "passed information on exiled activists to his handlers"
    r"(?:hand(?:ed|ing|s)?\s+over|pass(?:ed|ing|es)?(?:\s+on)?|gather(?:ed|ing|s)?|collect(?:ed|ing|s)?|st(?:ole|ealing|eal)|"
    r"obtain(?:ed|ing|s)?|sell(?:ing|s)?|sold)\s+(?:[\w-]+\s+)?information\s+(?:on|about)|"
    # (not "sending experts to Kyiv": the helpers' destination)
    r"sen(?:t|d|ds|ding)\s+(?!(?:[\w-]+\s+)?(?:experts|officers|investigators|agents|staff|teams?|liaison|delegations?|representatives|"
    r"troops|specialists)\b)(?:[\w,.-]+\s+){0,6}?to|access\s+to|e-?mailed|e-?mail(?:s|ing)?\s+(?:[\w-]+\s+){0,3}?to|"
    r"(?:networks|systems|accounts|mailboxes|devices)\s+of|"
    # "spyware on phones belonging to exiled journalists"
    r"(?:phones|smartphones|devices|computers|laptops|accounts|mailboxes)\s+(?:belonging\s+to|used\s+by))\b|"
    # "an implant on the phones of three editors"
    r"\b(?:phones|smartphones|handsets|mobile\s+devices)\s+of\b",
    re.IGNORECASE,
)
#: How far (characters) a target may stand from its cue unless a list carries it on.
_CUE_REACH = 60
#: How much of the sentence on either side of a mention the role rules look at.
_WINDOW = 300
_VICTIM_AFTER = compile_cached(
    # "X was breached", "defence contractors in Italy and France were compromised",
    # "X and Y were among those hit" (a few words may name the victim further, but not
    # a new clause: "X said the servers were compromised" is not about X).
    r"^\W{0,3}(?:(?!(?:said|says|told|according|reported|while|but|not|no|never|nor)\b)[\w.'’-]+,?\s+){0,9}?"
    # (an adverb may stand in the verb phrase, "have also been hit", but no negation:
    # "were not affected" is a retraction)
    r"(?:(?:was|were|got|(?:had|has|have)\s+(?:(?!not\b|never\b)\w+\s+)?been)\s+(?:(?!not\b|never\b)\w+\s+)?"
    r"(?:breached|compromised|hacked|targeted|attacked|infiltrated|infected|hit|encrypted|struck|impacted|affected|accessed|"
    r"defaced|wiped|disrupted|extorted|(?:knocked|taken|forced)\s+offline)|"
    # "a freight forwarder in Ghent fell victim to the crew", "two clinics lost patient
    # records to the intruders"
    r"(?:also\s+)?fell\s+(?:prey|victim)\s+to|"
    r"(?:also\s+)?(?:lost|lose|loses|losing)\s+(?:[\w$€£.,'’-]+\s+){0,5}?to\s+(?:the\s+|an?\s+)?(?:[\w-]+[\s-]+){0,2}?"
    r"(?:attack|attackers|hack|hackers|intruders|breach|ransomware|heist|thieves|criminals|scammers|fraudsters|gang|crew)|"
    r"(?:were\s+|was\s+)?among\s+(?:its|their)\s+(?:[\w-]+\s+)?(?:targets|victims)|"
    r"(?:was|were|are|is)\s+(?:also\s+)?among\s+(?:the\s+|those\s+)?(?:[\w-]+\s+)?"
    r"(?:hit|targeted|victims|affected|compromised|breached|targets)|"
    # Victim statistics: "exchanges in Japan account for 31 of the 42 cases", "manufacturing
    # remained the most listed sector".
    r"(?:account(?:s|ed)?\s+for|made\s+up|ma[dk]es?\s+up|represent(?:s|ed)?)\s+"
    r"(?:(?:just\s+|well\s+)?(?:over|under|about|around|nearly|almost|roughly|more\s+than|less\s+than|close\s+to)\s+)?(?:an?\s+)?"
    r"(?:[\d.]+|[\w-]+)\s*"
    r"(?:%|percent|per\s+cent)?\s+(?:of\s+(?:the\s+|all\s+)?)?(?:[\d,]+\s+)?(?:[\w-]+\s+)?"
    r"(?:cases|intrusions|victims|incidents|attacks|breaches|compromises|listings|infections)|"
    r"(?:remained|was|is|were|are|became)\s+(?:again\s+)?(?:the\s+)?(?:most|second|third|top|single\s+most)\s+"
    r"(?:[\w-]+\s+)?(?:targeted|attacked|listed|hit|affected|impacted|victimi[sz]ed|breached)\s+"
    r"(?:sector|industry|country|vertical|region))\b",
    re.IGNORECASE,
)
_DISCLOSES_AFTER = compile_cached(
    # A victim as the subject: "X disclosed a breach", "X, which confirmed that it had been
    # hit by a cyberattack", "X said it had found malware on ...".
    # (an abbreviation in brackets may follow the name: "the International Cycling Council (ICC), admitted")
    r"^(?:\s*\([^()\n]{1,60}\))?\W{0,3}(?:(?:and|&)\s+(?:the\s+)?(?:[A-Z][\w.&’'-]*\s+){1,5})?"
    # "X, which runs two rail depots, disclosed ...": a relative clause first
    r"(?:,\s*(?:which|who|a|an|the|one\s+of\s+the)\s+[^,;.]{1,100},\s*)?(?:,?\s*(?:which|who)\s+)?(?:[\w’'-]+,?\s+){0,6}?"
    r"(?:"
    # "X, a maker of pumps, was the target of a cyber attack", "X has been hit by ransomware"
    r"(?:was|were|has\s+been|had\s+been|have\s+been)\s+(?:(?:the\s+)?(?:target|victim)\s+of\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:cyber[\s-]?attacks?|attacks?|breach|intrusion|hack|ransomware)|(?:hit|breached|hacked|attacked|compromised)\s+by)\b|"
    r"(?:disclosed|reported|confirmed|announced|suffered|detected|discovered|revealed|admitted|acknowledged|"
    r"disclose[sd]?|reports|confirms|suffers)\s+(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:breach(?:es)?|intrusions?|compromise|cyber-?attacks?|(?:ransomware\s+)?attacks?|hacks?|incidents?|"
    r"ransomware|data\s+(?:leak|theft)|malware\b|"
    # "detected suspicious activity in its computer network"
    r"(?:suspicious|unusual|unauthori[sz]ed|malicious|anomalous)\s+(?:activity|access|logins?|traffic)\s+(?:in|on)\s+(?:its|their)\b)|"
    # "learned of the theft only after ...", "became aware of the breach"
    r"(?:learned|learnt|became\s+aware|was\s+made\s+aware)\s+of\s+the\s+(?:[\w-]+\s+)?(?:theft|breach|intrusion|attack|hack|incident|compromise)\b|"
    # "admitted that hackers had reached the records of 400 riders": an admission is the victim's own
    r"(?:admitted|acknowledged|conceded)\s+(?:[\w-]+\s+){0,3}?(?:that\s+)?(?:attackers|hackers|intruders|criminals|"
    r"an?\s+(?:attacker|hacker|intruder))\s+(?:had\s+|have\s+|has\s+)?(?:breached|compromised|accessed|hacked|reached|"
    r"stolen|stole|copied|obtained|taken|got\s+into|gained\s+access\s+to)\b|"
    r"(?:said|says|confirmed|confirms|announced|disclosed|reported|admitted|acknowledged|"
    # "told its customers on Monday that an intruder had copied ..."
    r"(?:told|informed|notified|warned|wrote\s+to)\s+(?:its|their)\s+(?:[\w-]+\s+){0,2}?(?:customers|clients|members|users|"
    r"patients|students|staff|employees|subscribers|policyholders|riders|athletes|shareholders|investors))\s+(?:[\w-]+\s+){0,3}?"
    r"(?:that\s+)?(?:(?:attackers|hackers|intruders|criminals|someone|an?\s+(?:attacker|hacker|intruder)|"
    r"an?\s+(?:[\w-]+\s+){0,3}?(?:actor|group|gang))\s+"
    r"(?:had\s+|have\s+|has\s+)?(?:breached|compromised|accessed|hacked|encrypted|infiltrated|broken\s+into|reached|"
    r"gained\s+access\s+to|got\s+into|taken|"
    r"stolen|stole|copied|leaked|wiped|erased|been\s+inside|(?:been|were|was)\s+in)\s+(?:its|their|"
    r"the\s+(?:[\w-]+\s+){0,3}?(?:data|records|files|details|addresses|information|documents|e-?mails|credentials|passwords)|"
    r"(?:[\w-]+\s+){1,2}(?:data|records|files|details|documents))\b|"
    # "confirmed that its systems are under a denial-of-service attack"
    r"(?:that\s+)?(?:its|their)\s+(?:[\w-]+\s+){0,2}?(?:are|is|were|was)\s+(?:under|facing|suffering|hit\s+by)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+){0,3}?attacks?\b|"
    r"(?:(?:several|some|one|two|three|many|dozens|hundreds)\s+of\s+)?(?:its|their)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:had|has|have|was|were)\s+been\s+(?:hit|breached|hacked|compromised|attacked|targeted|sent|phished|accessed|"
    r"encrypted|infected|(?:[\w-]+\s+or\s+)?(?:unreachable|offline|unavailable|inaccessible|disrupted))\b|"
    r"(?:it|they|its\s+[\w-]+|their\s+[\w-]+)\s+(?:had\s+|has\s+|have\s+)?"
    r"(?:been\s+hit|been\s+breached|been\s+hacked|been\s+compromised|been\s+attacked|been\s+targeted|"
    r"was\s+hit|were\s+hit|was\s+breached|were\s+breached|found\s+malware|detected\s+(?:an?\s+)?(?:intrusion|malware)|"
    r"suffered|was\s+the\s+victim|fell\s+victim)))",
    re.IGNORECASE,
)
#: The sentence's subject is an organisation and the deed is done to what is "its": "X shut
#: its depots after intruders encrypted its routing software", "X says the crew broke into
#: its mail system", "records copied from several of its archives".
_ITS_OBJECT_AFTER = compile_cached(
    r"^(?:’s|'s)?(?:(?!\b(?:helped|helping|warned|advised|told|urged)\b)[^.;!?\n]){0,240}?\b(?:"
    r"(?:cyber-?)?attack(?:s|ed|ing)?(?:\s+on)?|breach(?:ed|ing)?|compromis(?:ed|ing)|hack(?:ed|ing)(?:\s+into)?|"
    r"encrypt(?:ed|ing)|knock(?:ed|ing|s)?\s+out|took\s+down|disrupt(?:ed|ing)|infect(?:ed|ing)|infiltrat(?:ed|ing)|"
    r"affect(?:ed|ing)|(?:been|were|was|got|gained\s+access)\s+(?:inside|into|in)|br(?:oke|oken)\s+into|"
    r"(?:ran|run|running|operated|hid|hiding|hidden|lurk(?:ed|ing)|lived|living|sat|stayed|remained)\s+(?:undetected\s+)?inside|"
    r"unauthori[sz]ed\s+access\s+to|(?:taken|stolen|stole|copied|exfiltrated|leaked)\s+(?:[\w-]+\s+){0,4}?from)\s+"
    r"(?:(?:one|some|several|two|three|many|all|parts?)\s+of\s+)?its\s+"
    r"(?!(?:[\w-]+\s+)?(?:customers|clients|users|members|partners|subscribers|suppliers|rivals|competitors)\b)",
    re.IGNORECASE,
)
#: What may stand before a sentence's subject: a date or time phrase, "the", a place it is based in.
_SUBJECT_LEAD = compile_cached(
    r"(?:^|[.!?:]\s+|\n)\W{0,3}(?:(?:On|In|Earlier|Last|This|Late|Early)\b[^,;.]{0,40},\s*)?(?:[Tt]he\s+)?"
    r"(?:[\w.-]+-based\s+)?(?:[a-z][\w-]*\s+){0,3}$"
)
#: A before-text cue naming the victim: "a data incident affecting X".
_INCIDENT_AT_BEFORE = compile_cached(
    r"\b(?:security|cyber(?:security)?|data|ransomware|IT|privacy)[\s-]+incidents?\s+(?:at|affecting|involving)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: A filing's defined term as the victim: "the Company identified unauthorized activity".
_COMPANY_SELF_VICTIM = compile_cached(
    r"\b[Tt]he\s+Company\s+(?:\w+\s+)?(?:detected|discovered|identified|found|noticed)\s+(?:an?\s+|the\s+|some\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:unauthori[sz]ed|suspicious|malicious|unusual|anomalous)\s+(?:[\w-]+\s+)?"
    r"(?:users?|access|activity|logins?|intruders?|traffic|software|code)\b|"
    r"\b(?:cyber(?:security)?|security)\s+incidents?\s+(?:affecting|involving|at)\s+(?:the\s+Company|its)\b"
)
#: The industry a company serves, not its own: "a maker of pumps for the brewing industry".
_CUSTOMERS_BEFORE = compile_cached(r"\b(?:for|to|serving|supplying|supplies)\s+(?:the\s+)?$", re.IGNORECASE)
#: A victim's own site named by reference: "the firm's depots in", "its offices in".
_OWN_SITE_BEFORE = compile_cached(
    r"\b(?:the\s+(?:company|firm|group|business|organi[sz]ation|manufacturer|retailer|insurer)['’]s?|its|[Oo]ur)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:plants?|sites?|factor(?:y|ies)|facilit(?:y|ies)|offices?|branch(?:es)?|warehouses?|depots?|subsidiar(?:y|ies)|"
    r"headquarters|stores?|operations)\s+in\s+(?:[A-Z][\w-]*(?:\s+\([^()\n]{1,30}\))?(?:,\s+|\s+and\s+))*(?:[A-Z][\w-]*\s*\()?$"
)
# "X, one of the affected operators," / "X, among the victims,".
_APPOSITIVE_VICTIM = compile_cached(
    r"^\s*,\s*(?:(?:one|two|three|several|some|all|each|another)\s+of\s+|among\s+)(?:the\s+)?(?:[\w-]+\s+)?"
    r"(?:affected|victims?|targeted|compromised|breached|hacked|attacked|impacted|hit)\b",
    re.IGNORECASE,
)
# Someone who helps the victim is no target: "working with the NCSC", "reported it to CISA".
_HELPER_BEFORE = compile_cached(
    r"\b(?:(?:working|worked|works|cooperat(?:ing|ed)|coordinat(?:ing|ed)|partnered|engaged)\s+with|"
    r"(?:notified|alerted|informed|contacted|told|called\s+in)|(?:report(?:ed|s)?|refer(?:red|s)?|disclos(?:ed|es|e))\s+(?:[\w-]+\s+){0,3}?to|"
    r"(?:help|assistance|support)\s+(?:from|of))\s+(?:the\s+)?(?:[A-Z][\w.&’'-]*\s+){0,3}$",
    re.IGNORECASE,
)
# Targeting that did not happen, or may: "did not target", "could target", "no evidence
# that the group targeted", "does not attack".
_NEGATED_CUE = compile_cached(
    r"(?:\b(?:not(?!\s+only)|never|nor)\s+(?:[\w-]+\s+){0,3}?|"
    r"\b(?:could|might|may|unlikely\s+to|no\s+longer)\s+(?:also\s+|yet\s+|ever\s+|have\s+|be\s+|well\s+)?|"
    r"\bno\s+(?:evidence|sign|signs|indication|indications|proof)\s+(?:that\s+|of\s+)?(?:[\w-]+\s+){0,4}?)$",
    re.IGNORECASE,
)
# Targeting said not to have happened, after the mention: "attacks on energy producers
# were possible but none had been seen", "Farms ... have not been affected so far".
_NEGATED_AFTER = compile_cached(
    r"^(?:(?!\b(?:while|but|whereas|and\s+that)\b)[^.;:]){0,80}?\b(?:"
    r"(?:were|was|are|is|remain(?:s|ed)?)\s+(?:also\s+|still\s+)?(?:possible|likely|at\s+risk|unaffected|"
    r"not\s+(?:affected|compromised|breached|hit|targeted|attacked))|"
    r"(?:have|has|had)\s+not\s+been\s+(?:affected|compromised|breached|hit|targeted|attacked)|"
    r"may\s+be\s+(?:at\s+risk|next)|could\s+be\s+next)\b",
    re.IGNORECASE,
)
# Advice, not targeting: "operators should review access to engineering networks".
_ADVICE = compile_cached(
    r"\b(?:should|must|recommends?|recommended|urges?|urged|encourages?|encouraged|advises?|advised|"
    # ... and guidance about a threat: "guidance on defending against phishing for universities".
    r"guidance\s+on|defend(?:ing)?\s+against|protect(?:ing)?\s+(?:\w+\s+)?against)\b",
    re.IGNORECASE,
)
_SOURCE_BEFORE = compile_cached(
    # (a cue starts a word: "per" in "paper" is none, and the search skips inside words)
    r"(?<![\w-])(?:according\s+to(?:\s+(?:a|an|some|statements?|reports?|data|sources?|research|analysis)(?:\s+(?:in|from|by|of))?)*|"
    r"per|reported\s+by|said|says|statement\s+(?:from|by)|"
    r"(?:advisory|alert|report|analysis|announcement|assessment|research|blog(?:\s+post)?|bulletin|"
    r"warning|findings?|data|notice)\s+(?:from|by|of)|"
    r"(?:researchers?|analysts?|director|head|chief|spokes(?:person|man|woman)|officials?|experts?|"
    r"investigators?|engineer|CEO|founder|manager|vice president|VP|fellow|scientist|team)"
    r"(?:\s+[\w-]+){0,2}\s+(?:at|with|from|of)|"
    r"(?:researchers?|analysts?|experts?|investigators?)\s+(?:at|with|from))"
    # Names between the cue and the mention are capitalised ("said U.S. Cyber Command's"):
    # "the company said its plants in Germany" names no source.
    r"\s+(?:the\s+|an?\s+)?(?:(?-i:[A-Z])[\w.&’'-]*\s+){0,3}$",
    re.IGNORECASE,
)
#: Officials as what a cue reaches, not as speakers: "e-mailed lures to officials of the ministry".
_OFFICIALS_AS_OBJECT = compile_cached(
    r"\b(?:to|at|targeting|targeted|against|phished|impersonating)\s+(?:[\w-]+\s+){0,2}?(?:officials?|staff|employees|diplomats)"
    r"\s+(?:at|of|from|with)\s+(?:the\s+)?(?:(?-i:[A-Z])[\w.&’'-]*\s+){0,3}$",
    re.IGNORECASE,
)
_SOURCE_AFTER = compile_cached(
    r"^(?:’s|'s)?\s*(?:[\w-]+\s+){0,3}?(?:told|said|says|reported|reports|wrote|writes|noted|notes|"
    # "states" as a verb only before what is stated ("member states." is a noun).
    r"warned|warns|stated|states(?=\s+(?:that|it|its|the|a|an|in)\b|\s*[:,])|announced|announces|published|disclosed|discloses|observed|assessed|"
    r"assesses|believes|tracks|tracked|attributed|attributes|revealed|reveals|confirmed|found|released|"
    r"issued|issues|releases|shared|detailed|described|identified|discovered|"
    r"recommends|recommended|urges|urged|advises|advised|encourages|encouraged|"
    r"researchers?|analysts?|spokes(?:person|man|woman)|officials?\s+said|experts?|investigators?|"
    r"report(?:ed)?|analysis|advisory|announcement|statement|blog|has\s+(?:tracked|reported|observed|said)|"
    r"(?:is|are)\s+tracking)\b",
    re.IGNORECASE,
)
_TOLD_BEFORE = compile_cached(r"\b(?:told|tells|telling)\s+$", re.IGNORECASE)
# Where the attack infrastructure sits is no target: "traffic came from compromised
# servers in several countries, including Germany", "servers hosted in the Netherlands".
_INFRASTRUCTURE_BEFORE = compile_cached(
    r"\b(?:servers?|(?:attack|C2|command-and-control|malicious)\s+infrastructure|routers?|(?:zombie|hijacked)\s+computers|zombies|bots|hosts?|VPS|nodes?|prox(?:y|ies)|machines|devices|(?:IP\s+|internet\s+)?address(?:es)?|botnets?|"
    r"relays?|exit\s+nodes|(?:hosting|cloud|VPN|VPS)\s+(?:service\s+)?providers?)\s+(?:(?:the\s+\w+\s+|it\s+|they\s+)?(?:located|hosted|based|registered|rented|leased|bought)\s+)?(?:in|across|from)\s+"
    r"(?:several\s+|many\s+|multiple\s+|\w+\s+)?(?:countries,?\s+(?:including|such\s+as|like)\s+)?"
    r"(?:(?:the\s+)?[A-Z][\w.-]*,?\s+(?:and\s+|or\s+)?)*(?:the\s+)?$"
)
_TOPIC_AFTER = compile_cached(
    r"^-(?:related|themed|focused|language|speaking)\b"
    # a place inside an event's name: "the Asian Winter Games", "the Nordic Security Summit"
    r"|^\s+(?:(?-i:[A-Z])[\w-]*\s+){0,3}(?-i:Games|Cup|Championships?|Olympics|Summit|Festival|Conference|Expo|Forum|Open|Marathon)\b",
    re.IGNORECASE)
_LOCATION_AFTER = compile_cached(r"^-(?:based|headquartered|registered|located)\b", re.IGNORECASE)
_LOCATION_BEFORE = compile_cached(
    r"\b(?:based|headquartered|located|registered|hosted|embassy|consulate|office|offices|"
    r"resident|residing|living|born|visit(?:ed|ing)?)\s+(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_ACTOR_NOUN = (
    r"(?:hack(?:er|ers|ing)|group|groups|actors?|threat\s+actors?|APTs?|unit|units|crew|operatives|"
    r"state-sponsored|state-backed|government-backed|state|cyber|espionage|regime|intelligence|military|"
    r"spies|spy|operators|nation-state|adversar(?:y|ies)|campaigns?|efforts?|threat|attackers|"
    r"cyberespionage|cyber-espionage|agents?|officers?|programs?|nuclear|weapons|government's|leader)"
)
_SPONSOR_AFTER = compile_cached(
    # "North Korea's military hackers"; not "US Organizations in Large Campaigns", "the
    # US as a potential adversary", "the Estonian incident brought cyber ...".
    r"^(?:’s|'s)?\s*(?:(?!(?:in|on|at|to|for|against|from|by|as|with|into|organi[sz]ations?|compan(?:y|ies)|firms?|"
    r"entit(?:y|ies)|institutions?|targets?|users|victims?|networks?|incidents?|attacks?|protests?|cases?|"
    r"subjects?|interests?|spokes\w+|dissidents?|opposition|exiles?|exiled|diaspora|activists?|human|rights|students?|"
    r"religious|minority|civil|community|communities|protest|pro-democracy|separatists?)\b)[\w-]+\s+){0,3}?" + _ACTOR_NOUN + r"\b",
    re.IGNORECASE,
)
#: Nouns that name an attacker only where the passage is about intrusions ("Russia's
#: military" in a sentence on arms deals sponsors nothing).
_WEAK_ACTOR_NOUN = compile_cached(
    r"^(?:’s|'s)?\s*(?:[\w-]+\s+){0,3}?(?:state|cyber|regime|intelligence|military|nuclear|weapons|programs?|"
    r"leader|government's|threat|espionage|efforts?)\b",
    re.IGNORECASE,
)
_CYBER_CONTEXT = compile_cached(
    r"\b(?:hack\w*|cyber\w*|attack\w*|intrusions?|malware|espionage|spy\w*|spies|phish\w*|breach\w*|compromis\w*|"
    r"APT\d*s?|ransomware|exploit\w*|campaigns?|operations?|blam\w*|sanction\w*|indict\w*|tracked\s+as|actors?|groups?|operatives|operators|implants?|backdoors?|"
    r"infiltrat\w*|steal\w*|stole\w*|attribut\w*|linked|crews?|units?|agents?|officers?|nation-state|"
    r"(?:state|government)-(?:sponsored|backed)|br(?:oke|oken|eak\w*)\s+into|gain\w*\s+access|intruders?)\b",
    re.IGNORECASE,
)
# "intelligence related to Afghan, Tajik and Russian military subjects": a topic.
_TOPIC_BEFORE = compile_cached(
    r"\b(?:related\s+to|regarding|concerning|about|interested\s+in|on\s+the\s+subject\s+of)\s+"
    r"(?:(?:the\s+)?[\w-]+,?\s+(?:and\s+|or\s+)?){0,4}$",
    re.IGNORECASE,
)
# "the Director-General of MI5": the service speaks here, it sponsors nothing.
_OFFICIAL_OF_BEFORE = compile_cached(
    r"\b(?:director(?:-general)?|head|chief|spokes(?:person|man|woman)|commissioner)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_ACTOR_WORD = compile_cached(r"\b" + _ACTOR_NOUN + r"\b", re.IGNORECASE)
_SPEAKS_AFTER = compile_cached(
    # ... or acts as an agency does: "Japan's police on Monday publicly blamed", "Korea's
    # intelligence service issued an alert", "the Dutch services named a new group".
    r"^(?:’s|'s)?\s*(?:[\w-]+\s+){0,6}?(?:and\s+(?:[\w-]+\s+){0,3})?"
    r"(?:said|says|told|reported|announced|warned|stated|wrote|published|blamed|attribut(?:ed|es)|named?|"
    r"identif(?:ied|ies|y)|issued|alerted|exposed|accused|charged|sanctioned|(?:publicly|formally|officially)\s+\w+|"
    # ... in a headline's present tense: "Norway blames ...", "Canada warns of ..."
    r"sanctions|indicts|warns|accuses|blames|condemns|calls\s+out)\b",
    re.IGNORECASE,
)
_POSSESSIVE = compile_cached(r"^(?:’s|'s)\b")
#: A state named in a compound that says it runs or backs an actor: "China-nexus group",
#: "Iran-backed hackers", "Kremlin-linked crew".
_STATE_COMPOUND_AFTER = compile_cached(
    r"^-(?:nexus|backed|sponsored|linked|directed|controlled|run)\s+(?:[\w-]+\s+){0,2}?" + _ACTOR_NOUN + r"\b",
    re.IGNORECASE,
)
#: ... or a clause that says it was behind the deed: "the GRU, was behind it", "Russia's
#: military intelligence was behind the attack" (not "X said Russia was behind it").
_BEHIND_AFTER = compile_cached(
    r"^(?:’s|'s)?(?:(?!\b(?:said|says|told|believes?|believed|concluded|stated|announced|found|thinks?|thought|"
    r"assessed|claimed|that|and|but|not)\b)[^.;:!?]){0,60}?\s(?:was|were|is|are|had\s+been|has\s+been)\s+"
    r"(?:(?:likely|probably|almost\s+certainly|reportedly|allegedly)\s+)?behind\s+(?:it|this|that|them|the|these|those)\b",
    re.IGNORECASE,
)
#: An intelligence service that speaks, its verb right after it: "the Signals Directorate told the Committee".
_SERVICE_SPEAKS_AFTER = compile_cached(
    r"^\s+(?:(?:also|has|have|had|on\s+\w+)\s+)?(?:told|said|says|warned|reported|stated|announced|published|issued|testified)\b", re.I
)
_APPOSITIVE_GAP = compile_cached(
    r",\s+(?:a|an|the|one\s+of(?:\s+the)?)\s+[^,;:.]*?"
    # "X, which runs two rail depots near the border,"
    r"|,\s+(?:which|that|who)\s+(?:runs|operates|owns|serves|manages|has|is|provides)\s+[^,;:.]*?"
)
#: What stands between a sector word and the victim it describes: "the logistics company X",
#: "payment provider KortaPay".
_SECTOR_HEAD_GAP = compile_cached(
    r"\s+(?:[a-z][\w-]*\s+)?(?:company|companies|firm|provider|operator|group|giant|maker|chain|insurer|carrier|business)\s+"
)
_ORG_SENTENCE_END = compile_cached(r"[a-z]{2,}\.\s")
_SUBJECT_LIST_GAP = compile_cached(r"\s*,?\s*(?:and|or)\s+(?:an?\s+|the\s+|two\s+|three\s+|several\s+)?(?:[a-z][\w-]*\s+)?|\s*,\s*")
_POSSESSIVE_GAP = compile_cached(r"(?:’s|'s)\s+(?:own\s+)?")
_SPONSOR_BEFORE = compile_cached(
    r"(?:sponsored|backed|directed|tasked|controlled|run|operated|funded|supported)\s+by\s+(?:the\s+)?$|"
    r"on\s+behalf\s+of\s+(?:the\s+)?$|(?:act(?:s|ing)?|work(?:s|ing)?|operat(?:es|ing))\s+in\s+support\s+of\s+(?:the\s+)?$|under\s+the\s+(?:umbrella|auspices|direction|control)\s+of\s+(?:the\s+)?$|"
    r"(?:linked|tied|affiliated|attributed|connected|subordinate|belongs?|reports?)\s+to\s+(?:the\s+)?$|"
    r"(?:works?|worked|working)\s+for\s+(?:the\s+)?$|(?:part|unit|arm|element)\s+of\s+(?:the\s+)?$|"

    r"(?:nexus|ties|links)\s+(?:to|with)\s+(?:the\s+)?$|"
    # "Western governments link it to ...", "officials tie the group to ..."
    r"(?:link|links|tie|ties|connect|connects|attribute|attributes)\s+(?:it|them|this|the\s+(?:group|crew|unit|actor|activity|campaign|operation))\s+to\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: More sponsor wording, searched only when its words are near (see :func:`_sponsor_before`):
#: "acts in the interests of the Russian Federation", "sold the data to the Ministry of State Security".
_SPONSOR_BEFORE_MORE = compile_cached(
    r"(?:acts?|acting|acted|works?|working|worked|operat\w+)\s+in\s+the\s+interests?\s+of\s+(?:the\s+)?$|"
    r"(?:sold|passed|handed|delivered)\s+(?:the\s+|their\s+|stolen\s+)*(?:data|information|files|intelligence|material)\s+to\s+"
    r"(?:the\s+)?(?:[A-Z][\w-]*\s+(?:of\s+)?){0,6}(?:and\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)


_PRONOUN_SUBJECT = compile_cached(r"\W{0,3}(?:It|They|The\s+(?:group|crew|unit|actor|gang))\s+(?:is|are|was|were|has|have|had)\b")
_HELPED_ACTION_BEFORE = compile_cached(
    r"\b(?:operation|investigation|action|takedown|inquiry|probe|raids?|search(?:es)?|arrests?|work|efforts?|response|case)\s+"
    r"(?:was|were|is|are|has\s+been|had\s+been)\s+(?:also\s+|jointly\s+)?(?:supported|assisted|backed|funded|helped)\s+by\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: An agency acting as the defending side: it speaks, investigates or publishes ("the two
#: services identify a new crew", "the agency released an alert", "a task force led by X").
_DEFENDER_ACTS_AFTER = compile_cached(
    r"(?:\s*\([^()\n]{1,20}\))?(?:\s*(?:,|and)\s*(?:the\s+)?(?:[A-Z][\w-]*\s+){1,6}?(?:\([^()\n]{1,20}\))?)?\s*,?\s+"
    r"(?:(?:on\s+\w+|also|have|has|had|jointly|today|publicly|formally|separately|then|later)\s+){0,2}"
    r"(?:said|says|identif(?:y|ies|ied)|named?|attribut(?:e|es|ed)|assess(?:es|ed)?|publish(?:es|ed)?|warn(?:s|ed)?|issu(?:e|es|ed)|"
    r"investigat(?:es|ed)|found|observed|exposed|dismantled|seized|arrested|detected|alerted|reported|announced|confirmed|"
    r"put\s+out|released|led|coordinated|notified|urged|recommend(?:s|ed)?|advis(?:es|ed))\b"
)
_DEFENDER_BEFORE = compile_cached(
    r"\b(?:according\s+to\s+(?:the\s+)?(?:(?:assessment|analysis|investigation|findings|report|statement)s?\s+(?:of|by|from)\s+(?:the\s+)?)?"
    r"(?:[^,.;()]{0,80}?\s(?:and|,)\s+(?:the\s+)?)?|led\s+by|assisted\s+by|together\s+with|jointly\s+with|"
    r"with\s+the\s+(?:help|support|assistance)\s+of|in\s+(?:co-?operation|partnership|coordination)\s+with)\s*(?:the\s+)?"
    r"(?:(?-i:[A-Z])[\w-]*\s+){0,6}$",
    re.IGNORECASE,
)
#: A country's defending body after it: "the Irish cyber centre", "Latvian police".
_DEFENDER_NOUN_AFTER = compile_cached(
    r"^(?:’s|'s)?\s*(?:(?:cyber(?:[\s-]?security)?|security|information|national|federal|state|regional|financial|criminal)\s+){0,3}"
    r"(?:police|prosecutors?|courts?|judges?|watchdog|regulators?|CERT|CSIRT|(?:cyber(?:security)?\s+)?(?:agency|centre|center|authority)|"
    r"law\s+enforcement)\b(?!-)",
    re.IGNORECASE,
)


#: A text's first lines naming its publisher: "Threat Review 2025 / Office of X | ...".
_PUBLISHER_LINE = compile_cached(r"[ \t]*(?:[^\n]{0,80}[|/–—•·][ \t]*)?(?:[Tt]he\s+)?")
_PUBLISHER_REST = compile_cached(r"[ \t]*(?:\n|$|[|/–—•·])")


def _defenders_speak(
    text: str, out: list[tuple[_Hit, str, Passage, int]]
) -> list[tuple[_Hit, str, Passage, int]]:
    """An agency the text shows on the defending side (it speaks, investigates or publishes
    somewhere in the text, or is named as leading or helping the response) sponsors nothing
    where it is named without a sponsor cue of its own; nor does the country named as its
    own ("the Latvian security service", "the Irish cyber centre", "Latvian police")."""
    anchors = _anchors(text)
    defenders = {
        h.value for h, role, *_ in out
        if h.kind == "organization" and (
            role == "source"
            or _DEFENDER_ACTS_AFTER.match(text, h.end)
            or anchors.search(_DEFENDER_BEFORE, text, 0, max(0, h.start - 160), h.start)
            or _HELPED_ACTION_BEFORE.search(text, max(0, h.start - 120), h.start)
            or (h.start < 400 and _PUBLISHER_LINE.fullmatch(text, text.rfind("\n", 0, h.start) + 1, h.start) is not None
                and _PUBLISHER_REST.match(text, h.end) is not None)
        )
    }
    changed = list(out)
    for at, (hit, role, passage, index) in enumerate(changed):
        if role != "sponsor":
            continue
        near = text[max(0, hit.start - 120) : hit.start]
        after = text[hit.end : hit.end + 300]
        if _sponsor_before(near, anchors, max(0, hit.start - 120)) or _BEHIND_AFTER.match(after):
            continue
        if hit.kind == "organization" and hit.value in defenders:
            changed[at] = (hit, "source", passage, index)
        elif hit.kind == "country" and (
            _DEFENDER_NOUN_AFTER.match(after)
            or anchors.search(_DEFENDER_BEFORE, text, 0, max(0, hit.start - 160), hit.start)
            or (at + 1 < len(changed) and changed[at + 1][0].kind == "organization" and changed[at + 1][0].value in defenders
                and changed[at + 1][0].start - hit.end <= 40
                and re.fullmatch(r"(?:’s|'s)?\s+(?:[\w-]+\s+){0,2}?", text[hit.end : changed[at + 1][0].start]))
        ):
            changed[at] = (hit, "mention", passage, index)
    return changed


def _sponsor_before(near: str, anchors: Anchors | None = None, offset: int = 0) -> bool:
    """Sponsor wording ending ``near`` (``text[offset:offset + len(near)]`` of the text the
    ``anchors`` were found in, when given)."""
    if (anchors.search(_SPONSOR_BEFORE, near, offset) if anchors is not None else _SPONSOR_BEFORE.search(near)):
        # "the searches were assisted by the national CERT": a helper of the law, no sponsor
        return not _HELPED_ACTION_BEFORE.search(near)
    return ("interest" in near or "sold" in near or "passed" in near or "handed" in near or "delivered" in near) and bool(
        _SPONSOR_BEFORE_MORE.search(near)
    )


_SECTOR_OWNER_AFTER = compile_cached(
    r"\s+(?:[\w-]+\s+)?(?:operator|provider|company|firm|carrier|bank|insurer|utility|ministry|agency|hospital|"
    r"university|airline|retailer|manufacturer|contractor|exchange|newspaper|broadcaster)\b", re.IGNORECASE
)
_TARGET_NOUN_AFTER = compile_cached(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:government|officials?|organi[sz]ations?|entities|companies|firms|victims?|"
    r"targets?|individuals|people|users|citizens|defectors|diplomats|agencies|institutions|networks|"
    r"sectors?|industr(?:y|ies)|businesses|banks|universities|media|journalists|think[\s-]tanks?|"
    r"military|ministr(?:y|ies)|embass(?:y|ies)|researchers|experts|activists|dissidents|company|firm|"
    r"lawmakers|legislators|politicians|parliamentarians|civil\s+servants|staff|contractors|campaigns?|"
    r"(?:dissident|opposition|exile|diaspora|activist|human\s+rights)\s+(?:groups|communities|organi[sz]ations|figures|media)|"
    r"armed\s+forces|army|navy|air\s+force|forces|parliament|academics|scholars|students|professors|scientists|"
    r"reporters|lawyers|engineers|executives|employees|officers|nationals|residents|exiles|emigr[eé]s|"
    r"traders|exporters|importers|farmers|growers|producers|suppliers|shippers|speakers|customers|patients|"
    r"ports?|municipalit(?:y|ies)|hospitals?|clinics?|manufacturers?|insurers?|retailers?|carriers?|funds?|"
    r"councils?|schools?|colleges?|(?:local\s+)?authorit(?:y|ies)|charit(?:y|ies)|"
    r"(?:[\w-]+\s+)?(?:companies|company|firms?|exchanges?|utilit(?:y|ies)|operators?|facilit(?:y|ies)|providers?|practices|"
    r"associations?|charities|trusts?))\b",
    re.IGNORECASE,
)
#: The rest of a list of demonyms that shares one noun: "against Saudi and Emirati engineers".
_DEMONYM_LIST_AFTER = compile_cached(r"(?:\s*,?\s*(?:and|or)?\s+[A-Z][a-z]+(?:an|ian|ish|ese|i|ic)\b)+")
_SECTOR_NOUN_AFTER = compile_cached(
    r"^(?:(?:\s*(?:,|and|or|&)\s*[\w-]+){0,4}|\s+(?!(?:a|an|the|and|or|of|in|at|on|to|for)\b)(?-i:[a-z])[\w-]*)\s*(?:sectors?|industr(?:y|ies)|companies|firms|organi[sz]ations|"
    r"entities|verticals|targets|contractors|agencies|institutions|providers|networks|officials|company|"
    r"firms?|facilit(?:y|ies)|plants?|operators?|utilit(?:y|ies)|grids?|platforms?|substations?|"
    r"infrastructure|systems|services|manufacturers?|producers?|suppliers?|businesses|groups?|departments?|"
    r"providers?|processors?|contractors?|makers?|vendors?|chains?|practices|carriers?|outlets?|publishers?|"
    r"developers?|staff|employees|workers|personnel|professionals|houses|exporters?|importers?|traders?|websites?|portals?|"
    r"giants?|conglomerates?|majors)\b",
    re.IGNORECASE,
)
# Between a cue and its object, what ends the cue's reach: a new clause or sentence ("the
# Estonian attacks have encouraged the development of a NATO ..."), or the agent of a
# passive ("accused of hacking into facilities by officials in Australia").
_CLAUSE_BREAK = compile_cached(
    r"[;:]|\b(?:said|according|told|which|who|while|but|when|after|before|stated|claimed|denied|argued|noted|alleg\w*)\b|"
    # a new clause with a pronoun subject: "..., and they list two suppliers"
    r",\s+(?:and|but)\s+(?:it|they|he|she|we)\s+(?-i:[a-z])\w+|"
    # a relative clause on whom the victims serve: "law firms that serve the ministry"
    r"\bthat\s+(?:advise|serve|supply|support|help|work\s+(?:with|for)|sell\s+to|provide\s+\w+\s+(?:to|for))\b|"
    # ... but not the owners of what was attacked: "flaws in devices used by chip makers".
    r"(?<!used\s)(?<!run\s)(?<!operated\s)\bby\b(?!\s+(?:\w+ing|means|way)\b)(?![^.;]*\b(?:is|was|are|were|includ\w*)\b)|(?<=[a-z]{3})[.!?][\"”’]?(?:\s+[A-Z]|\s+$)|"
    r"\b(?:has|have|had)\s+(?:been\s+)?(?!(?:expand|extend|includ|shift|spread|grow|mov|focus|turn|broaden|widen)\w*)"
    r"\w+(?:ed|en|wn)\b"
)
# Where an attack comes from is no target: "an attack from Russia", "attacks from Chinese
# ISPs", "routed through ISPs in the PRC".
_ORIGIN_BEFORE = compile_cached(
    r"\b(?:from|originat\w*\s+(?:in|from)|routed\s+(?:through|via)|launched\s+from|via|belong(?:ed|s|ing)?\s+to|"
    r"registered\s+to|owned\s+by|traced\s+(?:back\s+)?to)\s+(?:\S+\s+){0,3}\(?$"
)
#: What the cue reaches is owned by the victim: "probes against mail servers belonging to
#: tenants in Peru" (not where an attack comes from).
_OWNED_OBJECT = compile_cached(
    r"\s*(?:[\w-]+\s+){0,4}?(?:servers?|systems|devices|networks|appliances|accounts|computers|instances|mailboxes|websites)\s+"
    r"(?:belonging\s+to|owned\s+by|run\s+by|operated\s+by)\s+(?:[\w-]+\s+){0,3}?(?:in|of|at)?\s*(?:the\s+)?$",
    re.IGNORECASE,
)
#: A sector word naming a body's field or a system, not a sector: "the council's finance
#: department", "the IT team", "its billing and pharmacy software".
_FIELD_OF_AFTER = compile_cached(
    r"\s+(?:department|ministry|directorate|division|team|desk|unit|committee)\b(?!\s+(?:of|at)\b)"
)
_OWN_SYSTEM_AROUND = compile_cached(
    r"\b(?:the|its|their|our|his|her|[\w-]+['’]s)\s+(?:[\w-]+\s+(?:and|or)\s+)?(?P<word>[\w-]+)\s+"
    r"(?:systems?|servers?|records?|applications?|software|databases?|platforms?)\b"
)
_IT_THINGS_AFTER = compile_cached(
    r"\s+(?:systems?|networks?|infrastructure|environments?|assets|equipment|estates?|outages?|operations|security|"
    r"admins?|administrators|staff|teams?|departments?)\b(?!\s+(?:providers?|compan(?:y|ies)|firms?|vendors?|suppliers?|sector)\b)"
)
#: The audience of guidance: "tells local councils to update".
_AUDIENCE_AFTER = compile_cached(
    r"^\s+(?:to|should|must)\s+(?:immediately\s+|urgently\s+|also\s+)?(?:patch|update|apply|upgrade|install|review|check|"
    r"disable|remove|report|reset|rotate|hunt|mitigate|audit|harden)\b",
    re.IGNORECASE,
)
_ACTS_AFTER = compile_cached(r"\s+(?:also\s+|then\s+|later\s+)?(?-i:[a-z]+ed)\b(?!\s+(?:by|in)\b)")
_FINITE_VERB_AFTER = compile_cached(r"^\s+(?:has|have|had|is|was|are|were|will|would|can|could)\b")
# "protecting the organisations against indirect costs": defence, not attack.
_SANCTIONER_BEFORE = compile_cached(
    r"\b(?:Treasury|OFAC|(?:Justice|State|Commerce)\s+Department|prosecutors|sanctions?|Council|Congress|"
    r"government|governments|authorities|police|(?:asset|assets)\s+freeze|designation|listing)\s+(?:\w+\s+)?$", re.IGNORECASE
)
_DEFENCE_BEFORE = compile_cached(
    # ... and the law's actions: "unsealed charges against 10 nationals", "acted together
    # Tuesday against a state-backed group" are against the attackers.
    r"\b(?:battle|lawsuits?|suits?|complaints?|protests?|confrontation|measures|countermeasures|sanctions|"
    r"charges|indictments?|(?:legal|enforcement|law-enforcement|joint)\s+actions?|acted|moved|crackdown|"
    r"protect\w*|defen[cs]\w*|defend\w*|resilien\w*|secur(?:e|es|ing)|guard\w*|safeguard\w*|harden\w*|"
    r"immun\w*|insur\w*|shield\w*|warn\w*|prepar\w*)\b(?:\s+\S+){0,6}\s*$",
    re.IGNORECASE,
)
# An organisation's name used for its product: "Microsoft Windows", "Palo Alto Networks
# AutoFocus service", "a Symantec product", "spoofed CNN pages", "Google DNS servers".
_PRODUCT_AFTER = compile_cached(
    r"^(?:['’]s)?\s+(?:(?:(?-i:[A-Z])[\w.-]*\s+){0,3}?(?:products?|software|folders?|services?|platforms?|telemetry|"
    r"clients?|pages?|search(?:es)?|browsers?|cloud|DNS|accounts?|tools?|detections?|engines?|updates?|installers?|"
    r"binar(?:y|ies)|documents?|apps?|applications?|vulnerabilit(?:y|ies)|flaws?|patch(?:es)?|APIs?|SDKs?|"
    r"certificates?|logins?|portals?|resolutions?|guidance|guidelines?|standards?|"
    r"conferences?|summits?|frameworks?|utilit(?:y|ies)|suites?|plugins?|extensions?|firmware)\b|"
    r"(?-i:Windows|Office|Exchange|Outlook|Azure|Drive|Docs|Chrome|Cloud|IIS|SharePoint|OneDrive|Word|Excel|Gmail|"
    r"Play|Connected|AutoFocus|WildFire|Defender|Internet\s+Explorer|Acrobat|Reader|Flash|Java|Teams|Edge|Safari|"
    r"Workspace|Sheets|Forms|Sites)\b)",
    re.IGNORECASE,
)
# The object of a targeting verb: "defaced dozens of US military and industry websites" -
# the place is the victim's, not the attacker's.
_OBJECT_OF_CUE = compile_cached(
    r"\b(?:defac(?:ed|ing)|breach(?:ed|ing)|hack(?:ed|ing)\s+into|target(?:ed|ing|s)?|compromis(?:ed|ing)|"
    r"infiltrat(?:ed|ing)|attack(?:ed|ing)|against|spy(?:ing)?\s+on)\s+(?:(?!by\b|from\b|behind\b)[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
# ... but "action taken against DPRK threat actors" still names the actors' state.
_STRONG_ACTOR_AFTER = compile_cached(
    r"^(?:’s|'s)?\s*(?:[\w-]+\s+){0,2}?(?:hack(?:er|ers|ing)|groups?|(?:threat\s+)?actors?|APTs?|units?|crews?|"
    r"operatives|spies|operators|attackers|agents|officers|state-sponsored|state-backed)\b",
    re.IGNORECASE,
)
#: Sectors ranked after a sector named as one: "... industry, ahead of mining and tourism".
_SECTOR_RANKED_BEFORE = compile_cached(
    r"\b(?:sectors?|industr(?:y|ies)|verticals?)\s*,?\s*(?:(?:and\s+)?followed\s+(?:closely\s+)?by|then|ahead\s+of)\s+"
    r"(?:(?-i:[a-z])[\w-]*\s*(?:,|and|or)\s*){0,4}$",
    re.IGNORECASE,
)
#: ... or said to be one further on: "Tourism was the second most hit industry".
_SECTOR_PREDICATE_AFTER = compile_cached(
    r"\s+(?:remained|was|is|were|are|became)\s+(?:again\s+|once\s+again\s+|still\s+)?(?:the\s+)?"
    r"(?:most|second|third|top|single\s+most|largest|biggest|hardest)\s+(?:[\w-]+\s+){0,2}?(?:sector|industry|vertical)\b",
    re.IGNORECASE,
)
_SPAN_FROM = compile_cached(r"\s*,?\s*(?:(?:stretching|ranging|reaching)\s+)?from\s+(?:the\s+)?")
_RANKED_NEXT = compile_cached(
    # (after the first's figure: "firms in Spain made up a third of the cases, then ...")
    r"(?:[^.;:!?|\n]{0,100}?,)?\s*,?\s*(?:(?:and\s+)?(?:followed\s+(?:closely\s+)?by|then|ahead\s+of)|and\s+(?:then|next))\s+"
    r"(?:(?:those|organi[sz]ations|companies|firms|victims)\s+(?:in|from|based\s+in)\s+)?(?:the\s+)?",
    re.IGNORECASE,
)
#: Counted victims described after the count: "named 40 more, many of them clinics".
_OF_THEM_BEFORE = compile_cached(
    r"\b(?:most|many|all|several|some|half|nearly\s+all|almost\s+all|the\s+majority|the\s+bulk)\s+of\s+(?:them|those|these)\s*"
    r"(?:,\s*)?(?:(?:were|are|being)\s+)?(?:(?-i:[a-z])[\w-]*\s+){0,2}$",
    re.IGNORECASE,
)
_COUNTED_VICTIMS = compile_cached(
    r"\b(?:victims?|listed|posted|named|claimed|hit|breached|compromised|attacked|targeted|infected|encrypted|extorted)\b",
    re.IGNORECASE,
)
_LIST_JOIN = compile_cached(r"^\s*(?:,\s*(?:and|or)?|and|or|&|/)\s*(?:the\s+|their\s+)?$", re.IGNORECASE)

# Capitalised phrases that name an organisation: "Ministry of Unification",
# "Korea Institute for Defense Analyses" (or "... For Defense Analyses" in a title-cased
# heading), "Acme Corp".
_ORG_HEAD = (
    r"(?:Ministry|Department|Agency|Bureau|Office|Council|Commission|University|Institute|Foundation|"
    r"Center|Centre|Bank|Corporation|Corp\.?|Inc\.?|Ltd\.?|LLC|GmbH|AG|plc|PLC|Limited|Company|Association|Organi[sz]ation|"
    r"Embassy|Parliament|Committee|Authority|Academy|Laborator(?:y|ies)|Hospital|College|Airlines|"
    r"Airways|Airports?|Federation|Society|Forum|Service|Command|Court|Senate|Assembly|Times|Post|Journal|News|Exchange|"
    # a school board's body: "Pine Ridge Unified School District"
    r"School\s+District|(?<!Zero\s)Trust)"
)
_CAP = r"[A-Z][\w&’'.-]*"
_ORG_PHRASE = compile_cached(
    rf"\b(?:{_CAP}\s+(?:&\s+)?){{1,5}}{_ORG_HEAD}\b(?:\s+(?:[oO]f|[fF]or|[oO]n)\s+(?:[tT]he\s+)?{_CAP}(?:\s+(?:[aA]nd\s+|&\s+)?{_CAP}){{0,4}})?|"
    rf"\b(?:Ministry|Department|University|Embassy|Institute|Bank|Office|Academy|Port)\s+(?:[oO]f|[fF]or|[oO]n)\s+(?:[tT]he\s+)?"
    rf"{_CAP}(?:\s+(?:[aA]nd\s+|&\s+)?{_CAP}){{0,4}}"
)
#: What every match of _ORG_PHRASE holds (at the end of its chain of capitalised words, or
#: where it starts: "Ministry of ...", "Port of ..."); its places are looked up by prefix.
_ORG_PHRASE_HEAD = compile_cached(rf"(?:{_ORG_HEAD}|Port)\b")
#: Where a match of _ORG_PHRASE can start: a capital at a word's start.
_CAPITAL_START = compile_cached(r"\b[A-Z]")
#: The whitespace-separated pieces a match of _ORG_PHRASE can run through before its head
#: word: five capitalised words, each perhaps followed by "&".
_ORG_CHAIN_PIECES = 10


def _org_phrases(text: str) -> Iterator[re.Match[str]]:
    """``_ORG_PHRASE.finditer(text)``, the pattern tried only where a match can start: at the
    capitals of the ten whitespace-separated pieces before each place its head word can
    stand (found by prefix, then matched), and at that place. Each capital is tried once,
    in text order, as finditer tries them; a walk back stops where the previous one ended
    (linear)."""
    heads = _anchors(text).starts(_ORG_PHRASE_HEAD)
    if heads is None:  # pragma: no cover - the head words are literal
        yield from _ORG_PHRASE.finditer(text)
        return
    end = 0  # where the last match ended
    scanned = 0  # capitals tried (or passed over by a match) up to here
    for head in heads:
        if head < scanned or _ORG_PHRASE_HEAD.match(text, head) is None:
            continue
        at = head
        for _ in range(_ORG_CHAIN_PIECES):
            while at > scanned and text[at - 1] in SPACES:
                at -= 1
            while at > scanned and text[at - 1] not in SPACES:
                at -= 1
            if at <= scanned:
                break
        for capital in _CAPITAL_START.finditer(text, at, head + 1):
            start = capital.start()
            if start < end:
                continue
            match = _ORG_PHRASE.match(text, start)
            if match is not None:
                yield match
                end = match.end()
        scanned = head + 1


_TITLE_CONNECTORS = frozenset(["Of", "For", "On", "The", "And"])
_COMPANY_ONLY = compile_cached(
    rf"(?:{_CAP}\s+){{1,5}}(?:Corporation|Corp\.?|Inc\.?|Ltd\.?|LLC|GmbH|AG|plc|PLC|Limited|Company|Exchange)(?=\s+of\b)"
)
_ORG_HEAD_WORD = compile_cached(rf"\b{_ORG_HEAD}\b")
_ORG_APPOSITIVE = compile_cached(
    r"(?<![\w-])(?:company|firm|vendor|provider|maker|manufacturer|operator|chain|bank|agency|university|outlet|"
    r"newspaper|organi[sz]ation|institute|contractor|developer|exchange|platform|ministry|broadcaster|"
    r"insurer|retailer|hospital|airline|carrier|processor|utility|stockbroker|broker|lender|haulier|forwarder|exporter|"
    r"importer|wholesaler|distributor|shipowner|giant)(?:\s+|,\s+(?=[A-Z][\w&’'-]*(?:\s+[A-Z][\w&’'-]*){0,3}\s*(?:[,;)]|\.(?:\s|$)|$)))"
    r"(?P<name>[A-Z][\w&’'-]*(?:\s+[A-Z][\w&’'-]*){0,3})"
)
#: A capitalised name followed by what it is: "Lindqvist Eye Clinics, a health care
#: provider with four offices", "Fjellvik Ferries, a ferry operator in the north".
_ORG_APPOSED_TAIL = compile_cached(
    r",\s+(?:a|an|the|one\s+of\s+the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:company|firm|provider|operator|maker|manufacturer|chain|bank|insurer|retailer|carrier|utility|hospital|clinic|"
    r"practice|contractor|developer|exchange|platform|broadcaster|newspaper|publisher|charity|non-?profit|nonprofit|"
    r"university|school|authority|agency|council|business|supplier|airline|shipowner|shipper|"
    # business nouns (the sector table's): "X, a Dublin-based online stockbroker"
    r"stockbroker|broker|brokerage|lender|haulier|forwarder|courier|exporter|importer|wholesaler|distributor|"
    r"grocer|dairy|bakery|brewery|consultancy|insurer|charity|cooperative|co-operative|practice|laboratory|lab)s?\b(?!['’])"
)
#: A company's legal form after its name: ", Inc.", " Ltd", " plc".
_LEGAL_SUFFIX = r"(?:,?\s+(?:Inc|Ltd|LLC|plc|PLC|Limited|Corp|GmbH|AG|AS|ASA|AB|Oy|SA|S\.A|NV|N\.V|BV|B\.V|SE|Co)\.?)"
_LEGAL_SUFFIX_END = compile_cached(_LEGAL_SUFFIX + r"$")
_CAPS_LETTERHEAD = compile_cached(r"\s{0,4}(?P<name>[A-Z][A-Z&'’.-]+(?:[ \t]+[A-Z&][A-Z&'’.-]*){1,7})[ \t]*(?:\n|$)")
#: A writer naming itself with a defined term that includes "we": 'Larkspur Dentistry
#: ("Larkspur", "we") is writing to ...' (the name, two capitalised words or more).
_SELF_DEFINED_NAME = compile_cached(
    r"(?<![\w&’'-])(?P<name>[A-Z][\w&’'-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&’'-]*){1,5})" + _LEGAL_SUFFIX + r"?\s+\(\s*"
    r"(?:[\"“][^\"”\n]{1,30}[\"”]\s*(?:,|;|or|and)\s*)*"
    # ... or a filing's defined term: 'Acme Widgets, Inc. (the "Company")'
    r"(?:the\s+)?[\"“](?:we|us|our|the\s+[Cc]ompany|Company|Registrant)[\"”]"
)
#: The defined term every match of _SELF_DEFINED_NAME ends with (no match where the text has none).
_SELF_DEFINED_TERM = compile_cached(r"[\"“](?:we|us|our|the\s+[Cc]ompany|Company|Registrant)[\"”]")
#: The name before such an apposition, read back from its comma.
_NAME_BEFORE = compile_cached(r"(?<![\w&’'.-])(?P<name>[A-Z][\w&’'-]*(?:\s+(?:&\s+)?[A-Z][\w&’'-]*){0,3})$")
#: A name right after the place it is based in: "the Oslo-based Fjellnett" (a place, then
#: a capitalised name that is not the next sentence's first word).
_BASED_NAME = compile_cached(
    r"(?<![\w-])[A-Z][\w.-]*-(?:based|headquartered)\s+(?P<name>[A-Z][\w&’'-]*(?:\s+(?:&\s+)?[A-Z][\w&’'-]*){0,3})(?=[\s,.;:)])"
)
_CAPITAL = compile_cached(r"[A-Z]")


def _based_names(text: str) -> list[tuple[int, int]]:
    r"""The names of ``_BASED_NAME.finditer(text)``, the pattern tried only where a match can
    start: at a capital letter in the run of word characters, dots and hyphens that ends
    at a "-based" or "-headquartered" (its ``(?<![\w-])[A-Z][\w.-]*`` runs up to one), first
    in the run or after a dot. Each run is walked back once and each capital tried once,
    in text order, as finditer tries them (linear: a walk stops at the previous anchor)."""
    anchors: list[int] = []
    for word in ("-based", "-headquartered"):
        found = text.find(word)
        while found != -1:
            anchors.append(found)
            found = text.find(word, found + 1)
    anchors.sort()
    names: list[tuple[int, int]] = []
    end = 0  # where the last match ended
    previous = run = -1  # the previous anchor and the start of its run
    scanned = 0  # capitals looked for up to here
    for anchor in anchors:
        at = anchor
        while at > 0 and at > previous and (text[at - 1].isalnum() or text[at - 1] in "_.-"):
            at -= 1
        if not (previous >= 0 and at == previous):  # (else the run goes on through the previous anchor)
            run = scanned = at
        for capital in _CAPITAL.finditer(text, scanned, anchor):
            start = capital.start()
            if start >= end and (start == run or text[start - 1] == "."):
                match = _BASED_NAME.match(text, start)
                if match is not None:
                    names.append(match.span("name"))
                    end = match.end()
        scanned = max(scanned, anchor)
        previous = anchor
    return names


#: A legal form after a comma or written with dots: ", Inc.", ", LLC", " B.V.", " S.A.".
_LEGAL_FORM_AFTER_NAME = compile_cached(
    r"(?<=[\w&’'])(?:,[ \t]+(?:Inc\.|Inc\b|Corp\.|LLC\b|L\.L\.C\.|Ltd\.|Ltd\b|L\.P\.|plc\b|PLC\b)|"
    r"[ \t]+(?:B\.V\.|N\.V\.|S\.A\.|S\.p\.A\.|S\.A\.S\.|A\.G\.|S\.L\.))"
)
_ORG_STOP_START = frozenset(
    ["The", "A", "An", "This", "That", "These", "Those", "In", "On", "At", "For", "From", "By", "With", "And", "Or", "But", "Its", "Their", "His", "Her", "Our", "According", "Alongside", "Nevertheless", "However", "Meanwhile"]
)


# A product or a service of one, not an organisation: "Windows Security Center", "Hancom
# Office", "Remote Access Service", "Print Spooler Service".
_PRODUCT_NAME = compile_cached(
    r"^(?:(?:Windows|Hancom|Hangul|Microsoft|Google|Apple|Adobe|Oracle|Cisco|VMware|Citrix|Zoom|Azure|Android|Linux|"
    r"Ubuntu|Chrome|Outlook|Office)\b.*\b(?:Office|Cent(?:er|re)|Services?|Exchange|Server)|"
    r".*\b(?:Remote|Access|Desktop|Spooler|Print|Update|Transfer|Scheduler|Directory|Terminal|Name|Web|Mail|File|"
    r"Cloud|Messaging|Notification|Push|Backup|Storage|Hosting)\s+(?:Services?|Cent(?:er|re)|Server|Office))$"
)
# A language, not a place: "written in English", "Russian-language forums".
_LANGUAGES = frozenset(["English", "French", "German", "Spanish", "Portuguese", "Russian", "Chinese", "Korean",
                        "Japanese", "Arabic", "Persian", "Farsi", "Turkish", "Italian", "Dutch", "Polish",
                        "Ukrainian", "Hebrew", "Vietnamese", "Thai"])
_LANGUAGE_BEFORE = compile_cached(r"\b(?:in|into|written\s+in|translated\s+(?:in)?to|speak(?:s|ing)?|fluent)\s+(?:simple\s+|plain\s+|broken\s+|fluent\s+)?(?:[A-Z]\w+,?\s+(?:and|or)\s+)?$", re.I)
#: ... ending its phrase ("in English." but not "in German chemical firms").
_LANGUAGE_END = compile_cached(r"\s*(?:[.,;:)!?]|$|(?:and|or|but|as|with|by|from|to|on|in|at|for|only|while|which|that)\b)")
_LANGUAGE_AFTER = compile_cached(r"[\s-]+(?:language|translations?|text|words?)\b|\s+(?:and|or)\s+[A-Z]\w+[\s-]+language\b", re.I)
#: A capitalised run right after an attack word: "attack on Orbit Film Studios",
#: "the breach at Halden Mutual Trust", "hackers targeted Nordvik Shipping".
_CUE_OBJECT_NAME = compile_cached(
    r"\b(?:(?:cyber-?)?attacks?|breach(?:es)?|hacks?|intrusions?|compromise|raids?)\s+(?:on|of|at|against|into)\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w&’'-]*(?:[ \t]+[A-Z][\w&’'-]*){1,4})|"
    r"\b(?:targeted|breached|hacked|compromised|infiltrated|attacked|(?:days|weeks|months|years)\s+inside)\s+(?:the\s+)?"
    r"(?P<name2>[A-Z][\w&’'-]*(?:[ \t]+[A-Z][\w&’'-]*){1,4})"
)
#: ... but not a product: "attacks on Ivanti Connect Secure", "Citrix NetScaler Gateway".
_PRODUCT_TAIL = compile_cached(
    r"\b(?:Secure|Server|Servers|Exchange|VPN|Gateway|Firewall|Cloud|Platform|Suite|Manager|Connect|Appliance|Edition|"
    r"Portal|Router|Routers|Software|Client|App|Application|Plugin|Module|Framework|Library|API|Controller|Player|"
    r"Reader|Editor|Agent|Service)\b$|"
    # ... nor a product's model or edition written in capitals and digits: "Kaseya VSA", "Amazon S3"
    r"\s(?-i:[A-Z0-9]{2,5})$"
)
# A list of named victims after a colon: "targeting following organizations: The Sejong
# Institute, KIDA, Ministry of Unification, Hyundai Merchant Marine" (names need no head word).
_ORG_LIST = compile_cached(
    r"\b(?:organi[sz]ations|companies|entities|institutions|bodies|victims|targets)\s*:\s*(?P<list>[^.\n;:]{3,400})"
)
_LIST_ITEM = compile_cached(r"(?:[Tt]he\s+)?(?P<name>[A-Z][\w&’'.-]*(?:\s+(?:of|for|and|&|on|[A-Z][\w&’'.-]*)){0,6})\s*$")

# A currency ("US$20,000", "US $30,000") or a sea or strait named after a country.
_NOT_A_PLACE_AFTER = compile_cached(
    r"\s?\$|\s+(?:Sea|Ocean|Straits?|Gulf)\b|\s+(?i:dollars?|euros?|pounds?|yuan|yen|rubles?|roubles?|francs?|rupees?)\b"
)
_NOT_A_SECTOR_WORD = compile_cached(r"(?i:utilit(?:y|ies)|media)")
#: "media" for what the press does, not the sector: "media attention", "the media coverage".
_MEDIA_SENSE_AFTER = compile_cached(
    r"[ \t]+(?:attention|coverage|reports?|reporting|interest|hype|frenzy|spotlight|scrutiny|headlines|storm|buzz|"
    r"speculation|accounts|sources|pressure)\b",
    re.IGNORECASE,
)
#: A countable sector noun heading its own phrase: "targeted a bank", "a large regional bank
#: in Peru" (an article or a possessive before it, at most two lower-case modifiers between) ...
_COUNT_HEAD_BEFORE = compile_cached(
    r"(?<![\w-])(?:a|an|the|one|another|each|every|this|that|its|their|our|his|her)\s+(?:(?-i:[a-z])[\w-]*\s+){0,2}$",
    re.IGNORECASE,
)
#: ... or a singular head after a generic sector word in an indefinite phrase: "a large
#: retail organization", "an energy entity", "a European government target" (not "Russia's
#: military intelligence agency", which describes a name already given).
_INDEFINITE_BEFORE = compile_cached(
    r"(?<![\w-])(?:a|an|one|another|each|every|any)\s+(?:(?-i:[a-z])[\w-]*\s+|(?-i:[A-Z])[a-z]+(?:an|ian|ish|ese|ic|i)\s+){0,2}$",
    re.IGNORECASE,
)
_SINGULAR_HEAD_AFTER = compile_cached(
    r"\s+(?:(?-i:[a-z])[\w-]*\s+)?(?:organi[sz]ation|institution|agency|entity|project|target|body|operator|firm)\b",
    re.IGNORECASE,
)
#: ... or a field of work in a list after the organisations working in it: "customers in
#: government and defence", "firms across energy, finance and retail".
_FIELD_LIST_BEFORE = compile_cached(
    r"\b(?:customers|clients|organi[sz]ations|companies|firms|entities|victims|targets|businesses|institutions|operators)\s+"
    r"(?:in|across|from|within)\s+(?:the\s+)?(?:[\w-]+\s*(?:,\s*|\s+)(?:(?:and|or|&)\s+)?){0,4}$",
    re.IGNORECASE,
)
_FIELD_LIST_AFTER = compile_cached(
    r"\s*(?:[.;:)!?]|$)|\s*,|\s+(?:and|or|&|in|across|sectors?|industr(?:y|ies)|since|between|during|from|over|as|with|that|which|who|"
    r"was|were|is|are|has|have|had)\b",
    re.IGNORECASE,
)
#: ... and ending it: a mark, a preposition, a conjunction or a verb, not a noun it modifies
#: ("a bank account" is no bank; "a university of ..." may start a name).
_COUNT_HEAD_AFTER = compile_cached(
    r"\s*(?:[.,;:!?)]|$)|['’]s\s|\s+(?:in|at|on|for|from|with|and|or|that|which|who|whose|was|were|is|are|has|had|have|by|to|near|"
    r"based|headquartered|after|before|when|last|earlier|this|had|said|says|lost|paid|suffered|confirmed|disclosed|"
    r"(?-i:[a-z]{2,}ed))\b",
    re.IGNORECASE,
)
_NOT_A_SECTOR_BEFORE = compile_cached(
    r"\b(?:hacking|system|software|network|admin(?:istration|istrative)?|command-line|security|compression|"
    r"password|remote|legitimate|open-source|storage|removable|backup|optical|installation|recording|portable)\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str  # sector | country | region | organization
    value: str
    form: str  # name, abbreviation, demonym, capital, sector, vendor, media, ...


#: What reads a town as a place: a locative preposition before it, "-based" after it.
_TOWN_BEFORE = compile_cached(
    r"(?:\b(?:in|near|outside|around|from|at)\s+|\b(?:port|city|town|harbou?r|suburb|municipality|county|district)\s+of\s+)$",
    re.IGNORECASE,
)
_TOWN_AFTER = compile_cached(r"-(?:based|headquartered)\b|,\s+(?-i:[A-Z])[a-z]+(?:\s+[A-Z][a-z]+)?\s*[,.;)]")


def _org_phrase_hit(text: str, start: int, end: int, hits: list[_Hit], taken: SpanSet) -> None:
    """Add the organisation names of the capitalised phrase ``text[start:end]`` (one with a
    head word) that no gazetteer hit covers."""
    words = text[start:end].split()
    # (... nor is the place a name is "based" in: "the Lyon-based International Rowing Board")
    while words and (words[0] in _ORG_STOP_START or words[0].endswith("-based")):
        start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
        words = words[1:]
    if len(words) < 2:
        return
    for part_start, part_end in _org_parts(text, start, end):
        if taken.overlaps(part_start, part_end):
            # "Halvorsen Logistics Ltd of Norway": the place is found already; keep the
            # company's name ("Public Health Agency of Canada" stays whole, or is not one).
            head = _COMPANY_ONLY.match(text, part_start, part_end)
            if head is None or taken.overlaps(part_start, head.end()):
                continue
            part_end = head.end()
        surface = text[part_start:part_end].rstrip(".")
        if len(surface.split()) < 2 or _PRODUCT_NAME.match(surface):
            continue
        part_end = part_start + len(surface)
        # One value however a heading capitalises it: "Institute For Defense" -> "for".
        value = " ".join(w.lower() if i and w in _TITLE_CONNECTORS else w for i, w in enumerate(surface.split()))
        hits.append(_Hit(part_start, part_end, "organization", value, "heuristic"))
        taken.add(part_start, part_end)


def _find_hits(text: str, actors: Sequence[ActorMention]) -> list[_Hit]:
    geo = geo_gazetteer()
    sectors = sector_vocabulary()
    orgs = org_gazetteer()
    taken = SpanSet((a.span.start, a.span.end) for a in actors)
    hits: list[_Hit] = []
    for phrase in orgs.index().find(text):
        if not phrase.exact_case or taken.overlaps(phrase.start, phrase.end):
            continue
        name = phrase.keys[0]
        org = orgs.orgs[name]
        hits.append(_Hit(phrase.start, phrase.end, "organization", name, org.category))
        taken.add(phrase.start, phrase.end)
    for phrase in geo.index().find(text):
        if taken.overlaps(phrase.start, phrase.end):
            continue
        names = geo.names.get(phrase.surface) or geo.names.get(phrase.keys[0]) or ()
        if not names:
            continue
        entry = names[0]
        if entry.case_sensitive and not phrase.exact_case:
            continue
        if entry.form in ("capital", "city", "subdivision") and _CAPITAL_NEXT.match(text[phrase.end : phrase.end + 2]):
            continue  # "Washington Post", "Moscow Exchange"
        if _NOT_A_PLACE_AFTER.match(text, phrase.end) or text[max(0, phrase.start - 1) : phrase.start] == "$":
            continue  # "US$20,000", "$US 100 million", "the South China Sea", "the Taiwan Strait"
        if text[max(0, phrase.start - 4) : phrase.start].lower() == "non-":
            continue  # "non-Spanish speakers": everyone but the place's people
        if phrase.surface in _LANGUAGES and (
            (_LANGUAGE_BEFORE.search(text, max(0, phrase.start - 30), phrase.start) and _LANGUAGE_END.match(text, phrase.end))
            or _LANGUAGE_AFTER.match(text, phrase.end)
        ):
            continue  # "written in English": a language
        if entry.form in ("capital", "city", "subdivision") and text[max(0, phrase.start - 14) : phrase.start].lower().rstrip().endswith(
            "university of"
        ):
            continue
        place = geo.places[entry.code]
        hits.append(_Hit(phrase.start, phrase.end, place.kind, place.code, entry.form))
        taken.add(phrase.start, phrase.end)
    # Smaller cities, where the sentence reads them as a place: "a ferry line in <town>",
    # "the port of <town>", "a <town>-based insurer", "<town>, <country>".
    for phrase in geo.town_index().find(text):
        if not phrase.exact_case or taken.overlaps(phrase.start, phrase.end):
            continue
        code = geo.towns.get(phrase.surface)
        if code is None or _CAPITAL_NEXT.match(text[phrase.end : phrase.end + 2]):
            continue
        if not (_TOWN_BEFORE.search(text, max(0, phrase.start - 40), phrase.start)
                or _TOWN_AFTER.match(text, phrase.end)):
            continue
        hits.append(_Hit(phrase.start, phrase.end, "country", code, "town"))
        taken.add(phrase.start, phrase.end)
    # Where the names of known organisations end (a capitalised sector word right after one
    # is part of its name: "<Vendor> Research Labs").
    org_ends = {h.end for h in hits if h.kind == "organization"}
    for phrase in sectors.index().find(text):
        if taken.overlaps(phrase.start, phrase.end):
            continue
        value = sectors.lookup(phrase.surface)
        if value is None:
            continue
        if sectors.is_case_sensitive(phrase.keys[0]) and not phrase.exact_case:
            continue
        if (
            phrase.surface[:1].isupper()
            and phrase.start > 0
            and not _sentence_start(text, phrase.start)
            and _CAPITAL_NEXT.match(text[phrase.end : phrase.end + 2])
        ):
            continue  # "Government" inside a capitalised name ("Government Communications Bureau")
        if _FIELD_OF_AFTER.match(text, phrase.end) and not phrase.surface.endswith("s"):
            continue  # "the council's finance department", "the IT team": a body's field
        if (own_system := _OWN_SYSTEM_AROUND.search(text, max(0, phrase.start - 40), min(len(text), phrase.end + 30))) and (
            own_system.start("word") == phrase.start and own_system.end("word") == phrase.end
        ):
            continue  # "its billing and pharmacy software": the victim's own system
        if phrase.surface in ("IT", "OT") and _IT_THINGS_AFTER.match(text, phrase.end):
            continue  # "encrypted IT servers", "the IT estate": things, not the IT sector
        if _code_identifier(text, phrase.start, phrase.end):
            continue  # "player.Media.load()", "Energy(x)": a word of code, no sector
        if phrase.surface.lower().endswith("media") and _MEDIA_SENSE_AFTER.match(text, phrase.end):
            continue  # "media attention": the press's interest, not the sector
        if phrase.surface[:1].isupper() and phrase.start > 1 and text[phrase.start - 1] == " " and (phrase.start - 1) in org_ends:
            continue  # "<Vendor> Research Labs": a known organisation's own unit
        if (
            phrase.surface[:1].isupper()
            # (a phrase ending in a head word too: "Fjellvik Power Company")
            and (_ORG_HEAD_WORD.fullmatch(phrase.surface) or _ORG_HEAD_WORD.fullmatch(phrase.surface.split()[-1]))
            and all(word[:1].isupper() for word in phrase.surface.split())
            and (word_before := re.search(r"(?:^|\s)((?-i:[A-Z])[\w&’'-]*)[ \t]+$", text[max(0, phrase.start - 40) : phrase.start]))
            and word_before.group(1) not in _ORG_STOP_START
        ):
            continue  # the head of a capitalised name: "Kestrel Regional Airports", "Nordvik Savings Bank"
        if (phrase.surface[:1].isupper() and sectors.is_business_noun(phrase.surface)
                and re.search(r"(?:^|\s)(?-i:[A-Z])[\w&’'-]*[ \t]+$", text[max(0, phrase.start - 40) : phrase.start])):
            continue  # a business noun ending a name: "Brisco Family Clinic", "Tamsin Haulage Company"
        if _NOT_A_SECTOR_BEFORE.search(text, max(0, phrase.start - 30), phrase.start) and _NOT_A_SECTOR_WORD.fullmatch(
            phrase.surface
        ):
            continue  # "hacking utilities", "removable storage media": tools and things, not sectors
        if (
            sectors.needs_sector_noun(phrase.surface)
            and not _SECTOR_NOUN_AFTER.match(text[phrase.end : phrase.end + 80])
            # "the crew targeted a bank": a countable sector noun heading its own phrase
            and not (sectors.is_count_noun(phrase.surface)
                     and _COUNT_HEAD_BEFORE.search(text, max(0, phrase.start - 60), phrase.start)
                     and _COUNT_HEAD_AFTER.match(text, phrase.end))
            and not (_SINGULAR_HEAD_AFTER.match(text, phrase.end)
                     and _INDEFINITE_BEFORE.search(text, max(0, phrase.start - 60), phrase.start))
            # "clients in finance and energy": the fields organisations work in
            and not (_FIELD_LIST_BEFORE.search(text, max(0, phrase.start - 100), phrase.start)
                     and _FIELD_LIST_AFTER.match(text, phrase.end))
            # "... the most hit industry, ahead of mining and tourism"
            and not _SECTOR_RANKED_BEFORE.search(text, max(0, phrase.start - 80), phrase.start)
            and not _SECTOR_PREDICATE_AFTER.match(text, phrase.end)
            and not _fills_cell(text, phrase.start, phrase.end)
        ):
            continue
        hits.append(_Hit(phrase.start, phrase.end, "sector", value, "sector"))
        taken.add(phrase.start, phrase.end)
    for match in _org_phrases(text):
        start, end = _org_start(text, match.start(), match.end())
        pieces = [(start, end)]
        if "\n" in text[start:end]:
            # one name a line ("Institute for Marine Studies\nCentre for Sleep Research"): each
            # line that is a name of its own, the next line's read again from its start (a name
            # wrapped over two lines has a head word on neither alone, and stays whole)
            cut: list[tuple[int, int]] = []
            at = start
            while (line_end := text.find("\n", at, end)) != -1 and _ORG_PHRASE.fullmatch(text, at, line_end):
                cut.append((at, line_end))
                at = line_end + 1
                again = _ORG_PHRASE.match(text, at)
                if again is None:
                    break
                end = max(end, again.end())
            else:
                if cut:
                    again = _ORG_PHRASE.match(text, at)
                    if again is not None:
                        cut.append((at, again.end()))
            if cut:
                pieces = cut
        for start, end in pieces:
            _org_phrase_hit(text, start, end, hits, taken)
    # A letterhead in capitals: "NORTHFIELD COUNTY SCHOOL DISTRICT" on the first line.
    caps = _CAPS_LETTERHEAD.match(text)
    if caps is not None and not taken.overlaps(*caps.span("name")):
        titled = " ".join(w.lower() if i and w.lower() in ("of", "for", "on", "the", "and") else w.capitalize()
                          for i, w in enumerate(caps.group("name").split()))
        if _ORG_PHRASE.fullmatch(titled):
            hits.append(_Hit(caps.start("name"), caps.end("name"), "organization", titled, "heuristic"))
            taken.add(*caps.span("name"))
    appositive_from = len(hits)
    anchors = _anchors(text)
    named_spans: list[tuple[int, int]] = [m.span("name") for m in anchors.finditer(_ORG_APPOSITIVE, text)]
    if "(" in text and _SELF_DEFINED_TERM.search(text):
        named_spans.extend(m.span("name") for m in _SELF_DEFINED_NAME.finditer(text))
    # "Lindqvist Eye Clinics, a health care provider ...": the name before an apposition
    # that says what it is (two words at least, and not the sentence's first word alone).
    for tail in _ORG_APPOSED_TAIL.finditer(text):
        window = max(0, tail.start() - 80)
        before = _NAME_BEFORE.search(text, window, tail.start())
        if before is not None and len(before.group("name").split()) >= 2:
            named_spans.append(before.span("name"))
    # "Harlow & Finch Home, Inc.", "Van Dijk Transport B.V.": a name with its legal form
    # after a comma or written with dots (the form kept as written, its dots with it; a name the
    # text defines as its own term is found bare above).
    if ", " in text or ".V." in text or "S.A." in text:
        for form in _LEGAL_FORM_AFTER_NAME.finditer(text):
            before = _NAME_BEFORE.search(text, max(0, form.start() - 80), form.start())
            if before is not None and before.group("name").split()[0] not in _ORG_STOP_START:
                named_spans.append((before.start("name"), form.end()))
    if "-based" in text or "-headquartered" in text:
        named_spans.extend(_based_names(text))
    for start, end in named_spans:
        name = text[start:end]
        if name.split()[0] in _ORG_STOP_START or taken.overlaps(start, end) or _PRODUCT_NAME.match(name):
            continue
        hits.append(_Hit(start, end, "organization", name, "heuristic"))
        taken.add(start, end)
    # A name found by its shape is the same organisation wherever else the text writes it
    # ("payment provider KortaPay ... KortaPay has confirmed ...").
    # (Names with a head word are found wherever they stand already; these are the ones an
    # apposition found.)
    # "CISO at <Name>": the employer a post names, with or without a head word
    for match in _EMPLOYER_NAME.finditer(text):
        start, end = match.span("name")
        name = match.group("name")
        if name.split()[0] in _ORG_STOP_START or taken.overlaps(start, end) or _PRODUCT_NAME.match(name):
            continue
        hits.append(_Hit(start, end, "organization", _org_value(name), "heuristic"))
        taken.add(start, end)
    for start, end in _region_names(text, taken):
        hits.append(_Hit(start, end, "organization", _org_value(text[start:end]), "heuristic"))
        taken.add(start, end)
    shaped_names = {h.value for h in hits[appositive_from:] if h.form == "heuristic" and len(h.value) >= 4}
    for name in sorted(shaped_names):
        at = text.find(name)
        while at != -1:
            end = at + len(name)
            if (not (at and (text[at - 1].isalnum() or text[at - 1] in "-_"))
                    and not (end < len(text) and (text[end].isalnum() or text[end] in "-_"))
                    and not taken.overlaps(at, end)):
                hits.append(_Hit(at, end, "organization", name, "heuristic"))
                taken.add(at, end)
            at = text.find(name, end)
    # "the 2016 attack on Orbit Film Studios": a capitalised run as the object of
    # an attack word is a name, with or without a head word.
    for match in anchors.finditer(_CUE_OBJECT_NAME, text):
        group = "name" if match.group("name") is not None else "name2"
        start = match.start(group)
        name = match.group(group).rstrip(".")
        end = start + len(name)
        words = name.split()
        if (len(words) < 2 or words[0] in _ORG_STOP_START or taken.overlaps(start, end) or _PRODUCT_NAME.match(name)
                or _PRODUCT_TAIL.search(name)):
            continue
        hits.append(_Hit(start, end, "organization", name, "heuristic"))
        taken.add(start, end)
    if ":" in text:
        for match in anchors.finditer(_ORG_LIST, text):
            offset = match.start("list")
            for item in re.finditer(r"[^,]+", match.group("list")):
                piece = re.sub(r"^\s*(?:and|or)\s+", "", item.group(0))
                named = _LIST_ITEM.fullmatch(piece.strip())
                if named is None:
                    continue
                start = offset + item.start() + item.group(0).index(named.group("name"))
                end = start + len(named.group("name"))
                if taken.overlaps(start, end) or _PRODUCT_NAME.match(named.group("name")):
                    continue
                hits.append(_Hit(start, end, "organization", named.group("name"), "heuristic"))
                taken.add(start, end)
    # A word of a URL, a path, a mailbox or a field label is no party (the structure's opaque spans).
    opaque = structure_of(text).is_opaque
    hits = [h for h in hits if not opaque(h.start, h.end)]
    # "Japan's police blamed ... a campaign against the country's diplomats": the country is
    # the last one named before (within the paragraph's reach).
    if "country" in text or "nation" in text:
        # (a country named as a noun: "the Chinese state" is not what "the country" points back to)
        countries = sorted((h for h in hits if h.kind == "country" and h.form != "demonym"), key=lambda h: h.start)
        starts = [h.start for h in countries]
        for match in anchors.finditer(_COUNTRY_ANAPHOR, text):
            at = bisect.bisect_left(starts, match.start()) - 1
            if at >= 0 and match.start() - countries[at].end <= 400 and not taken.overlaps(*match.span()):
                hits.append(_Hit(match.start(), match.end(), "country", countries[at].value, "anaphor"))
                taken.add(*match.span())
    hits.sort(key=lambda h: h.start)
    return _bare_names(hits)


_CODE_TAIL = compile_cached(r"[._][A-Za-z_]\w*(?:\(|[._]\w)")


def _code_identifier(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is glued into an identifier of code: a dot or an
    underscore joins it to a word before ("flash.Media"), or to one after that goes on as
    code ("Media.Sound()", "Media.Sound.play"; not a footnote mark, "dissidents.v"), or a
    bracket opens right after it ("Energy(")."""
    before = text[max(0, start - 2) : start]
    return (
        (len(before) == 2 and before[1] in "._" and before[0].isalnum())
        or text[end : end + 1] == "("
        or _CODE_TAIL.match(text, end, end + 80) is not None
    )


def _bare_names(hits: list[_Hit]) -> list[_Hit]:
    """One value per organisation whether or not its legal form is written: "Acme Outdoor
    Ltd" in a signature is the "Acme Outdoor" of the text (when the text writes it bare)."""
    bare = {h.value for h in hits if h.kind == "organization"}
    out = []
    for hit in hits:
        if hit.kind == "organization" and (short := _LEGAL_SUFFIX_END.sub("", hit.value)) != hit.value and short in bare:
            hit = _Hit(hit.start, hit.end, hit.kind, short, hit.form)
        out.append(hit)
    return out


_COUNTRY_ANAPHOR = compile_cached(r"\b[Tt]he\s+(?:country|nation)(?:['’]s|\s+itself)")


def _org_start(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the name in a capitalised run begins: after a possessive or the end of the
    previous sentence ("Peru's Ministry of Foreign Affairs", "... in Central Asia. The
    Royal Institute for Strategic Studies"). A known name run into a unit's ("Islamic
    Revolutionary Guard Corps Cyber-Electronic Command") is left alone."""
    cut = start
    head = _ORG_HEAD_WORD.search(text, start, end)
    if head is None:
        return start, end
    for word in re.finditer(r"\S+", text[start : head.start()]):
        w_end = start + word.end()
        after = text[w_end : w_end + 2]
        if (
            (word.group(0).endswith(("'s", "’s")) and word.group(0) not in ("Let's", "Let’s"))
            or (word.group(0).endswith(".") and len(word.group(0)) > 3 and "\n" in text[w_end : w_end + 3])
            or (word.group(0).endswith(".") and len(word.group(0)) > 3 and after[:1] == " " and word.group(0)[:-1].isalpha()
                and not word.group(0)[:-1].isupper())
        ):
            cut = w_end
    if cut == start:
        return start, end
    rest = _ORG_PHRASE.match(text, cut + len(text[cut:end]) - len(text[cut:end].lstrip()), end)
    if rest is None:
        # "Women's Association" is one name; only a cut that leaves a name is taken.
        return (start, end) if not _ORG_SENTENCE_END.search(text, start, cut) else (end, end)
    return rest.start(), rest.end()


def _org_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An organisation phrase cut where "and" joins two names, each with its own head
    noun: "University of Tartu and Aalto University" is two; "Ministry of Trade and
    Industry" is one."""
    for joint in re.finditer(r"\s+(?:and|&)\s+", text[start:end]):
        left_end, right_start = start + joint.start(), start + joint.end()
        if _ORG_HEAD_WORD.search(text, start, left_end) and _ORG_HEAD_WORD.search(text, right_start, end):
            return [(start, left_end), *_org_parts(text, right_start, end)]
    return [(start, end)]


def _fills_cell(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole table cell ("| Manufacturing | Mexico |")."""
    return bool(re.match(r"[ \t]*\|", text[end : end + 40])) and bool(re.search(r"\|[ \t]*$", text[max(0, start - 40) : start]))


_VICTIM_TABLE_HEADER = compile_cached(
    r"\b(?:victims?|targets?|targeted|affected|sectors?|industr(?:y|ies)|verticals?|victimology)\b", re.IGNORECASE
)
_TABLE_RULE = compile_cached(r"^[\s|:+-]*$")
_VICTIM_COLUMN = compile_cached(
    r"\b(?:victims?|targets?|targeted|affected|sectors?|industr(?:y|ies)|verticals?|countr(?:y|ies)|regions?|"
    r"locations?|organi[sz]ations?|compan(?:y|ies)|entit(?:y|ies)|names?)\b",
    re.IGNORECASE,
)


#: A list item's marker at the start of its line: "- ", "* ", "• ", "3. ", "b) ".
_BULLET = compile_cached(r"[ \t]*(?:[-*•–·▪]|\(?(?:\d{1,2}|[a-z])[.)])[ \t]+")
#: Between two items of a list written one a line: one line break.
_ONE_LINE_BREAK = compile_cached(r"[ \t]*\n[ \t]*")
#: A line that introduces a list of victims: "The victims were:", "The following
#: organisations were targeted:", "Affected entities include:".
_VICTIM_LIST_LEAD = compile_cached(
    r"\b(?:victims?|targets|targeted|affected|compromised|breached|hit|impacted|attacked|victimi[sz]ed)\b"
    r"(?:(?!\b(?:should|must|recommend\w*|advice|steps|mitigations?|indicators?)\b)[^:])*:\s*$",
    re.IGNORECASE,
)
#: A text's own organisation said to be the victim, in the first person.
_FIRST_PERSON_VICTIM = compile_cached(
    r"\b(?:in|into|inside|on)\s+(?:(?:part|parts|some|most|all)\s+of\s+)?our\s+(?:[\w-]+\s+)?(?:networks?|systems?|environment|servers?|mailboxes)\b|"
    r"\b(?:access\s+to|breach\s+of|attack\s+on)\s+our\s+(?:[\w-]+\s+)?(?:networks?|systems?|servers?|data)\b|"
    r"\b[Oo]ur\s+(?:[\w-]+\s+)?(?:networks?|systems?|ministry|company|organi[sz]ation|servers?|agency|offices?)\s+"
    r"(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:\w+\s+)?(?:targeted|breached|hacked|compromised|attacked|hit|accessed|infiltrated)\b|"
    r"\b[Ww]e\s+(?:were|got|had\s+been|have\s+been)\s+(?:\w+\s+)?(?:hacked|breached|targeted|attacked|hit|compromised)\b|"
    # "our clinic was hit by ransomware", "our council's systems were encrypted"
    r"\b[Oo]ur\s+(?:hospital|university|school|college|council|clinic|practice|firm|business|trust|institution|"
    r"institute|bank|website|college|charity|newsroom)(?:['’]s\s+[\w-]+)?\s+(?:was|were|had\s+been|has\s+been)\s+(?:\w+\s+)?"
    r"(?:targeted|breached|hacked|compromised|attacked|hit|accessed|infiltrated|encrypted)\b|"
    # "our security team detected an unauthorised user on the payroll server"
    # "our booking system stopped working", "our file servers went offline"
    r"\b[Oo]ur\s+(?:[\w-]+\s+){0,3}?(?:systems?|networks?|servers?|computers|mailboxes)\s+(?:(?:had\s+)?stopped\s+(?:responding|working)|"
    r"went\s+(?:down|dark|offline)|(?:was|were|had\s+been)\s+(?:encrypted|wiped|locked|taken\s+offline))\b|"
    r"\b(?:[Ww]e|[Oo]ur\s+(?:[\w-]+\s+){0,2}?(?:team|staff|department|engineers|administrators))\s+(?:\w+\s+)?"
    r"(?:detected|discovered|identified|found|noticed|saw|spotted|observed)\s+(?:an?\s+|the\s+|some\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:unauthori[sz]ed|suspicious|malicious|unusual|anomalous)\s+(?:[\w-]+\s+)?(?:users?|access|activity|logins?|"
    r"intruders?|traffic|software|code)\b"
)
def first_person_victim_at(text: str) -> int | None:
    """Where a text first speaks as the victim in the first person ("we got hit", "our
    servers were encrypted", "we found suspicious logins"), or None."""
    match = _anchors(text).search(_FIRST_PERSON_VICTIM, text)
    return match.start() if match is not None else None


#: A line that heads a letter or a notice with its writer's name: "University of Eastbrook |
#: Information Technology Services", "Fjellvik Ferries AS, Harbour Road 4".
_LETTERHEAD_REST = compile_cached(r"[ \t]*(?:\([^()\n]{1,30}\)[ \t]*)?(?:\n|$|[|,–—•·]|-\s)")
#: A postal address in a letterhead: a US city, state and ZIP ("Dayton, OH 45402") or a
#: UK postcode ("Leeds LS2 9JT").
_POSTAL_ADDRESS = compile_cached(
    r"\b[A-Z][a-z]+,\s+(?P<US>AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    r"NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\s+\d{5}(?:-\d{4})?\b|"
    r"\b[A-Z][a-z]+,?\s+(?P<GB>(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s+\d[ABD-HJLNP-UW-Z]{2})\b"
)
#: Someone speaking for an organisation: "chief executive of X".
_EMPLOYER_BEFORE = compile_cached(
    r"\b(?:officer|director|head|chief|CEO|CISO|CTO|CIO|president|spokes\w+|manager|founder|executive|chair\w*|"
    # "head of IT at the Port of X": a post's field before its employer
    r"minister|secretary)(?:\s+of\s+(?:IT|[a-z]+(?:\s+[a-z]+)?|(?-i:[A-Z])\w+\s+(?-i:[A-Z])\w+))?\s+(?:at|of|for)\s+(?:the\s+)?$",
    re.I,
)
#: A signature line, the writer's post before its employer: "Finance Director, Acme Ltd".
_SIGNATURE_TITLE_BEFORE = compile_cached(
    r"(?m)^[ \t]*(?:[A-Z][\w-]*\s+){0,3}(?:Officer|Director|Head|Chief|CEO|CISO|CTO|CIO|President|Manager|Founder|"
    r"Executive|Chair\w*|Secretary|Partner|Principal|Owner)(?:\s+of\s+[A-Z][\w-]*)?,[ \t]+$"
)
#: A name the text defines as its writer: 'Acme Widgets, Inc. (the "Company")', 'Acme ("we")'.
_DEFINES_SELF_AFTER = compile_cached(
    _LEGAL_SUFFIX + r"?\s+\(\s*(?:[\"“][^\"”\n]{1,30}[\"”]\s*(?:,|;|or|and)\s*)*(?:the\s+)?"
    r"[\"“](?:we|us|our|the\s+[Cc]ompany|Company|Registrant)[\"”]"
)
_BASED_BEFORE_OWNER = compile_cached(r"-based\s+(?:[a-z][\w-]*\s+){0,3}")
_BASED_GAP = compile_cached(r",\s+(?:a|an|the)\s+[^,;:.]*?\s(?:based|headquartered|located)\s+in\s+(?:the\s+)?", re.I)


def _own_organization(text: str, out: Sequence[tuple[_Hit, str, Passage, int]], items: Sequence[Passage]) -> str | None:
    """The organisation a text speaks for: the employer of its speaker or writer, else its
    letterhead (a first line that is only an organisation's name)."""
    for hit, *_ in out:
        if hit.kind == "organization" and hit.form not in ("government", "international", "intelligence") and (
            _EMPLOYER_BEFORE.search(text, max(0, hit.start - 60), hit.start)
            or _SIGNATURE_TITLE_BEFORE.search(text, max(0, hit.start - 60), hit.start)
            or _DEFINES_SELF_AFTER.match(text, hit.end)
        ):
            return hit.value
    # the letterhead: one of the first three lines, if short (a title may stand above it)
    for item in items[:3]:
        first = item.span
        if first.end - first.start > 120:
            break
        for hit, *_ in out:
            if hit.start >= first.end:
                break
            if (hit.start >= first.start and hit.kind == "organization" and not text[first.start : hit.start].strip()
                    and _LETTERHEAD_REST.match(text, hit.end)):
                return hit.value
    return None


_FIRST_PERSON_WORD = compile_cached(r"\b(?:[Oo]ur|[Ww]e|us)\b")


def _first_person_patient(text: str) -> bool:
    """Whether a patient region of the text speaks in the first person: "our terminal went
    dark", "intruders encrypted our file shares", "we were among those hit"."""
    return any(_FIRST_PERSON_WORD.search(text, region.start, region.end) for region in _incident_regions(text))


def _head_noun_patient(text: str, own: str) -> bool:
    """Whether a patient region names the text's own organisation by its head noun: "loan
    records of the college were encrypted" under a "<Name> College" letterhead."""
    head = own.split()[-1].lower()
    if len(head) < 4 or not head.isalpha():
        return False
    pattern = re.compile(r"\b[Tt]he\s+" + head + r"\b")
    return any(pattern.search(text, region.start, region.end) for region in _incident_regions(text))


def _describes(text: str, sector: _Hit, owner: _Hit) -> bool:
    """Whether a sector word stands before an organisation's name as what it is: "the
    logistics company X", "payment provider KortaPay"."""
    if _SECTOR_HEAD_GAP.fullmatch(text, sector.end, owner.start):
        return True
    return (
        text[sector.end : owner.start].isspace()
        and _SECTOR_HEAD_GAP.fullmatch(" " + text[sector.start : sector.end].split()[-1] + " ") is not None
    )


def _sentence_start(text: str, offset: int) -> bool:
    before = text[max(0, offset - 3) : offset]
    return offset == 0 or before.strip() == "" or bool(re.search(r"[.!?\"“]\s*$", before))


#: People a persona borrows ("posed as British scholars"); a spoofed government or company
#: still points at its country's readers.
_PERSONA_AFTER = compile_cached(
    r"\s+(?:[\w-]+\s+)?(?:scholars|academics|journalists|reporters|researchers|officials|diplomats|experts|"
    r"recruiters|students|people|individuals|employees|staff|nationals|citizens)\b", re.IGNORECASE
)
_IMPERSONATED_BEFORE = compile_cached(
    r"\b(?:impersonat(?:e|es|ed|ing)|pos(?:e|es|ed|ing)\s+as|masquerad(?:e|es|ed|ing)\s+as|"
    r"pretend(?:s|ed|ing)?\s+to\s+be|spoof(?:s|ed|ing)?|purport(?:s|ed|ing)?\s+to\s+(?:be|come)\s+from)"
    r"\s+(?:or\s+\w+\s+)?(?:(?:as|real|legitimate|genuine|well-known|trusted|prominent|other|fellow|the|a|an)\s+){0,3}$",
    re.IGNORECASE,
)


def _last_cue(before: str) -> re.Match[str] | None:
    cue = None
    for match in _TARGET_CUE.finditer(before):
        cue = match
    return cue


class _Cues:
    """A sentence's targeting cues, found in one pass when first asked for, so each mention
    looks up the last cue before it instead of scanning its 300-character window again
    (on dense prose and on a megabytes-long line that rescan was most of the stage's time)."""

    __slots__ = ("_ends", "_heads", "_high", "_low", "_matches", "_scanned", "_sentence", "_victim_words", "anchors",
                 "offset")

    def __init__(self, sentence: str, low: int, high: int, anchors: Anchors, offset: int) -> None:
        # Only the part of the sentence the windows cover is scanned: from the first
        # window's start to the last mention's start. (``offset``: where the sentence
        # starts in the text the anchors were found in.)
        self._sentence = sentence
        self.anchors = anchors
        self.offset = offset
        self._low = max(0, low)
        self._high = high
        self._matches: list[tuple[int, int]] | None = None
        self._ends: list[int] = []
        self._heads: list[int] | None = None
        self._victim_words: list[int] = []
        self._scanned = 0

    def _scan_words(self) -> None:
        # (past the last mention's start by two windows: its after-window and its name)
        self._scanned = min(len(self._sentence), self._high + 2 * _WINDOW)
        anchors, sentence, offset = self.anchors, self._sentence, self.offset
        self._heads = [m.start() for m in anchors.finditer(_VICTIM_HEAD, sentence, offset, self._low, self._scanned)]
        self._victim_words = [m.start() for m in anchors.finditer(_VICTIM_WORD, sentence, offset, self._low, self._scanned)]

    def may_hold(self, victim_word: bool, start: int, end: int) -> bool:
        """Whether ``sentence[start:end]`` may hold a word that a match of _VICTIM_AFTER
        (``victim_word`` false) or of _VICTIMS_IN_BEFORE (true) starts with: false only when
        the sentence's words, found in one pass, put none there. (A window at the edge of
        the scanned part is always a may; the caller tests the window's own first word,
        where the window's edge and the sentence may disagree on a word boundary.)"""
        if self._heads is None:
            self._scan_words()
        assert self._heads is not None
        if start < self._low or (end + 16 > self._scanned and self._scanned < len(self._sentence)):
            return True
        starts = self._victim_words if victim_word else self._heads
        at = bisect.bisect_left(starts, start)
        return at < len(starts) and starts[at] < end

    def last_in(self, before: str, end: int) -> re.Match[str] | None:
        """The last cue in ``before``, the window ``sentence[end - len(before):end]``: as
        :func:`_last_cue` finds it, read off the sentence's cues (a cue running across either
        edge of the window is looked for in the window itself)."""
        if self._matches is None:
            self._matches = [
                m.span() for m in self.anchors.finditer(_TARGET_CUE, self._sentence, self.offset, self._low, self._high)
            ]
            self._ends = [e for _, e in self._matches]
        start = end - len(before)
        if start < self._low or end > self._high:
            return _last_cue(before)
        at = bisect.bisect_right(self._ends, end) - 1
        if at + 1 < len(self._matches) and self._matches[at + 1][0] < end:
            return _last_cue(before)  # a cue runs on past the window's end
        if at < 0 or self._matches[at][1] <= start:
            return None
        cue_start, cue_end = self._matches[at]
        if cue_start < start:
            return _last_cue(before)  # a cue runs in from before the window
        match = _TARGET_CUE.match(before, cue_start - start)
        if match is None or match.end() != cue_end - start:
            return _last_cue(before)
        return match


def _search(cues: _Cues | None, pattern: re.Pattern[str], piece: str, at: int) -> re.Match[str] | None:
    """``pattern.search(piece)``, ``piece`` being the sentence's text from ``at``: tried only
    where the pattern can start (the sentence's cues know where it stands in the text)."""
    if cues is None:
        return pattern.search(piece)
    return cues.anchors.search(pattern, piece, cues.offset + at)


#: What a look-behind window must end in (its last character that is no blank) for one of
#: the end-anchored look-behind patterns below to match: each of them ends in a word, an
#: initial or a hyphen and blanks, so a window ending in a comma ("France, Germany, ") is
#: settled without running them. A necessary condition, so every result is the pattern's own.
_WORD_LAST = compile_cached(r"[\w.&’'-]")
#: Words one of which every match of _INFRASTRUCTURE_BEFORE holds (the pattern is case-sensitive).
_INFRASTRUCTURE_WORDS = ("server", "infrastructure", "router", "computers", "zombies", "bots", "host", "VPS",
                         "node", "prox", "machines", "devices", "address", "botnet", "relay", "provider")
#: What every match of _ITS_OBJECT_AFTER holds.
_ITS_WORD = compile_cached(r"its\s", re.IGNORECASE)
_BACK_TO_BEFORE = compile_cached(r"\bback\s+to\s+(?:the\s+)?$", re.IGNORECASE)
_ANTI_PRO_BEFORE = compile_cached(r"\b(?:anti|pro)-$", re.IGNORECASE)
_VIA_BEFORE = compile_cached(r"\b(?:via|through)\s+(?:the\s+)?$")
_ON_USING_BEFORE = compile_cached(r"\b(?:on|using)\s+$")
_RIVALS_AFTER = compile_cached(r"\s+(?:adversar(?:y|ies)|rivals?|competitors?|enemies|opponents?)\b")
_VICTIMS_IN_BEFORE = compile_cached(r"\bvictims?\s+(?:in|from|include|included|including)\s+(?:the\s+)?(?:\S+\s+){0,6}$",
                                    re.IGNORECASE)
_NO_BEFORE = compile_cached(r"\bno\s+(?:[\w-]+\s+){0,6}$", re.IGNORECASE)
#: A predicate nominal naming the mention a target or a victim: "Greek speakers are the
#: primary targets", "hospitals in Ohio were its latest victims", "a bank was one of the
#: targets" (a few words may name the subject further, not a new clause).
_PREDICATE_TARGET_AFTER = compile_cached(
    r"^(?:’s|'s)?(?:[\s-]+(?!(?:said|says|told|according|reported|believes?|warned|noted|and|but|while|that|which|who|"
    r"not|no|never|nor)\b)[\w'’.-]+){0,4}?,?\s+"
    r"(?:are|is|were|was|remain(?:s|ed)?|bec[ao]mes?|became|(?:have|has|had)\s+(?:also\s+)?been)\s+"
    r"(?:also\s+|still\s+|now\s+|again\s+|likely\s+|probably\s+)?(?:among\s+)?(?:the|its|their|his|her|a|an|one\s+of\s+(?:the|its|their))\s+"
    r"(?:(?-i:[a-z])[\w-]*\s+){0,2}?(?P<noun>targets?|victims?)\b(?!\s+(?:list|page|site|count)\b)",
    re.IGNORECASE,
)
#: Recipients of the lures: "two councils in Lapland have received e-mails that pretend to
#: come from the tax office", "staff at three firms were sent a fake invoice".
_RECIPIENT_AFTER = compile_cached(
    r"^\W{0,3}(?:(?!(?:said|says|told|according|reported|while|but|not|no|never|nor)\b)[\w.'’-]+,?\s+){0,9}?"
    r"(?:,?\s*(?:which|who)\s+[^,;.]{1,100},\s*)?(?:(?:have|has|had)\s+(?:also\s+)?|(?:were|was)\s+(?:also\s+)?|also\s+)?"
    r"(?:received|got|taken|took|fielded|been\s+sent|sent|been\s+(?:e-?mailed|phished|texted|messaged|called|phoned))\s+(?:[\w-]+\s+){0,4}?"
    r"(?:e-?mails?|messages?|lures?|texts?|phishing|invitations?|attachments?|invoices?|links?|(?:phone\s+)?calls|voicemails?)\b"
    r"(?!\s+(?:from\s+(?:the\s+|their\s+|its\s+)?(?:company|bank|firm|council|school|us)\b|notifying|informing|explaining|"
    r"about\s+the\s+(?:breach|incident|attack)))",
    re.IGNORECASE,
)
#: A list of victims after what introduces it in the sentence: "Among the victims named in
#: the filing are two clinics in Ohio, a sheriff's office in Utah and ..." ("rest": the list
#: so far, no new clause in it).
_VICTIM_LIST_BEFORE = compile_cached(
    r"(?:\b(?:among|of)\s+(?:the|its|their|his|her)\s+(?:[\w-]+\s+){0,2}?(?P<noun>victims|targets)"
    r"(?:\s+(?:named|listed|identified|cited|mentioned|known|confirmed|disclosed)\b[^.;:!?]{0,60}?)?\s+(?:are|were|was|is)|"
    r"\b(?P<noun2>victims|targets)\s+(?:(?:so\s+far|to\s+date|also)\s+)?(?:include[sd]?|including|are|were))\b"
    r"(?P<rest>[^.;:!?]{0,240})$",
    re.IGNORECASE,
)
_LIST_CLAUSE_BREAK = compile_cached(
    r"\b(?:which|who|whom|whose|said|says|while|but|because|after|before|when|although|though|according|not|no|by)\b|"
    # a passive after the lead's verb: "one of the victims was later criticised by ..."
    r"^\s+(?:(?-i:[a-z]+ly)\s+)?(?-i:[a-z]+(?:ed|en))\b",
    re.IGNORECASE,
)
#: A noun phrase with "target" as its head: "a lure mailed to a European government target",
#: "Ukrainian military targets" (not the verb: "the ministry targets exporters").
_TARGET_HEAD_AFTER = compile_cached(
    r"^(?:[\s-]+(?-i:[a-z])[\w-]*){0,2}?[\s-]+targets?\b(?=\s*(?:[.,;:!?)]|$)|\s+(?:of|in|at|for|and|or|was|were|is|are|"
    r"has|have|had|with|that|which|who|by|on|across|such|like|including|included)\b)",
    re.IGNORECASE,
)
#: Where infections or victims are found: "most infections are in Brazil", "victims were
#: mostly located across Central Asia".
_INFECTIONS_IN_BEFORE = compile_cached(
    r"\b(?:infections?|detections?|victims?|compromises|intrusions|infected\s+(?:[\w-]+\s+)?(?:hosts|machines|devices|computers|systems))\s+"
    r"(?:(?:are|were|was|is|have\s+been|has\s+been|remain(?:s|ed)?)\s+)(?:(?:mostly|mainly|largely|primarily|overwhelmingly|chiefly|"
    r"also|concentrated|located|found|seen|recorded|observed|reported|spread|clustered)\s+){0,3}(?:in|across|among)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: A subject whose work an attack stopped: "the airline cancelled all flights after a wiper
#: attack", "Production at X stopped on Friday following a ransomware attack", "schools stay
#: closed after ransomware attack" (not "after the attack on Y": that names Y).
_DISRUPTED_AFTER = compile_cached(
    r"^(?:’s|'s)?(?:\s*\([^()\n]{1,60}\))?(?:\s*,\s*(?:a|an|the|which|who|one\s+of)\s[^,;.]{1,120},)?"
    r"(?:\s+(?!(?:said|says|told|according|warned|reported|urged|advised|helped)\b)[\w'’-]+){0,8}?\s+"
    r"(?:cancel(?:l?ed|s)|halt(?:ed|s)|stopp(?:ed)|stops|suspend(?:ed|s)|shut(?:s)?(?:\s+down)?|clos(?:ed|es)|grounded|grounds|"
    r"delayed|postponed|diverted|disconnected|(?:stay(?:s|ed)?|remain(?:s|ed)?)\s+(?:closed|shut|offline|down|cancel(?:l)?ed)|"
    r"went\s+(?:offline|dark|down)|(?:was|were|is|are)\s+(?:forced|unable)\s+to\s+\w+|took\s+(?:[\w-]+\s+){0,3}?offline|"
    r"(?:reverted|switched|returned)\s+to\s+(?:pen|paper|manual))\b"
    r"[^.;:!?]{0,80}?\b(?:after|following|because\s+of|due\s+to|amid|in\s+the\s+wake\s+of)\s+(?:an?\s+|the\s+|its\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:cyber-?attacks?|attacks?|ransomware|breach|intrusion|hack|wiper|malware|cyber\s+incident|compromise|DDoS)\b"
    r"(?!\s+(?:on|at|against|of|by\s+(?:its|their))\b)",
    re.IGNORECASE,
)
#: The owners named in the object of a flood of traffic: "flooding European government and
#: rail websites with bogus requests" (the verb before the mention, the sites after it).
_FLOODED_BEFORE = compile_cached(
    r"\b(?:flood(?:ed|ing|s)?|overwhelm(?:ed|ing|s)?|knock(?:ed|ing|s)?\s+out|ddos(?:ed|ing)?|bombard(?:ed|ing|s)?)\s+(?:the\s+)?"
    r"(?:(?!(?:in|at|on|of|from|by|to|with|into|across|over)\b)[\w-]+(?:\s*,\s*|\s+(?:and\s+|or\s+)?)){0,5}$",
    re.IGNORECASE,
)
_FLOODED_AFTER = compile_cached(
    r"(?:(?:\s*,\s*|\s+(?:and\s+|or\s+)?)(?!(?:in|at|on|of|from|by|to|with|into|across|over)\b)(?!(?-i:[a-z]+ed)\b)[\w-]+){0,5}?"
    r"\s+(?:websites?|web\s+sites|sites|portals?|servers?|online\s+services)\b",
    re.IGNORECASE,
)
#: A people whose own state pursues them abroad: "Chinese dissidents", "Iranian exiles".
_PERSECUTED_AFTER = compile_cached(
    r"\s+(?:[\w-]+\s+)?(?:dissidents|exiles|defectors|[eé]migr[eé]s|diaspora|opposition\s+(?:figures|groups|activists|members|politicians))\b",
    re.IGNORECASE,
)
#: ... and the state its critics oppose: "exiled critics of Beijing".
_CRITICS_OF_BEFORE = compile_cached(r"\b(?:critics|opponents|detractors)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
#: Whose target something is: "a frequent target of governments", "the targets of Russian
#: crews" - the one who aims, not the one aimed at.
_TARGET_OF_BEFORE = compile_cached(
    r"\b(?:target|targets)\s+of\s+(?:the\s+|many\s+|several\s+|some\s+|both\s+)?(?:(?-i:[a-z])[\w-]*\s+){0,2}$", re.IGNORECASE
)
#: A mention said not to have been a victim: "the Leeds depot was not affected", "X,
#: which was never breached", "schools were unaffected".
_RETRACTED_AFTER = compile_cached(
    r"^(?!['’]s\b)(?:\s*\([^()\n]{1,40}\))?\s*,?\s*"
    r"(?:(?!(?:said|says|told|according|reported|while|but|and|whose|its|their)\b)[\w'’-]+,?\s+){0,6}?"
    r"(?:(?:was|were|is|are|had|has|have)\s+(?:(?:also|still|reportedly|apparently|so\s+far)\s+)?(?:not|never)\s+(?:been\s+)?"
    r"(?:affected|hit|compromised|breached|impacted|targeted|attacked|infected|encrypted|accessed)|"
    r"(?:was|were|is|are|remain(?:s|ed)?)\s+(?:(?:also|still|reportedly|apparently|so\s+far)\s+)?unaffected)\b",
    re.IGNORECASE,
)
_CAMPAIGN_AFTER = compile_cached(
    r"\s+(?:presidential|election|electoral|political|re-?election|parliamentary)\s+campaigns?\b", re.I)
_SPOKES_AFTER = compile_cached(r"^(?:’s|'s)?\s*(?:[\w-]+\s+){0,3}?spokes", re.IGNORECASE)
_LIVING_IN_GAP = compile_cached(
    r"\s*,?\s*(?:who\s+(?:are\s+|were\s+)?)?(?:living|residing|resident|based|working)\s+(?:in|across)\s+(?:the\s+)?",
    re.IGNORECASE)
_CAPITAL_NEXT = compile_cached(r"^\s+[A-Z]")
#: The words a match of _VICTIM_AFTER starts its verb phrase with, and of _VICTIMS_IN_BEFORE (at a
#: word's start, same flags): a window holding none of them cannot match.
_VICTIM_HEAD = compile_cached(r"\b(?:was|were|had|has|have|got|among|are|is|account|made|ma[dk]e|represent|remained|became|fell|also|lost|los[ei])",
                              re.IGNORECASE)
_VICTIM_WORD = compile_cached(r"\bvictim", re.IGNORECASE)


def _names_infrastructure(near: str) -> bool:
    """Whether ``near`` holds one of _INFRASTRUCTURE_WORDS (written out: no generator per mention)."""
    return ("server" in near or "infrastructure" in near or "router" in near or "computers" in near or "zombies" in near
            or "bots" in near or "host" in near or "VPS" in near or "node" in near or "prox" in near or "machines" in near
            or "devices" in near or "address" in near or "botnet" in near or "relay" in near or "provider" in near)


def _at_text(cues: _Cues | None, at: int) -> tuple[Anchors | None, int]:
    """The anchors and the text offset of the sentence's position ``at``."""
    return (None, 0) if cues is None else (cues.anchors, cues.offset + at)


def _its_object_after(after: str) -> bool:
    return _ITS_WORD.search(after) is not None and _ITS_OBJECT_AFTER.match(after) is not None


def _role(
    hit: _Hit,
    sentence: str,
    local_start: int,
    local_end: int,
    previous: tuple[_Hit, str, int] | None,
    actor_context: bool = True,
    cyber_context: bool = True,
    cues: _Cues | None = None,
) -> str:
    before = sentence[max(0, local_start - _WINDOW) : local_start]
    after = sentence[local_end : local_end + _WINDOW]
    if "|" in before or "|" in after:
        # A table cell is read on its own: "|compromised VPS |Contabo GmbH |" names no victim.
        before = before[before.rfind("|") + 1 :]
        after = after.split("|", 1)[0]
    near = before[-120:]  # enough for "principal threat researcher with the ..."
    near_at = local_start - len(near)
    near_last = near.rstrip()[-1:]
    word_end = near_last != "" and _WORD_LAST.fullmatch(near_last) is not None
    # A list continues the role of its first member ("from the NSA, FBI and State Department").
    if previous is not None:
        prev_hit, prev_role, prev_end = previous
        gap = sentence[prev_end:local_start]
        if prev_role in ("source", "sponsor") and prev_hit.kind == hit.kind and _LIST_JOIN.match(gap):
            return prev_role
        prev_start = local_start - (hit.start - prev_hit.start)
        # ... and so does a ranking ("tourism was the most hit industry, ahead of mining";
        # "firms in Spain, then those in Chile and Peru").
        if (
            prev_role in ("target", "victim")
            and (prev_hit.kind == hit.kind or (prev_hit.kind in ("country", "region") and hit.kind in ("country", "region")))
            and (_RANKED_NEXT.fullmatch(gap) or _LIST_JOIN.match(gap)
                 # a span of places: "in Asia, from Japan to India"
                 or (hit.kind in ("country", "region") and (
                     (_SPAN_FROM.fullmatch(gap) and re.match(r"\s+to\s+", after))
                     or (re.fullmatch(r"\s+to\s+(?:the\s+)?", gap) and re.search(r"\bfrom\s+(?:the\s+)?$", sentence[max(0, prev_start - 12) : prev_start])))))
            and not _POSSESSIVE.match(after)
            and not _SOURCE_AFTER.match(after)
        ):
            return prev_role
        if (hit.kind == prev_hit.kind == "sector" and _LIST_JOIN.match(gap)
                and _IMPERSONATED_BEFORE.search(sentence[max(0, prev_start - 120) : max(0, prev_start)])):
            return "mention"  # "spoofing real journalists and broadcast writers"
    if _TOPIC_AFTER.match(after):
        return "mention"  # "a Tibet-related NGO", "Ukraine-themed lures": a topic, not a victim
    if hit.kind == "country" and word_end and _CRITICS_OF_BEFORE.search(near):
        return "mention"  # "exiled critics of Beijing": the state they oppose, not a target
    if word_end and "of" in near[-24:] and _TARGET_OF_BEFORE.search(near):
        return "mention"  # "a frequent target of governments": who aims
    # (each pattern below is tried only where a word it needs stands in the window)
    if (hit.kind != "organization" or hit.form == "heuristic" or cyber_context) and (
        ("not" in after or "never" in after or "unaffected" in after) and _RETRACTED_AFTER.match(after)
    ):
        return "mention"  # "schools in the district were not affected": said not to be a victim
    if (
        previous is not None
        and previous[1] in ("target", "victim")
        and previous[0].kind == "sector"
        and _LIVING_IN_GAP.fullmatch(
                         sentence[previous[2] : local_start])
    ):
        return previous[1]  # "dissidents living in the United States": where the targeted people are
    if _LOCATION_AFTER.match(after) or (word_end and _search(cues, _LOCATION_BEFORE, near, near_at)):
        return "location"
    if hit.kind in ("country", "region") and (
        (_names_infrastructure(near) and _search(cues, _INFRASTRUCTURE_BEFORE, near, near_at))
        or (word_end and _BACK_TO_BEFORE.search(near))
    ):
        return "location"  # "servers in Latvia", "send information back to Beijing"
    if hit.kind in ("country", "region") and near_last == "-" and _ANTI_PRO_BEFORE.search(near):
        # "an anti-Saudi slogan" is about Saudi Arabia, not against it; "a pro-Russian hacktivist
        # group" sides with Russia, it is not said to be run by it.
        return "mention"
    if hit.kind == "country" and _STATE_COMPOUND_AFTER.match(after):
        return "sponsor"  # "a Syria-nexus group", "an Iran-backed crew"
    if (
        (hit.kind == "organization" and hit.form in ("intelligence", "government", "military"))
        or (hit.kind == "country" and _POSSESSIVE.match(after))
    ) and _BEHIND_AFTER.match(after):
        return "sponsor"  # "Iran's intelligence ministry, MOIS, was behind it"
    if hit.kind == "organization" and hit.form == "intelligence":
        if _OFFICIAL_OF_BEFORE.search(near) or _SERVICE_SPEAKS_AFTER.match(after):
            return "source"  # "the Director-General of MI5", "the Signals Directorate told the Committee"
        # "The PLA Air Force is the third largest air force": a service, but no attacker here.
        return "sponsor" if cyber_context or _sponsor_before(near, *_at_text(cues, near_at)) else "mention"
    if (
        hit.kind == "sector" or (hit.kind == "country" and hit.form == "demonym" and _PERSONA_AFTER.match(after))
    ) and _IMPERSONATED_BEFORE.search(near):
        # "impersonate journalists to target policy experts": the role the lure borrows
        # is not the victim (a spoofed *organisation* still is: its brand and readers are).
        return "mention"
    if hit.kind == "sector" and (
        (word_end and _VIA_BEFORE.search(near))
        or (hit.value == "Social networks" and word_end and _ON_USING_BEFORE.search(near))
        or _RIVALS_AFTER.match(after)
    ):
        return "mention"  # "the targeted individual on social media", "through media", "high-tech adversaries"
    if (hit.kind == "sector" or (hit.kind == "organization" and hit.form == "heuristic")) and (
        _DISCLOSES_AFTER.match(after) or _APPOSITIVE_VICTIM.match(after)
    ) and not (hit.kind == "sector" and _CUSTOMERS_BEFORE.search(near)) and not (
        # "we told the data office and reported the breach": the one told is no discloser
        hit.kind == "organization" and word_end and _search(cues, _HELPER_BEFORE, near, near_at)
    ):
        return "victim"
    if hit.kind == "organization" and hit.form != "intelligence" and (
        (word_end and _search(cues, _INCIDENT_AT_BEFORE, near, near_at))
        or (_its_object_after(after) and _SUBJECT_LEAD.search(sentence, max(0, local_start - 80), local_start))
    ):
        return "victim"
    if (hit.kind == "country" and hit.form not in ("demonym", "city", "town", "subdivision") and _SUBJECT_LEAD.search(sentence, max(0, local_start - 80), local_start)
            and not _POSSESSIVE.match(after) and _its_object_after(after)):
        return "victim"  # "Chile says the crew hid inside its tax office for a year"
    if hit.kind == "country" and hit.form == "demonym" and _SECTOR_OWNER_AFTER.match(after) and _DISCLOSES_AFTER.match(after):
        return "victim"  # "Dutch mobile operator Noordnet disclosed ... had broken into its network"
    if hit.kind == "sector" and _AUDIENCE_AFTER.match(after):
        return "mention"  # "tells local councils to update": whom guidance addresses
    if hit.kind == "sector" and _search(cues, _OF_THEM_BEFORE, near, near_at) and _COUNTED_VICTIMS.search(before):
        return "victim"  # "... named 40 more, many of them clinics"
    if (
        previous is not None
        and previous[1] in ("target", "victim")
        and previous[0].kind in ("organization", "sector")
        and hit.kind in ("country", "region")
        and re.fullmatch(
            r"\s*(?:,\s*)?(?:[a-z][\w-]*\s+){0,2}?(?:of|in|from|at|across)\s+(?:the\s+)?", sentence[previous[2] : local_start]
        )
    ):
        # "Halvorsen Logistics Ltd of Norway, which confirmed ... it had been hit",
        # "a civil aviation authority in Oman reported intrusions".
        return previous[1]
    if hit.kind == "organization" and word_end and _search(cues, _HELPER_BEFORE, near, near_at):
        return "mention"
    if hit.kind in ("organization", "country") and word_end and _search(cues, _SOURCE_BEFORE, near, near_at) and not _search(
            cues, _OFFICIALS_AS_OBJECT, near, near_at):
        return "source"
    if hit.kind == "organization" and _TOLD_BEFORE.search(before[-8:]) and hit.form == "media":
        return "mention"
    if (
        hit.kind == "organization"
        and hit.form in ("vendor", "media", "government", "heuristic", "international")
        and _SOURCE_AFTER.match(after)
    ):
        return "source"
    if hit.kind == "organization" and hit.form != "heuristic" and _PRODUCT_AFTER.match(after):
        return "mention"  # "Microsoft Windows", "Google DNS servers", "a Symantec product": a product
    if (actor_context and cyber_context and hit.form != "international" and hit.kind != "sector"
            and _sponsor_before(near, *_at_text(cues, near_at))):
        # "linked to the GRU" names a sponsor only where the passage is about an actor:
        # "links to CISA products" in a list of resources is not one. A sector sponsors
        # nothing: "access to systems tied to water plants" names what is attacked.
        return "sponsor"
    if (
        hit.kind in ("country", "region")
        and hit.form not in ("city", "town", "subdivision")  # "Shanghai's hackers" sponsor no state
        and (_POSSESSIVE.match(after) or hit.form in ("demonym", "abbreviation", "capital"))
        and _SPONSOR_AFTER.match(after)
        # "staff on a U.S. presidential campaign": a political campaign is no attacker.
        and not _CAMPAIGN_AFTER.match(after)
        and cyber_context
        and not _TOPIC_BEFORE.search(near)
        and not (_OBJECT_OF_CUE.search(near[-60:]) and not _STRONG_ACTOR_AFTER.match(after))
    ):
        # "Poland's military counterintelligence service ... said": a source, not a sponsor.
        speaks = _SPEAKS_AFTER.match(after) or _SPOKES_AFTER.match(after)
        return "source" if speaks else "sponsor"
    if hit.kind == "organization" and hit.form == "intelligence":
        return "sponsor"
    if (hit.kind in ("country", "region") or hit.form == "heuristic"
            or (hit.kind == "sector" and not _CUSTOMERS_BEFORE.search(near))):
        # (not the industry a victim serves: "X, a maker of pumps for the food industry, was ...")
        head = after[:160]
        predicate = _PREDICATE_TARGET_AFTER.match(after) if ("arget" in head or "ictim" in head) else None
        if predicate is not None and not _NO_BEFORE.search(near) and not _NEGATED_CUE.search(near[-60:]):
            # "Greek speakers are the primary targets", "clinics were its latest victims"
            return "victim" if predicate.group("noun").lower().startswith("victim") else "target"
        if (hit.kind != "organization" and "arget" in head[:60] and _TARGET_HEAD_AFTER.match(after)
                and not _NEGATED_CUE.search(near[-60:])):
            return "target"  # "a lure mailed to a European government target"
        if ("lood" in near or "verwhelm" in near or "nock" in near or "DoS" in near or "ombard" in near) and (
                _FLOODED_BEFORE.search(near) and _FLOODED_AFTER.match(after)):
            return "target"  # "flooding ministry and rail websites with bogus requests"
        if word_end and (" in" in near[-40:] or " across" in near[-40:] or " among" in near[-40:]) and (
                _INFECTIONS_IN_BEFORE.search(near)):
            return "victim"  # "most infections are in Brazil"
        if ("eceived" in after or "got" in after or "sent" in after or "ake" in after or "ook" in after or "field" in after
                or "been" in after) and _RECIPIENT_AFTER.match(after) and (
                not _NO_BEFORE.search(near)):
            return "target"  # "councils in Lapland have received e-mails that pretend to ..."
        listed = _VICTIM_LIST_BEFORE.search(before) if ("ictims" in before or "argets" in before) else None
        if listed is not None and not _LIST_CLAUSE_BREAK.search(listed.group("rest")):
            return "target" if (listed.group("noun") or listed.group("noun2")).lower() == "targets" else "victim"
    if (hit.kind in ("sector", "organization") or (hit.kind == "country" and hit.form != "demonym")) and (
        hit.form not in ("intelligence", "vendor") and ("after" in after or "follow" in after or "due" in after
                                                       or "because" in after or "amid" in after or "wake" in after)
        and _DISRUPTED_AFTER.match(after)
    ):
        return "victim"  # "X cancelled all flights after a wiper attack"
    if (
        (cues is None or cues.may_hold(False, local_end, local_end + len(after)) or _VICTIM_HEAD.match(after))
        and _VICTIM_AFTER.match(after) and not _NO_BEFORE.search(near)
    ):
        return "victim"  # not "no wallets held for customers in Singapore were affected"
    cue = cues.last_in(before, local_start) if cues is not None else _last_cue(before)
    carried = (
        previous is not None
        and previous[1] in ("target", "victim")
        and local_start - previous[2] <= 80
        # (each item of a list may bring its article and modifiers: "..., a family-run civil engineering firm")
        and re.fullmatch(r"(?:\s+[a-z][\w-]*)?\s*,?\s*(?:and|or|&|/|as\s+well\s+as|including|such\s+as|plus|among\s+them)?\s*"
                         r"(?:(?:[\w-]+\s+){0,6}(?:in|of|at|across|from)\s+)?(?:the\s+|an?\s+)?"
                         r"(?:(?!(?:to|the|of|for|by|with|and|or|on|at|in|from|into|against|than|as)\s)(?-i:[a-z])[\w-]*\s+){0,2}",
                         sentence[previous[2] : local_start], re.IGNORECASE) is not None
    )
    if cue is not None and (carried or len(before) - cue.end() <= _CUE_REACH):
        between = before[cue.end() :]
        # "its first two victims: a hotel chain in Spain" – a colon that opens the list.
        opens_list = re.search(r"(?:victims?|names|organi[sz]ations|companies|targets)$", cue.group(0), re.IGNORECASE)
        between_checked = re.sub(r"^\s*:", "", between) if opens_list else between
        # "targeting following organizations: A, B": the colon opens the cue's list.
        between_checked = re.sub(
            r"^\s*(?:the\s+)?(?:following\s+)?(?:[\w-]+\s+)?(?:organi[sz]ations|companies|entities|institutions|bodies|"
            r"targets|victims|sectors)\s*:", "", between_checked, flags=re.IGNORECASE)
        lead = before[: cue.start()]
        if (
            _NEGATED_CUE.search(lead[-60:])
            or _ADVICE.search(lead)
            # "began sending stolen material to news organisations": the leak's recipients
            or re.match(r"sen\w*\s+(?:[\w,.-]+\s+){0,6}?(?:stolen|leaked|hacked|exfiltrated)\b", cue.group(0), re.I)
            # "Treasury targets Iranian officials": a sanction, not an intrusion
            or (cue.group(0).lower().startswith("target") and _SANCTIONER_BEFORE.search(lead[-50:]))
            or _NEGATED_AFTER.match(after)
            or (cue.group(0).lower() == "against" and _DEFENCE_BEFORE.search(lead[-80:]))
        ):
            pass
        elif (
            not _CLAUSE_BREAK.search(between_checked)
            # "data stolen from X and from Y": a cue that takes "from" continues its list.
            and (cue.group(0).lower().endswith("from") or not _ORIGIN_BEFORE.search(between_checked)
                 or _OWNED_OBJECT.match(between_checked))
            and not (re.search(r",\s*(?:the\s+)?$", between) and _FINITE_VERB_AFTER.match(after))
            # "... over the hacking, and the Treasury sanctioned their employer": a new clause's subject
            and not (re.search(r",\s*(?:and|but|while)\s+(?:the\s+)?$", between) and _ACTS_AFTER.match(after))
        ):
            if hit.kind == "region" and hit.value == "worldwide":
                return "mention"
            if hit.kind == "country" and hit.form == "demonym" and not _TARGET_NOUN_AFTER.match(
                after[m.end() :] if (m := _DEMONYM_LIST_AFTER.match(after)) else after
            ):
                return "mention"
            if hit.kind == "organization" and hit.form in ("vendor", "media") and _SOURCE_AFTER.match(after):
                return "source"
            return "target"
    if (
        (cues is None or cues.may_hold(True, local_start - len(near), local_start) or _VICTIM_WORD.match(near))
        and _VICTIMS_IN_BEFORE.search(near)
    ):
        return "victim"
    return "mention"


@functools.lru_cache(maxsize=2)
# --- incident frames ---------------------------------------------------------------
# The patient slots of the text's harm words (:mod:`unmask.extract.incident_frames`): a
# party found in one takes the role its verb gives unless it plays another part already.


@functools.lru_cache(maxsize=2)
def _incident_regions(text: str) -> tuple[PatientRegion, ...]:
    """The patient regions of every prose passage, sorted by start; a lead-in ending with a
    colon ("The following firms were hit by the wiper:") makes each short line under it
    (until a blank line) a region too."""
    items = passages(text)
    out: list[PatientRegion] = []
    listed_until = -1  # (a line read as a list's item opens no list of its own: linear)
    for index, passage in enumerate(items):
        if passage.furniture or passage.citation or passage.tabular or passage.kind == "table":
            continue
        span = passage.span
        regions = patient_regions(text, span.start, span.end)
        out.extend(regions)
        if span.start < listed_until:
            continue
        lead = text[span.start : span.end].rstrip()
        if (index > 0 and lead[-1:] in ".!" and not regions and not _NO_ANSWER.search(lead)
                and (question := text[items[index - 1].span.start : items[index - 1].span.end].rstrip()).endswith("?")
                and (_ASKS_WHO.search(question) or (re.search(r"\b(?:[Ww]ho|[Ww]hich|[Ww]hat|[Ww]hom)\b", question)
                                                    and patient_regions(text, items[index - 1].span.start,
                                                                        items[index - 1].span.end)))):
            # an interview's answer to "Who were the targets?": whom the answer names
            out.append(PatientRegion(span.start, span.end, "target", "answer", question[-40:]))
            continue
        # the lead-in: a line ending with a colon, or a heading (no closing mark), that tells
        # of harm or names victims - itself or in the question just before it ("Which labs
        # were hit?\nTwo research groups:")
        if not (lead.endswith(":") or (lead[-1:].isalnum() and "\n" not in lead and len(lead) <= 80)):
            continue
        asked = index > 0 and text[items[index - 1].span.start : items[index - 1].span.end].rstrip().endswith("?")
        heading = not lead.endswith(":")
        if heading and not _LIST_LEAD.search(lead):
            continue  # (a heading lead-in names its victims: "Victims so far")
        if not (regions or _LIST_LEAD.search(lead) or (asked and lead.endswith(":") and (
                patient_regions(text, items[index - 1].span.start, items[index - 1].span.end)
                or _LIST_LEAD.search(text, items[index - 1].span.start, items[index - 1].span.end)))):
            continue
        role = regions[0].role if regions else "victim"
        previous_end = span.end
        for later in items[index + 1 :]:
            line = text[later.span.start : later.span.end]
            if later.kind == "list" and "\n" in line and text.count("\n", previous_end, later.span.start) == 1:
                # the structure's list block: one item a line
                for item in re.finditer(r"[^\n]+", line):
                    if len(item.group(0)) <= 160:
                        out.append(PatientRegion(later.span.start + item.start(), later.span.start + item.end(), role, "list",
                                                 lead[:40]))
                listed_until = later.span.end
                break
            if (text.count("\n", previous_end, later.span.start) != 1 or "\n" in line.strip() or len(line) > 160
                    or line.rstrip()[-1:] in "?:"
                    or (line.rstrip()[-1:] in ".!" and not _BULLET.match(text, text.rfind("\n", previous_end, later.span.start) + 1))):
                break
            out.append(PatientRegion(later.span.start, later.span.end, role, "list", lead[:40]))
            previous_end = listed_until = later.span.end
    out.sort(key=lambda region: region.start)
    return tuple(out)


#: An answer that names no victim: a refusal, a doubt, or the investigators' work.
_NO_ANSWER = compile_cached(
    r"\b(?:no|none|not|never|cannot|can['’]t|don['’]t|won['’]t|unknown|unclear|police|investigators|authorities|"
    r"prosecutors)\b", re.IGNORECASE
)
#: A question that asks who was hit: "Who were the targets this time?", "Which firms were affected?"
_ASKS_WHO = compile_cached(
    r"\b(?:who|which|what)\b[^?]{0,60}\b(?:targets?|victims?|targeted|affected|hit|breached|compromised)\b", re.IGNORECASE
)
#: A list's lead-in that names victims with no harm verb: "Victims so far", "Affected units:".
_LIST_LEAD = compile_cached(
    r"\b(?:victims?|affected|impacted|compromised|breached|hit|targeted|targets)\b", re.IGNORECASE
)
#: A capitalised run in a patient region: the candidate for a name with no head word
#: ("Brackwater Dairies", "Linden Title & Escrow").
_REGION_NAME = compile_cached(
    r"(?<![\w&’'.-])[A-Z][\w’'.-]*(?:[ \t]+(?:(?:&|and|of|de|van|der|du|la|von)[ \t]+)?[A-Z][\w&’'.-]*){0,4}"
)
#: Capitalised words that start or make no organisation's name.
_NOT_NAME_WORDS = frozenset(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "I", "We", "It", "They",
     "He", "She", "You", "Police", "Internet", "Web", "Christmas", "Easter", "Mr", "Mrs", "Ms", "Dr", "Prof", "Sir",
     "Several", "Some", "Many", "Most", "All", "Two", "Three", "Four", "Five", "Both", "Each", "Other", "Another",
     "No", "None", "Not", "Last", "Next", "Earlier", "Later", "Then", "Now", "When", "While", "After", "Before",
     "Since", "If", "As", "Also", "Only", "Even", "Here", "There", "Yesterday", "Today", "Tomorrow", "Ransomware",
     "Hackers", "Attackers", "Criminals", "Staff", "Customers", "Users", "Officials", "Investigators", "Researchers",
     "Overall", "Still", "Instead", "Finally", "Elsewhere", "Again", "Indeed", "Meanwhile", "However", "Moreover",
     "Separately", "Initially", "Afterwards", "Otherwise", "Altogether", "Nevertheless", "Nonetheless", "Besides"]
)
#: What follows a one-word name: a mark, a possessive, a conjunction, preposition or verb
#: ("hit Ostrava and ...", "breached Kelvane's servers"), not a noun it modifies
#: ("encrypted Windows machines").
_ONE_WORD_NAME_END = compile_cached(
    r"(?:['’]s\b|\s*[,.;:)]|\s*$|\s+(?:and|or|in|on|at|last|this|earlier|over|during|was|were|is|has|had|after|before|"
    r"with|for|from|to|itself|too|as\s+well)\b)"
)
#: A relative clause or an apposition right after a sentence's first word: "<Name>, which
#: runs two depots, said it was hit" (not "Overall, the ..." - such words are stop words).
_APPOSED_AFTER_NAME = compile_cached(r",\s+(?:which|who|a|an|one\s+of|the\s+(?-i:[a-z]+)\s+(?-i:[a-z]+)\s+(?:of|in|that))\b")
#: A post and its employer: "CISO at <Name>", "head of IT at <Name>" (two capitalised words
#: at least, no head word needed).
_EMPLOYER_NAME = compile_cached(
    r"\b(?:CISO|CEO|CTO|CIO|CFO|COO|(?:[Hh]ead|[Dd]irector|[Mm]anager)\s+of\s+(?:IT|[Ss]ecurity|[Ii]nformation\s+[Ss]ecurity)|"
    r"[Cc]hief\s+(?:[\w-]+\s+){1,2}[Oo]fficer)\s+(?:at|of)\s+"
    r"(?P<name>(?-i:[A-Z])[\w&’'-]*(?:[ \t]+(?:&[ \t]+)?(?-i:[A-Z])[\w&’'-]*){1,4})"
)
#: A person, not an organisation: a title before the name or a post after it.
_PERSON_BEFORE = compile_cached(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|President|Minister|Senator|Governor|Mayor|CEO|chief|director|spokes\w+|analyst|"
    r"researcher|officer|Judge|Rep|Sen)\.?\s+$",
    re.IGNORECASE,
)
_PERSON_AFTER = compile_cached(
    r",\s+(?:the|a|an|its|their)?\s*(?:[\w'’-]+\s+){0,3}?(?:chief|head|director|manager|spokes\w+|CEO|CFO|CTO|CISO|"
    r"officer|minister|president|secretary|founder|owner|analyst|researcher|professor|partner|editor|reporter|"
    r"correspondent|lawyer|attorney)\b",
    re.IGNORECASE,
)
#: The last word of a street or a building, not an organisation: "Quay Street", "Mill Lane".
_ADDRESS_WORD = compile_cached(
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Square|Quay|Drive|Way|Place|Boulevard|Terrace|Close|Crescent|Row|Wharf|Hill|"
    r"Building|House|Tower|Floor|Suite|Gate|Bridge|Park"
)
#: A determiner a one-word name does not take ("the Union"), or a possessive none takes
#: ("its Member States").
_COMMON_NOUN_BEFORE = compile_cached(r"(?:\b(?:its|their|our|his|her|your|my)|(?<![\w-])(?-i:the|The))\s+$")
_SPEAKER_AFTER = compile_cached(
    r"\s+(?:(?:has|have|had)\s+)?(?:said|says|told|tells|reported|reports|wrote|writes|confirmed|announced|warned|"
    r"noted|added|explained|published|tracks|tracked|attributed|observed|believes|assessed)\b",
    re.IGNORECASE,
)


def _org_value(surface: str) -> str:
    """One value however a heading capitalises a name: "Institute For Defense" -> "for"."""
    return " ".join(w.lower() if i and w in _TITLE_CONNECTORS else w for i, w in enumerate(surface.split()))


def _region_names(text: str, taken: SpanSet) -> list[tuple[int, int]]:
    """Names of organisations with no head word standing in a patient region: a run of
    capitalised words (two at least, or one that is not a sentence's first word and
    modifies no noun after it) that no gazetteer knows, that is no person, product,
    month or pronoun and does not speak ("..., Mandiant said")."""
    out: list[tuple[int, int]] = []
    regions = _incident_regions(text)
    threats = org_gazetteer().threat_names if regions else frozenset()
    for region in regions:
        for match in _REGION_NAME.finditer(text, region.start, region.end):
            pieces = [(match.start(), match.end())]
            joint = re.search(r"[ \t]+and[ \t]+", match.group(0))
            if joint is not None:
                left, right = match.group(0)[: joint.start()], match.group(0)[joint.end() :]
                if len(left.split()) >= 2 and len(right.split()) >= 2:
                    pieces = [(match.start(), match.start() + joint.start()), (match.start() + joint.end(), match.end())]
            for start, end in pieces:
                surface = text[start:end]
                for suffix in ("'s", "’s", "."):
                    if surface.endswith(suffix):
                        surface = surface[: -len(suffix)]
                words = surface.split()
                while words and (words[0] in _ORG_STOP_START or words[0] in _NOT_NAME_WORDS or not words[0][:1].isupper()):
                    start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
                    words = words[1:]
                if not words:
                    continue
                surface = " ".join(words)
                if surface != text[start : start + len(surface)]:
                    continue  # (a tab or two spaces inside: leave it)
                end = start + len(surface)
                if any(word in _NOT_NAME_WORDS or word in _TITLE_CONNECTORS for word in (words[0], words[-1])):
                    continue
                if taken.overlaps(start, end) or _PRODUCT_NAME.match(surface) or (
                        _PRODUCT_TAIL.search(surface) and not _LEGAL_SUFFIX_END.search(surface)):
                    continue
                if (any(word.endswith(("'s", "’s")) for word in words[:-1]) or surface.lower() in threats
                        or _ADDRESS_WORD.fullmatch(words[-1])):
                    continue  # "<City>'s <Airport> and ...": a possessor's thing; a malware or actor name
                lead = _COMMON_NOUN_BEFORE.search(text, max(0, start - 8), start)
                if lead is not None and (len(words) == 1 or lead.group(0).split()[0].lower() != "the"):
                    continue  # "the Union", "its Member States": a noun capitalised, not a name
                if _SPEAKER_AFTER.match(text, end) or _PERSON_AFTER.match(text, end) or _PERSON_BEFORE.search(
                        text, max(0, start - 24), start):
                    continue
                if len(words) == 1:
                    word = words[0]
                    if _TOWN_BEFORE.search(text, max(0, start - 40), start):
                        continue  # "a clinic in Brakel": a place the gazetteer does not know
                    named_before_clause = (_APPOSED_AFTER_NAME.match(text, end) is not None
                                           and not word.endswith("ly") and region.slot in ("subject", "owner"))
                    if (len(word) < 4 or word.isupper() or (_sentence_start(text, start) and not named_before_clause)
                            or region.slot == "list" or not _ONE_WORD_NAME_END.match(text, end)):
                        continue
                    if _PRODUCT_AFTER.match(text, end):
                        continue
                out.append((start, end))
    return out


#: A place a victim is based in, inside its patient region: "a tanker operator based in ...".
_SEAT_BEFORE = compile_cached(r"\b(?:based|headquartered|located|registered)\s+in\s+(?:the\s+)?$", re.IGNORECASE)
#: A negation inside a region before the party: "hit no hospitals", "none of the banks".
_NEGATION_IN_REGION = compile_cached(r"\b(?:no|none|not|never|neither|nor|without)\b", re.IGNORECASE)
#: How many regions before a hit's place may still reach over it (regions are bounded).
_REGION_LOOKBACK = 12


def _frame_roles(
    text: str, out: list[tuple[_Hit, str, Passage, int]]
) -> list[tuple[_Hit, str, Passage, int]]:
    """A party still a ``mention`` (or a place merely ``location``: "a carrier based in
    ...") that stands in a patient region takes the region's role, unless it speaks, is a
    product, a service that sponsors, a negated one or the industry a victim serves."""
    regions = _incident_regions(text)
    if not regions:
        return out
    starts = [region.start for region in regions]
    changed = list(out)
    for at, (hit, role, passage, index) in enumerate(changed):
        if role not in ("mention", "location", "source") or hit.form == "intelligence":
            continue
        after = text[hit.end : hit.end + 120]
        near = text[max(0, hit.start - 120) : hit.start]
        if role == "location" and not (hit.kind in ("country", "region") and (
                _SEAT_BEFORE.search(near) or _LOCATION_AFTER.match(after))):
            continue
        best: str | None = None
        first = bisect.bisect_right(starts, hit.start) - 1
        for back in range(first, max(-1, first - _REGION_LOOKBACK), -1):
            region = regions[back]
            if not (region.start <= hit.start and hit.end <= region.end):
                continue
            if role == "source" and not (
                    hit.form == "demonym" and region.slot in ("subject", "owner")
                    and re.match(r"\s+(?-i:[a-z])", after)):
                continue
            if _NEGATION_IN_REGION.search(text, region.start, hit.start):
                continue
            best = "victim" if region.role == "victim" or best == "victim" else region.role
        if best is None:
            continue
        if _SPEAKER_AFTER.match(after) or (_SOURCE_AFTER.match(after) and hit.kind == "organization"):
            continue
        if hit.kind == "organization" and hit.form != "heuristic" and _PRODUCT_AFTER.match(after):
            continue
        if hit.kind == "sector" and _CUSTOMERS_BEFORE.search(near[-20:]):
            continue
        if hit.kind in ("country", "region") and _names_infrastructure(near) and _INFRASTRUCTURE_BEFORE.search(near):
            continue
        if hit.kind in ("country", "region") and re.match(r" (?-i:[A-Z])[a-z]", after) and hit.form != "town":
            continue  # "the Asian Winter Games": a word of a name
        # What the role rules read as no victim stays one: a topic ("a Tibet-related NGO"), the
        # state critics oppose, the people of a state who oppose it ("Iranian dissidents"), a
        # borrowed identity, a side taken ("pro-Russian"), a helper, harm said not to have
        # happened ("... were possible but none had been seen").
        if (_TOPIC_AFTER.match(after) or _CRITICS_OF_BEFORE.search(near) or _NEGATED_AFTER.match(after)
                or (hit.form == "demonym" and _PERSECUTED_AFTER.match(after))
                or (near[-1:] == "-" and _ANTI_PRO_BEFORE.search(near))
                or (hit.kind == "sector" and _IMPERSONATED_BEFORE.search(near))
                or (hit.kind == "organization" and _HELPER_BEFORE.search(near))
                or (("not" in after or "never" in after or "unaffected" in after) and _RETRACTED_AFTER.match(after))):
            continue
        changed[at] = (hit, best, passage, index)
    return changed


def _hits_with_roles(text: str, actors: tuple[ActorMention, ...]) -> tuple[tuple[_Hit, str, Passage, int], ...]:
    """Every gazetteer hit with its role, passage and passage index (targets and
    attributions both read these; the last two documents' are kept)."""
    hits = _find_hits(text, actors)
    items = passages(text)
    named = ActorIndex(actors)
    anchors = _anchors(text)
    urls = SpanSet(m.span() for m in anchors.finditer(_URL, text))
    out: list[tuple[_Hit, str, Passage, int]] = []
    position = 0
    victim_table = False
    victim_bullets = False
    list_started = list_bulleted = False  # (the victim list's first item is read; it has a bullet)
    columns: list[str] = [""]
    line_start = 0
    line_scanned = 0
    for index, passage in enumerate(items):
        span = passage.span
        sentence = text[span.start : span.end]
        table_row = passage.tabular or passage.kind == "table"
        header = table_row and (index == 0 or not (items[index - 1].tabular or items[index - 1].kind == "table"))
        if header:
            # A victimology table: its header names victims, sectors or targets, or the
            # text just above it does ("The table lists the organisations affected").
            above = " ".join(text[q.span.start : q.span.end] for q in items[max(0, index - 2) : index])
            victim_table = bool(_VICTIM_TABLE_HEADER.search(sentence) or re.search(
                r"\b(?:victims?|targeted|affected|victimology)\b", above, re.IGNORECASE))
            # Which columns name victims: "| Country | Language |" - the language is none.
            columns = sentence.split("|") or [""]
        # A bulleted list under a line that introduces victims ("The victims were:",
        # "The following organisations were targeted:"): each item names a victim.
        # The start of the passage's line, found by searching only the text since the
        # previous passage (passages come in order): one pass over the text in all,
        # not a search back to the start per passage (quadratic on a line without breaks).
        if span.start >= line_scanned:
            newline = text.rfind("\n", line_scanned, span.start)
            if newline >= 0:
                line_start = newline + 1
            line_scanned = span.start
            here = line_start
        else:  # out of order (not made by the structure today): search back
            here = text.rfind("\n", 0, span.start) + 1
        bullet = _BULLET.match(text, here)
        # ... or each line under it, bullets or none ("The following firms were hit:" and one
        # name a line, until a blank line or a line that is no short item).
        previous_end = items[index - 1].span.end if index else 0
        # (a line that reads as a sentence of its own, "We told the police.", is no item; a
        # list that began with bullets goes on with bullets only)
        item_line = (
            "\n" not in sentence and len(sentence) <= 200 and _ONE_LINE_BREAK.fullmatch(text, previous_end, span.start) is not None
            and (sentence.rstrip()[-1:] not in ".!?" or len(sentence.split()) <= 6)
        )
        victim_bullets = victim_bullets and (bullet is not None or (item_line and not list_bulleted))
        if victim_bullets and not list_started:
            list_started, list_bulleted = True, bullet is not None
        # "Victims included: two clinics in Ohio and a bank in Utah.": the list after the colon.
        colon = sentence.find(":")
        list_from = -1
        if colon > 0 and not table_row and _VICTIM_LIST_LEAD.search(sentence, max(0, colon - 200), colon + 1):
            list_from = colon
        previous: tuple[_Hit, str, int] | None = None
        cues: _Cues | None = None
        actor_context: bool | None = None
        cyber_context = True
        while position < len(hits) and hits[position].start < span.start:
            position += 1
        cursor = position
        while cursor < len(hits) and hits[cursor].end <= span.end:
            hit = hits[cursor]
            cursor += 1
            local_start, local_end = hit.start - span.start, hit.end - span.start
            if passage.furniture or passage.citation or urls.overlaps(hit.start, hit.end):
                # Page furniture, a reference, or a word inside a link ("/phishing-against-government").
                role = "location" if hit.kind in ("country", "region") and not passage.citation else "mention"
            elif (
                table_row
                and not header
                and victim_table
                and not _TABLE_RULE.match(sentence)
                and _VICTIM_COLUMN.search(columns[min(sentence.count("|", 0, local_start), len(columns) - 1)])
            ):
                role = "target"
            else:
                if actor_context is None:
                    actor_context = bool(anchors.search(_ACTOR_WORD, sentence, span.start)) or named.names_any(span)
                    cyber_context = (
                        bool(anchors.search(_CYBER_CONTEXT, sentence, span.start)) or named.names_any(span)
                        # "It is part of the GRU." after a sentence on the group: the pronoun carries it
                        or (index > 0 and _PRONOUN_SUBJECT.match(sentence) is not None
                            and items[index - 1].paragraph == passage.paragraph
                            and anchors.search(_CYBER_CONTEXT, text, 0, items[index - 1].span.start, items[index - 1].span.end)
                            is not None)
                    )
                if cues is None:
                    last = cursor
                    while last < len(hits) and hits[last].end <= span.end:
                        last += 1
                    cues = _Cues(sentence, local_start - _WINDOW, hits[last - 1].start - span.start, anchors, span.start)
                role = _role(hit, sentence, local_start, local_end, previous, actor_context, cyber_context, cues)
                if role in ("target", "victim") and hit.kind == "organization" and hit.form != "heuristic" and (
                    _PRODUCT_AFTER.match(text[hit.end : hit.end + 120])
                ):
                    role = "mention"  # the product's name runs on past a line break ("Microsoft\nWord")
            if (victim_bullets or 0 <= list_from < local_start) and role in ("mention", "location") and not passage.citation:
                role = "victim"
            previous = (hit, role, local_end)
            # "Chinese dissidents living in Germany": spied on by their own state, not it (the
            # role still carries a list on: "... shipping firms and Chinese dissident groups")
            if (role in ("target", "victim") and hit.kind == "country" and hit.form == "demonym"
                    and _PERSECUTED_AFTER.match(text, hit.end)):
                role = "mention"
            out.append((hit, role, passage, index))
        if not table_row:
            leads = bool(sentence.rstrip().endswith(":") and _VICTIM_LIST_LEAD.search(sentence))
            if leads:
                list_started = list_bulleted = False
            victim_bullets = victim_bullets or leads
        # "Peru's Ministry of Foreign Affairs confirmed a breach": the victim's country is one
        # too, and so is a place or sector in the victim's appositive ("X, one of Sweden's
        # largest insurers, said hackers had stolen ...").
        first = len(out) - (cursor - position)
        for at in range(first, len(out)):
            owner, owner_role, *_ = out[at]
            if owner.kind != "organization" or owner_role != "victim":
                continue
            if at > first:
                sector, sector_role, *_ = out[at - 1]
                if sector.kind == "sector" and sector_role == "mention" and _describes(text, sector, owner):
                    out[at - 1] = (sector, "victim", passage, index)  # "the logistics company X disclosed ..."
            for later in range(at + 1, len(out)):
                other, other_role, *_ = out[later]
                if not _APPOSITIVE_GAP.fullmatch(text, owner.end, other.start):
                    break
                if other.kind == "sector" and _CUSTOMERS_BEFORE.search(text, max(0, other.start - 20), other.start):
                    continue  # "X, a maker of pumps for the food industry": its customers' industry
                if other_role in ("mention", "location") and other.kind != "organization":
                    out[later] = (other, "victim", passage, index)
        # "an airport operator in Kuwait and a civil aviation authority in Oman reported
        # intrusions": the places of a victim subject's list are victims too.
        for at in range(len(out) - 1, first, -1):
            victim, victim_role, *_ = out[at]
            if victim_role != "victim" or victim.kind not in ("sector", "organization"):
                continue
            later_end = victim.start
            for back in range(at - 1, first - 1, -1):
                place, place_role, *_ = out[back]
                if place.kind not in ("country", "region") or place_role != "mention":
                    break
                if not _SUBJECT_LIST_GAP.fullmatch(text, place.end, later_end):
                    break
                out[back] = (place, "victim", passage, index)
                later_end = place.start
        # "the Oslo-based payment firm Fjordpay": the place a victim is based
        # in is the victim's.
        for at in range(first, len(out) - 1):
            place, role, *_ = out[at]
            owner, owner_role, *_ = out[at + 1]
            if (place.kind in ("country", "region") and role in ("mention", "location")
                    and owner.kind in ("organization", "sector") and owner_role in ("target", "victim")
                    and _BASED_BEFORE_OWNER.fullmatch(text, place.end, owner.start)):
                out[at] = (place, owner_role, passage, index)
        for at in range(first, len(out) - 1):
            country, role, *_ = out[at]
            owner, owner_role, *_ = out[at + 1]
            if (
                country.kind == "country"
                and role == "mention"
                and owner.kind in ("organization", "sector")  # "Albania's parliament said its systems ..."
                and owner_role in ("target", "victim")
                and _POSSESSIVE_GAP.fullmatch(text, country.end, owner.start)
            ):
                out[at] = (country, owner_role, passage, index)
        position = cursor
    # A first-person victim ("they were in our network", "our ministry was targeted") is the
    # organisation the text speaks for: its interviewee's or writer's employer ("Jonas
    # Berg, chief executive of Fjellvik Ferries") or its letterhead.
    own = _own_organization(text, out, items)
    first_person = anchors.search(_FIRST_PERSON_VICTIM, text) is not None or _first_person_patient(text)
    if own is not None and (first_person or anchors.search(_COMPANY_SELF_VICTIM, text)
                            or _head_noun_victim(text, own) or _head_noun_patient(text, own)):
        for at, (hit, role, hit_passage, hit_index) in enumerate(out):
            if hit.kind != "organization" or hit.value != own or role not in ("mention", "source"):
                continue
            out[at] = (hit, "victim", hit_passage, hit_index)
            for later in range(at + 1, len(out)):
                other, other_role, other_passage, other_index = out[later]
                if not _APPOSITIVE_GAP.fullmatch(text, hit.end, other.start) and not _BASED_GAP.fullmatch(text, hit.end, other.start) and not (
                    other.kind == "country" and re.fullmatch(r",\s*", text[hit.end : other.start])
                ):  # "the Port of Eskerby, Finland"
                    break
                if other.kind == "sector" and _CUSTOMERS_BEFORE.search(text, max(0, other.start - 20), other.start):
                    continue
                if other_role in ("mention", "location") and other.kind != "organization":
                    out[later] = (other, "victim", other_passage, other_index)
    if first_person:
        out = _writers_workplace(text, out)
    if own is not None and any(h.value == own and role == "victim" for h, role, *_ in out):
        out = _letterhead_victims(text, out, items)
    # "the firm's depots in Lyon (France)" after a victim company: the victim's places.
    if any(h.kind == "organization" and role == "victim" for h, role, *_ in out):
        first_victim = min(h.start for h, role, *_ in out if h.kind == "organization" and role == "victim")
        for at, (hit, role, hit_passage, hit_index) in enumerate(out):
            if (hit.kind in ("country", "region") and role in ("mention", "location") and hit.start > first_victim
                    and _OWN_SITE_BEFORE.search(text, max(0, hit.start - 160), hit.start)):
                out[at] = (hit, "victim", hit_passage, hit_index)
    # The sector word that describes a victim organisation anywhere in the text is a victim
    # too: "payment provider KortaPay ..." when "KortaPay has confirmed that its systems are
    # under attack".
    victims = {h.value for h, role, *_ in out if h.kind == "organization" and role == "victim"}
    if victims:
        for at in range(len(out) - 1):
            sector, role, sector_passage, sector_index = out[at]
            owner = out[at + 1][0]
            if (sector.kind == "sector" and role == "mention" and owner.kind == "organization" and owner.value in victims
                    and _describes(text, sector, owner)):
                out[at] = (sector, "victim", sector_passage, sector_index)
    out = _frame_roles(text, out)
    return tuple(_home_country_victim(text, _sectors_of_victims(_defenders_speak(text, _retracted(text, out)))))


def _retracted(text: str, out: list[tuple[_Hit, str, Passage, int]]) -> list[tuple[_Hit, str, Passage, int]]:
    """An organisation the text says was not a victim ("Acme was not affected, a spokesman
    said") is none anywhere: its victim and target roles elsewhere (a first report, a list
    of those feared hit) become mentions."""
    retracted = {
        hit.value for hit, role, passage, _ in out
        if hit.kind == "organization" and role == "mention"
        and ("not" in (window := text[hit.end : min(passage.span.end, hit.end + _WINDOW)]) or "never" in window
             or "unaffected" in window)
        and _RETRACTED_AFTER.match(window)
    }
    if not retracted:
        return out
    return [(hit, "mention", passage, index) if hit.kind == "organization" and hit.value in retracted
            and role in ("target", "victim") else (hit, role, passage, index)
            for hit, role, passage, index in out]


#: A writer saying where they work: "I run the network for a small law firm".
_WRITER_WORKS_AT = compile_cached(
    r"\bI(?:['’]m|\s+am|\s+work|\s+worked|\s+run|\s+manage|\s+look\s+after)\s+(?:[\w-]+\s+){0,5}?(?:at|for|in)\s+"
    r"(?:a|an|the|our)\s+(?:[\w-]+\s+){0,3}?$"
)


def _head_noun_victim(text: str, own: str) -> bool:
    """Whether the text says its own organisation was hit by the head noun of its name:
    "intruders wiped the board's payroll files" in a school board's minutes, "the trust's
    systems were breached" in a trust's notice."""
    head = own.split()[-1].lower()
    if len(head) < 4 or not head.isalpha():
        return False
    # (built from the text's own name, so compiled by re's own cache, not kept on disk)
    pattern = re.compile(
        r"\b(?:encrypted|breached|compromised|hacked|infected|disrupted|knocked\s+out|took\s+down|accessed|wiped|locked)\s+"
        r"(?:[\w-]+\s+){0,6}?the\s+" + head + r"['’]s\b|"
        r"\b[Tt]he\s+" + head + r"(?:['’]s\s+(?:[\w-]+\s+){0,3}?(?:systems?|servers?|networks?|computers|accounts|e-?mail))?\s+"
        r"(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:\w+\s+)?(?:hit|breached|hacked|attacked|compromised|targeted|encrypted|infected)\b"
    )
    return pattern.search(text) is not None


def _writers_workplace(
    text: str, out: list[tuple[_Hit, str, Passage, int]]
) -> list[tuple[_Hit, str, Passage, int]]:
    """A first-person victim who names no organisation but the kind of place they work
    at ("I run the network for a small law firm in Graz ... we got hit"): that
    sector, and the place it stands in, are the victims."""
    changed = list(out)
    for at, (hit, role, hit_passage, hit_index) in enumerate(changed):
        if hit.kind != "sector" or role not in ("mention", "location"):
            continue
        if not _WRITER_WORKS_AT.search(text, max(0, hit.start - 80), hit.start):
            continue
        changed[at] = (hit, "victim", hit_passage, hit_index)
        for later in range(at + 1, len(changed)):
            place, _place_role, place_passage, place_index = changed[later]
            if place.kind not in ("country", "region") or not re.fullmatch(r"\s+(?:in|near|outside)\s+(?:the\s+)?", text[hit.end : place.start]):
                break
            changed[later] = (place, "victim", place_passage, place_index)
        break
    return changed


def _letterhead_victims(
    text: str, out: list[tuple[_Hit, str, Passage, int]], items: Sequence[Passage]
) -> list[tuple[_Hit, str, Passage, int]]:
    """A letter or notice whose writer is the victim: the places of the letterhead (its lines
    before the first blank line: the writer's address) are the victim's too, a postal address
    ("Dayton, OH 45402", "Leeds LS2 9JT") giving its country."""
    if not items:
        return out
    start = items[0].span.start
    blank = text.find("\n\n", start, start + 400)
    end = blank if blank != -1 else min(len(text), start + 200)
    changed = list(out)
    for at, (hit, role, hit_passage, hit_index) in enumerate(changed):
        if hit.start >= end:
            break
        if hit.kind in ("country", "region") and role in ("mention", "location"):
            changed[at] = (hit, "victim", hit_passage, hit_index)
    starts = [p.span.start for p in items]
    for match in _POSTAL_ADDRESS.finditer(text, start, end):
        code = "US" if match.group("US") else "GB"
        a, b = match.start(code), match.end(code)
        index = max(0, bisect.bisect_right(starts, a) - 1)
        changed.append((_Hit(a, b, "country", code, "postcode"), "victim", items[index], index))
    changed.sort(key=lambda entry: entry[0].start)
    return changed


#: Sectors and organisation kinds that belong to a state: its own government's networks.
_STATE_SECTORS = frozenset(["Government, Administration", "Diplomacy", "Military", "Defense", "Police - Law enforcement",
                            "Justice", "Intelligence"])


def _home_country_victim(
    text: str, out: list[tuple[_Hit, str, Passage, int]]
) -> list[tuple[_Hit, str, Passage, int]]:
    """A state that speaks of attacks on its own institutions: "Canada says Chinese hackers
    were inside federal networks", "South Korea's intelligence service said hackers sent
    phishing e-mails to officials at the foreign and unification ministries". When the
    text's first speaker is a country (or its agency: "Canada's Communications Security
    Establishment said") and the targets are state institutions with no country of their
    own (no place is a target anywhere in the text), the speaker's country is theirs."""
    if any(h.kind in ("country", "region") and role in ("target", "victim") for h, role, *_ in out):
        return out
    state_target = next(
        (entry for entry in out if entry[1] in ("target", "victim") and (
            (entry[0].kind == "sector" and entry[0].value in _STATE_SECTORS)
            or (entry[0].kind == "organization" and entry[0].form == "heuristic"
                and _ORG_HEAD_WORD.match(entry[0].value) is not None and entry[0].value.split()[0] in ("Ministry", "Department")))),
        None,
    )
    if state_target is None:
        return out
    home = next((h for h, role, *_ in out if h.kind == "country" and role in ("mention", "source")
                 and _SPEAKS_AFTER.match(text[h.end : h.end + 120])), None)
    if home is None:
        return out
    hit, role, passage, index = state_target
    extended = list(out)
    extended.insert(extended.index(state_target) + 1,
                    (_Hit(hit.start, hit.end, "country", home.value, "home"), role, passage, index))
    return extended


def _sectors_of_victims(out: list[tuple[_Hit, str, Passage, int]]) -> list[tuple[_Hit, str, Passage, int]]:
    """A victim or target organisation's own name says its sector ("University of Eastbrook",
    "St. Brendan Regional Medical Center"): that sector is a victim or target too, at the
    name's span, unless the text already gives the sector that role."""
    given = {h.value for h, role, *_ in out if h.kind == "sector" and role in ("target", "victim")}
    extended: list[tuple[_Hit, str, Passage, int]] = []
    for entry in out:
        extended.append(entry)
        hit, role, passage, index = entry
        if hit.kind != "organization" or role not in ("target", "victim"):
            continue
        for value in sectors_of_name(hit.value):
            if value in given:
                continue
            given.add(value)
            extended.append((_Hit(hit.start, hit.end, "sector", value, "name"), role, passage, index))
    return extended


def extract_targets(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
) -> list[TargetMention]:
    """Sectors, countries, regions and organisations, each with its role."""
    structure_of(text, context)  # the document's structure, for every passage look-up below
    out: list[TargetMention] = []
    for hit, role, _passage, _index in _hits_with_roles(text, tuple(actors)):
        confidence = 0.6 if hit.form == "heuristic" else 0.9 if hit.form in ("capital", "demonym") else 1.0
        out.append(
            TargetMention(
                kind=hit.kind,
                value=hit.value,
                surface=text[hit.start : hit.end],
                span=Span(hit.start, hit.end),
                role=role,
                confidence=confidence,
            )
        )
    return out


# --- attribution ---------------------------------------------------------------------

#: Motives, each as two patterns: what *states* a motive ("financially motivated", "for
#: financial gain", "hacktivists", "an espionage group") counts wherever it stands; what only
#: names an *act* that may serve one ("spying", "stole cryptocurrency", "a wiper", "extortion")
#: counts only in a frame of purpose ("to spy on", "for espionage", "aimed at stealing
#: information"), not as the description of a deed, a charge or a heading.
_ACTOR_AFTER_MOTIVE = r"(?:\s+(?:[\w-]+\s+)?(?:groups?|actors?|units?|crews?|outfits?|operators?|gangs?|APTs?|collectives?|" \
    r"services?|agenc(?:y|ies)|programmes?|programs?|apparatus))"
_MOTIVATIONS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "espionage",
        compile_cached(
            r"\b(?:(?:cyber[\s-]?)?espionage" + _ACTOR_AFTER_MOTIVE + r"|intelligence\s+(?:requirements|priorities)|"
            r"espionage[\s-](?:motivated|driven|focused)|(?:motivated|driven)\s+by\s+espionage)\b",
            re.IGNORECASE,
        ),
        compile_cached(
            r"\b(?:cyber[\s-]?espionage|espionage|spying|spy\s+on|intelligence[\s-](?:gathering|collection)|"
            r"gather(?:ing)?\s+(?:sensitive\s+)?(?:intelligence|information)|collect(?:ing)?\s+intelligence|"
            r"steal(?:ing)?\s+(?:sensitive\s+|classified\s+)?(?:information|data|secrets|intellectual\s+property))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "financial-gain",
        compile_cached(
            r"\b(?:financially[\s-]motivated|financial\s+gain|for\s+profit|profit[\s-]driven|monetary\s+gain|"
            r"money[\s-]making|cybercrim(?:e|inal)\s+(?:operations?\s+)?to\s+fund|to\s+fund\s+(?:itself|themselves|"
            r"the\s+regime|its\s+operations|the\s+country's|weapons)|fund\s+(?:itself|themselves)|"
            r"generate\s+revenue|illicit\s+revenue|ransomware-as-a-service|RaaS|revenue\s+generation)\b",
            re.IGNORECASE,
        ),
        compile_cached(
            r"\b(?:(?:steal(?:ing)?|theft\s+of|stole)\s+(?:\S+\s+){0,2}(?:cryptocurrenc(?:y|ies)|crypto|funds|money)|"
            r"ransom(?:s|ware)?\s+(?:payments?|demands?)|extort(?:ion|ed|ing|s)?|"
            r"demand(?:ed|ing|s)?\s+(?:\S+\s+){0,4}(?:in\s+)?ransom)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "destruction",
        compile_cached(r"\b(?:destructi(?:ve|on)[\s-](?:motivated|driven)|motivated\s+by\s+(?:destruction|sabotage))\b",
                       re.IGNORECASE),
        compile_cached(
            r"\b(?:destructive|wiper(?:s|\s+malware)?|sabotage|disruptive\s+attacks?|destroy(?:ed|ing)?\s+"
            r"(?:data|systems|files)|wip(?:e|ed|ing)\s+(?:data|systems|disks|hard\s+drives))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "hacktivism",
        compile_cached(r"\b(?:hacktivis(?:m|ts?)|ideologically[\s-]motivated|politically[\s-]motivated\s+hack\w*)\b",
                       re.IGNORECASE),
        compile_cached(r"(?!)"),
    ),
)
#: A frame of purpose just before an act: "to", "for", "aimed at", "in order to", "seeks to".
_PURPOSE_BEFORE = compile_cached(
    r"\b(?:(?<!guilty\s)(?<!conspiracy\s)to|for(?:\s+the\s+purposes?\s+of)?|aim(?:s|ed|ing)?\s+(?:at|to)|"
    r"seek(?:s|ing)?\s+to|sought\s+to|in\s+order\s+to|purpose\s+of|goal\s+(?:of|is|was)|objective\s+(?:of|is|was)|"
    r"intended\s+to|designed\s+to|meant\s+to|motivated\s+by|motives?|motivations?|driven\s+by|with\s+the\s+aim\s+of|"
    r"in\s+support\s+of)\s+(?:[a-z]+ing\s+)?(?:(?:the|its|their|further|more|such|large-scale|long-term)\s+)?$",
    re.IGNORECASE,
)
#: A charge or a count is no motive: "pleaded guilty to conspiracy to commit computer fraud and extortion".
_CHARGE_BEFORE = compile_cached(r"\b(?:guilty|charged?|charges|counts?|convicted|conspir\w+|indicted|sentenced)\b", re.IGNORECASE)


def _motive_starts(text: str) -> list[int] | None:
    """Where a match of any motive pattern may start (sorted), or None: anywhere."""
    anchors = _anchors(text)
    found: list[int] = []
    for _value, stated, act in _MOTIVATIONS:
        for pattern in (stated, act):
            starts = anchors.starts(pattern)
            if starts is None:
                return None
            found.extend(starts)
    found.sort()
    return found


def extract_attributions(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
) -> list[Attribution]:
    """Sponsors, sponsor countries and motivations, linked to actors in the passage.

    One attribution per (kind, value): the first evidence is kept and the actors of
    every passage that states it are merged.
    """
    structure_of(text, context)
    found: dict[tuple[str, str], Attribution] = {}

    def add(kind: str, value: str, start: int, end: int, actor_ids: tuple[str, ...]) -> None:
        key = (kind, value)
        if key in found:
            old = found[key]
            merged = tuple(dict.fromkeys((*old.actor_ids, *actor_ids)))
            found[key] = Attribution(old.kind, old.value, old.surface, old.span, merged)
            return
        found[key] = Attribution(kind, value, text[start:end], Span(start, end), actor_ids)

    orgs = org_gazetteer()
    items = passages(text)
    actor_index = ActorIndex(actors)
    anchors = _anchors(text)
    for hit, role, passage, index in _hits_with_roles(text, tuple(actors)):
        if role != "sponsor" or passage.furniture or passage.citation:
            continue
        actor_ids = actor_index.for_passage(index, items)
        if hit.kind == "organization":
            add("sponsor", hit.value, hit.start, hit.end, actor_ids)
            org = orgs.orgs.get(hit.value)
            if org is not None and org.country:
                add("country", org.country, hit.start, hit.end, actor_ids)
        elif hit.kind == "country":
            add("country", hit.value, hit.start, hit.end, actor_ids)
    # Only the passages where a motive pattern can start a match are read (the patterns'
    # prefixes, found in one pass over the text; see unmask.reference.regex_anchors).
    starts = _motive_starts(text)
    for index, passage in enumerate(items):
        if passage.furniture or passage.citation:
            continue
        span = passage.span
        if starts is not None and (
            (at := bisect.bisect_left(starts, span.start)) == len(starts) or starts[at] >= span.end
        ):
            continue
        sentence = text[span.start : span.end]
        for value, stated, act in _MOTIVATIONS:
            matches = [(m, True) for m in anchors.finditer(stated, sentence, span.start)] + [
                (m, False) for m in anchors.finditer(act, sentence, span.start)]
            for match, is_stated in sorted(matches, key=lambda pair: pair[0].start()):
                before = sentence[max(0, match.start() - 30) : match.start()].lower()
                if re.search(r"\b(?:not|no|rather than|instead of|unlike|beyond)\s+(?:\w+\s+)?$", before):
                    continue
                if not is_stated and (
                    not _PURPOSE_BEFORE.search(sentence, max(0, match.start() - 40), match.start())
                    or _CHARGE_BEFORE.search(sentence, max(0, match.start() - 60), match.start())
                ):
                    continue
                add("motivation", value, span.start + match.start(), span.start + match.end(),
                    actor_index.for_passage(index, items))
    return sorted(found.values(), key=lambda a: (a.span.start, a.kind, a.value))


#: The patterns run over a whole document or over many of its passages: tried only where
#: one of their prefixes starts (unmask.reference.regex_anchors), found in one pass.
_ANCHORED = (
    _TARGET_CUE, _VICTIM_HEAD, _VICTIM_WORD, _CYBER_CONTEXT, _ACTOR_WORD, _URL, _FIRST_PERSON_VICTIM,
    _COMPANY_SELF_VICTIM, _ORG_APPOSITIVE, _CUE_OBJECT_NAME, _ORG_LIST, _COUNTRY_ANAPHOR, _ORG_PHRASE_HEAD,
    # (the look-behind windows of each mention)
    _LOCATION_BEFORE, _INFRASTRUCTURE_BEFORE, _INCIDENT_AT_BEFORE, _OF_THEM_BEFORE, _HELPER_BEFORE, _SOURCE_BEFORE,
    _OFFICIALS_AS_OBJECT, _SPONSOR_BEFORE, _DEFENDER_BEFORE,
    *(pattern for _value, stated, act in _MOTIVATIONS for pattern in (stated, act)),
)


@functools.lru_cache(maxsize=2)
def _anchors(text: str) -> Anchors:
    """Where each of _ANCHORED may match in ``text`` (the last two documents' are kept)."""
    return Anchors(text, _ANCHORED)
