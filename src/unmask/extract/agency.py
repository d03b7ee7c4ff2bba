"""Who acts in a sentence, and in what mood: is it the adversary's deed as a fact?

A report mixes the adversary's deeds with the writer's own work and talk about them.
The writer's research ("we looked the domain up in passive DNS"), detection content
("the rules below flag the loader"), advice, hypotheticals ("an intruder could then
..."), comparisons ("a tool much like X") and the boasts a scam mail makes to its
reader name techniques that nobody is shown doing. :func:`stance` reads one sentence
and says, with a reason code, when its acting subject is not the adversary or its
mood is not a statement of fact; ``None`` means the sentence may be evidence.

The reason codes (:data:`REASONS`):

``analyst``       the writer or researchers do it: a first-person (or "researchers")
                  subject with a verb of analysis work (queried, decrypted, ran ...).
                  A subject that only *observes* ("we saw", "we found that") reports
                  the adversary and is not gated;
``defender``      detection content or defenders are the subject (rules, signatures,
                  "defenders should", "is detected as");
``hypothetical``  a possibility or a supposition, not an act ("could be used to",
                  "would allow", "in theory"); a plain condition ("if the check
                  fails, the loader exits") is the malware's logic and not gated;
``comparison``    the technique is named as a likeness ("something like X",
                  "reminiscent of X");
``claim``         a first-person writer speaking to "you": the claims of a scam or
                  extortion mail, not an observed act.

The module is pure (text in, reason out) and shared: the technique stage uses it
today; events and targets may later read the same stance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from unmask.reference.regexes import compile_cached

__all__ = ["REASONS", "stance", "stances"]

REASONS = ("analyst", "defender", "hypothetical", "comparison", "claim")

_I = re.IGNORECASE

# Verbs of the analyst's own work: with a first-person or researcher subject the
# sentence tells what the writer did, not the adversary. Observation verbs (saw,
# found, observed, identified, believe ...) are deliberately absent, and so are verbs of
# study (analysed, examined, looked at): "we analysed a loader that checks for a sandbox"
# describes the loader.
_ANALYST_VERBS = (
    r"quer(?:y|ied|ying)|search(?:ed|ing)?|pivot(?:ed|ing)?|look(?:ed|ing)? (?:up|into)|"
    r"ran|run|running|execut(?:e|ed|ing)|detonat(?:e|ed|ing)|emulat(?:e|ed|ing)|"
    r"decrypt(?:ed|ing)?|decod(?:e|ed|ing)|deobfuscat(?:e|ed|ing)|unpack(?:ed|ing)?|"
    r"extract(?:ed|ing)?|revers(?:e|ed|ing)|disassembl(?:e|ed|ing)|"
    r"debugg?(?:ed|ing)?|test(?:ed|ing)?|simulat(?:e|ed|ing)|sinkhol(?:e|ed|ing)|"
    r"download(?:ed|ing)?|retriev(?:e|ed|ing)|obtain(?:ed|ing)?|acquir(?:e|ed|ing)|"
    r"collect(?:ed|ing)?|gather(?:ed|ing)?|scann?(?:ed|ing)?|crawl(?:ed|ing)?|"
    r"captur(?:e|ed|ing)|took|monitor(?:ed|ing)?|check(?:ed|ing)?|submitt?(?:ed|ing)?|"
    r"upload(?:ed|ing)?|compar(?:e|ed|ing)|"
    r"enumerat(?:e|ed|ing)|dump(?:ed|ing)?|crack(?:ed|ing)?|wrote|writ(?:e|ing)|"
    r"buil[dt]|creat(?:e|ed|ing)|develop(?:ed|ing)?|configur(?:e|ed|ing)|set up|"
    r"registered|contact(?:ed|ing)?|connect(?:ed|ing)?|logg?(?:ed|ing)? (?:in|into|on)|"
    r"used|use|using|leverag(?:e|ed|ing)|appl(?:y|ied|ying)|tri(?:ed)|try"
)

# The writer or researchers as the subject, at the start of the sentence or of a
# clause (after a comma, "then", "so", ...), optionally followed by auxiliaries.
_ANALYST = compile_cached(
    r"(?:^|[,;:(]\s*|\b(?:then|so|and|after which|when|once)\s+)"
    r"(?:we|i|our\s+(?:team|researchers|analysts|lab)|(?:the\s+)?(?:security\s+)?researchers|"
    r"(?:the\s+)?analysts"
    # the writer's own tooling as the subject ("our script decodes ..."), present tense too
    r"|our\s+(?:own\s+)?(?:\w+\s+)?(?:scripts?|tools?|decoders?|parsers?|scanners?|sensors?|"
    r"honeypots?|sandbox(?:es)?|crawlers?|code|programs?|plugins?|emulators?|signatures?))\s+"
    # each modifier once in the list and at most six in a row: a word listed twice in a
    # repeated group splits a run of it 2^n ways when no verb follows (46 s for 240 bytes)
    r"(?:(?:also|then|first|further|quickly|manually|initially|subsequently|later|"
    r"next|again|have|had|were\s+able\s+to|was\s+able\s+to|managed\s+to|could|can|decided\s+to|"
    r"began\s+to|started|tried\s+to|will|would)\s+){0,6}"
    r"(?:" + _ANALYST_VERBS + r")(?:e?s)?\b"
    # a tool defined as the writer's decoder ("x.py: script to decode the C2 traffic"):
    # at the start of the sentence or after the colon or dash of a definition
    r"|(?:^|[:\u2013\u2014]\s*|\s-\s+)(?:an?\s+|the\s+)?(?:python\s+|perl\s+|small\s+)?(?:scripts?|tools?|utility|utilities|decoders?|parsers?)"
    r"\s+(?:to|for|that|which)\s+(?:decod|decrypt|pars|extract|dump|deobfuscat|unpack)\w*"
    # "... allowed us to obtain ...", "... let us decode ...": the writer as the doer.
    r"|\b(?:allow(?:s|ed)?|enabl(?:es|ed)|help(?:s|ed)?|let|lets|permit(?:s|ted)?)\s+us\s+(?:to\s+)?\w+",
    _I,
)

_DEFENDER = compile_cached(
    # detection content as the subject or the purpose
    r"\b(?:yara|sigma|snort|suricata|detection|hunting|clamav|ids)\s+(?:rules?|signatures?|quer(?:y|ies)|logic|content)\b"
    r"|\b(?:will|can|to)\s+(?:provide\s+)?detect(?:ion)?\s+(?:for|of)\b"
    r"|\b(?:is|are|was|were|being)\s+(?:detected|blocked|flagged|identified)\s+(?:as|by)\s+(?:\w+\s+){0,3}"
    r"(?:antivirus|products?|engines?|solutions?|signatures?|rules?|customers?|defender|endpoint)"
    r"|\b(?:customers|users|organi[sz]ations|administrators|admins|defenders|network\s+defenders|"
    r"security\s+teams|analysts|you)\s+(?:should|must|may\s+want\s+to|are\s+(?:advised|encouraged|urged))\b"
    r"|\b(?:we|cisa|fbi|the\s+authoring\s+agencies)\s+(?:strongly\s+)?(?:recommend|advise|encourage|urge)",
    _I,
)

_HYPOTHETICAL = compile_cached(
    # A condition alone ("if the command byte is 7, the implant lists processes") is the
    # malware's logic, a fact: only possibilities and suppositions are gated.
    r"^(?:\W*)(?:in\s+(?:theory|principle)|hypothetically|imagine|suppose)\b"
    r"|\b(?:could|might|would)\s+(?:potentially\s+|possibly\s+|theoretically\s+|also\s+)?"
    r"(?:be\s+(?:used|abused|leveraged|exploited)|allow|enable|permit|lead\s+to|let)\b"
    r"|\b(?:in\s+the\s+event\s+that|in\s+case\s+(?:an?|the)\s+(?:attacker|adversary|intruder))\b",
    _I,
)

_COMPARISON = compile_cached(
    r"\b(?:something|somewhat|much|a\s+bit)\s+like\b|\b(?:reminiscent\s+of|akin\s+to|comparable\s+to|the\s+likes\s+of|"
    r"in\s+the\s+(?:style|manner)\s+of)\b",
    _I,
)

# A first-person singular writer addressing the reader: the claims of a scam mail.
_FIRST_SINGULAR = compile_cached(r"(?<![\w'])(?:i|my|me|i'm|i've)(?![\w'])", _I)
_SECOND_PERSON = compile_cached(r"(?<![\w'])(?:you|your|yours|you're|you've)(?![\w'])", _I)


# Words one of which every match of a pattern holds as a whole token: a sentence
# without them is not searched (most sentences have none).
_TOKENS = compile_cached(r"[a-z']+")
_DEFENDER_WORDS = frozenset(
    [
        "yara",
        "sigma",
        "snort",
        "suricata",
        "detection",
        "hunting",
        "clamav",
        "ids",
        "detect",
        "detected",
        "blocked",
        "flagged",
        "identified",
        "customers",
        "users",
        "organizations",
        "organisations",
        "administrators",
        "admins",
        "defenders",
        "teams",
        "analysts",
        "you",
        "we",
        "cisa",
        "fbi",
        "agencies",
    ]
)
_ANALYST_WORDS = frozenset(
    ["we", "i", "our", "researchers", "analysts", "us", "script", "scripts", "tool", "tools", "utility",
     "utilities", "decoder", "decoders", "parser", "parsers"]
)
_FIRST_WORDS = frozenset(["i", "my", "me", "i'm", "i've"])
_SECOND_WORDS = frozenset(["you", "your", "yours", "you're", "you've"])
_COMPARISON_WORDS = frozenset(
    ["like", "reminiscent", "akin", "comparable", "likes", "style", "manner"]
)
_HYPOTHETICAL_WORDS = frozenset(
    [
        "theory",
        "principle",
        "hypothetically",
        "imagine",
        "suppose",
        "could",
        "might",
        "would",
        "event",
        "case",
    ]
)


def stance(sentence: str) -> str | None:
    """Why ``sentence`` is no statement of the adversary's deed (a code of
    :data:`REASONS`), or ``None`` when it may be one."""
    words = set(_TOKENS.findall(sentence.lower()))
    if words & _DEFENDER_WORDS and _DEFENDER.search(sentence):
        return "defender"
    if words & _ANALYST_WORDS and _ANALYST.search(sentence):
        return "analyst"
    if words & _FIRST_WORDS and words & _SECOND_WORDS:
        return "claim"
    if words & _COMPARISON_WORDS and _COMPARISON.search(sentence):
        return "comparison"
    if words & _HYPOTHETICAL_WORDS and _HYPOTHETICAL.search(sentence):
        return "hypothetical"
    return None


def stances(sentences: Sequence[str]) -> list[str | None]:
    """:func:`stance` of each sentence."""
    return [stance(s) for s in sentences]
