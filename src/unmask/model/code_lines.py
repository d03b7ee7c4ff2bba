"""What one line of a text reads as: code, prose, an indicator, or neither.

A fence (```` ``` ````, an AsciiDoc listing, an HTML ``<pre>``) says where a block
starts and ends, not what it holds. Markdown converted from web pages leaves fences
unpaired (a page's closing fence lost, two reports joined), and pairing the rest one
after the other then reads every paragraph between two real blocks as code. The
structure asks this module what each line between two fences reads as, and a block
whose words are mostly prose is prose (:func:`block_is_code`).

:func:`line_shape` reads a line by its form, never by what it names:

``code``
    a statement's shape: a keyword opening it (``def``, ``function``, ``$var =``,
    ``rule Name {``, ``strings:``, ``#include``, a PowerShell ``Verb-Noun -Flag``), an
    assignment, a line ending in ``{`` or ``;``, brackets alone (``}``), a call
    (``Name(args)``), an assembly instruction or a hex dump row, or dense with the
    punctuation of code (``{}[]()<>=;$|&\\``) and short of words;
``prose``
    six words or more, most of the line's tokens plain words, one of them a
    function word of English ("the", "of", "was" ...): a sentence, whatever path,
    hash, URL or defanged host it also holds;
``indicator``
    a line that is one indicator (a hash, an address, a host or URL, defanged or not,
    a path), perhaps with a short note: an entry of an indicator list;
``markup``
    the document's own markup: a table row or delimiter, a heading, an AsciiDoc
    attribute line, a rule;
``other``
    anything else (a label and its value, a tool's output, a title, a list item).

Only the first :data:`_READ` characters of a line are read, by anchored patterns
without nested quantifiers: linear in the text, whatever its lines' lengths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["LINE_SHAPES", "block_is_code", "code_runs", "line_shape", "run_shape"]

LINE_SHAPES = ("code", "prose", "indicator", "markup", "other")

#: How much of a line is read (a statement or a sentence shows its shape early).
_READ = 300

#: A statement's opening: keywords of the languages reports quote (Python, JavaScript,
#: C, PowerShell, batch, VBA, shell, YARA, Snort/Sigma) and markup tags.
_KEYWORD = re.compile(
    r"[ \t]*+(?:"
    # words that open a statement and seldom a line of prose: any argument may follow
    r"(?:def|class|import|from\s+[\w.]+\s+import|return|var|let|const|function|elif|foreach|typedef|namespace|"
    r"unsigned|struct|sudo|chmod|wget|curl|echo|goto|dim|esac|powershell|rundll32|regsvr32|schtasks|certutil|"
    r"bitsadmin|mshta|wscript|cscript|cmd|net|reg|sc|taskkill|whoami|vssadmin|wmic)(?:\.exe)?"
    r"(?:[ \t]*[:({=;]|[ \t]+[\w$\"'(\[/.%*-])|"
    # words prose also opens a line with: code only with a statement's punctuation after them
    r"(?:if|for|while|switch|case|else|try|catch|except|finally|public|private|protected|static|void|int|char|"
    r"sub|set|exit|call|begin|end|then|do|local|export|strings|condition|meta|alert|title|detection|selection|"
    r"logsource)[ \t]*[:({\[=]|"
    r"(?i:#include|#define|#!|@echo|end\s+(?:sub|function|if)\b|on\s+error\b)|"
    r"(?-i:rule)[ \t]+\w+[ \t]*(?::[ \t]*[\w \t]+)?\{?[ \t]*$|"
    r"\$[\w:{}]+[ \t]*(?:\[[^\]\n]{0,40}\][ \t]*)?[+\-*/.]?=|"
    r"(?-i:[A-Z][a-z]+-[A-Z][A-Za-z]+)[ \t]+-\w|"
    r"</?[A-Za-z][\w:.-]*(?:[ \t][^<>\n]{0,200})?/?>|<\?|<!--|"
    r"(?://|/\*|\*/|--[ \t])"
    r")"
)
#: An assignment at the line's start ("key = value", "x += 1", "cfg['a'] = 1", "a := b").
_ASSIGNMENT = re.compile(r"[ \t]*+[A-Za-z_$@][\w$.@]{0,60}(?:\[[^\]\n]{0,40}\])?[ \t]*(?:[+\-*/|&^]|:)?=(?!=)[ \t]*\S")
#: A line that opens a block or holds only brackets.
_BLOCK_MARK = re.compile(r"\{[ \t]*$|^[ \t]*[}\])]+[;,)]*[ \t]*$")
#: A line that ends a statement (perhaps with a comment after it: "int n; // count").
_STATEMENT_END = re.compile(r";[ \t]*(?://[^\n]*)?$")
#: A call standing alone ("VirtualAlloc(0, size, 0x3000, 0x40)", "obj.Run(cmd)").
_CALL = re.compile(r"[ \t]*+[A-Za-z_$][\w$.:]{0,80}\([^()\n]{0,200}\)[ \t;]*$")
#: An assembly instruction or a hex dump row ("mov eax, [ebp+8]", "00401000  55 8B EC").
_MACHINE = re.compile(
    r"[ \t]*+(?:[0-9A-Fa-f]{4,16}[:h]?[ \t]+(?:[0-9A-Fa-f]{2}[ \t]+){3}|"
    r"(?:mov|movzx|push|pop|lea|xor|cmp|test|jmp|jn?[zeglabs]|call|ret|nop|inc|dec|shl|shr)[ \t]+"
    r"(?:[a-z]{2,3}|[0-9a-f]+h?|\[|offset|dword|byte|word|qword)\b)"
)
#: The punctuation of code.
_CODE_MARK = re.compile(r"[{}\[\]()<>=;$|&\\^]")
#: A plain word, perhaps with its sentence punctuation and quotes ("attackers,", "(the").
_WORD = re.compile(r"[(\"'“‘]?[A-Za-z][A-Za-z'’-]*[.,;:!?)\"'”’]*\Z")
#: Function words of English: a line holding none is no sentence.
_FUNCTION_WORDS = frozenset([
    "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "from", "with", "as", "is", "are", "was", "were",
    "be", "been", "has", "have", "had", "that", "which", "this", "these", "those", "it", "its", "and", "or", "but",
    "not", "we", "our", "they", "their", "he", "she", "his", "her", "who", "when", "after", "before", "into",
    "than", "also", "can", "could", "would", "will", "may",
])  # fmt: skip
#: What stands around a word in a sentence: quotes, brackets, punctuation.
_AROUND_WORD = "(\"'“‘.,;:!?)”’"
#: One indicator: a hash, an IPv4 address (perhaps with a port), a URL, a host or file
#: name with a dot (defanged too), an e-mail address, a Windows or Unix path.
_INDICATOR = re.compile(
    r"[`'\"(<]?(?:[A-Fa-f0-9]{32}|[A-Fa-f0-9]{40}|[A-Fa-f0-9]{64}|[A-Fa-f0-9]{128}|"
    r"(?:\d{1,3}(?:\[\.\]|\(\.\)|\.)){3}\d{1,3}(?:[:/]\d{1,5})?|"
    r"(?:h(?:[xX]{2}|tt|\[tt\])ps?|ftp)\[?:\]?//\S+|"
    r"[\w-]+(?:(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\.)[\w-]+)+(?:/\S*)?|"
    r"[\w.+-]+(?:@|\[@\]|\[at\])[\w.\[\]-]+|"
    r"(?:[A-Za-z]:|%\w+%)?\\[^\s]+|/[\w.-]+/\S+)[`'\",)>]?\Z"
)
#: A name with a dot that is a file's: alone on a line it is an indicator, but at the
#: head of a longer line it is a command ("cmd.exe /c whoami").
_FILE_NAME = re.compile(r"[`'\"]?[\w-]+\.(?:exe|dll|sys|bat|cmd|ps1|vbs|js|hta|lnk|scr|py|sh|jar)[`'\"]?\Z", re.I)
#: Characters that do not stand in a note after an indicator ("evil.example (C2)").
_NOTE_CODE = re.compile(r"[=;{}$|&<>]")
#: A comment line of a script ("# decode the key", "REM ...", "' VBA", "; asm").
_COMMENT = re.compile(r"[ \t]*+(?:#(?!#)|(?i:rem)[ \t]|'[ \t]|;[ \t])")
#: The markup of the document around a block, not in it: a table's row or delimiter
#: ("| a | b", "|==="), a heading ("## Loader", "=== Hashes"), an AsciiDoc attribute
#: line ("[options=\"header\"]") or a rule ("----", "****").
_MARKUP = re.compile(r"\||(?:#{1,6}|={1,6})[ \t]+\S|\[[^\]\n]{0,80}\]\Z|([-=.*_+~])\1{3,}\Z")
#: The marks that open a list item.
_ITEM_MARKS = frozenset("-*•·▪◦‣+")
#: A short label and one value ("Download URL: ...", "C2:hxxp://..."): the value is read.
_LABELLED = re.compile(r"[A-Za-z][\w .()/#-]{0,39}:[ \t]*(\S.*)")
#: A command at a shell or PowerShell prompt, or a Python prompt (not "> ", a quote).
_PROMPT = re.compile(r"[ \t]*+(?:\$ |>>> |PS [A-Za-z]:\\[^>\n]{0,100}> ?|[A-Za-z]:\\[^>\n ]{0,100}> ?)\S")
#: A command-line option and its help ("-k KEY, --key KEY   Manually provide ...").
_OPTION = re.compile(r"[ \t]*+--?[A-Za-z][\w-]*[ ,=]")


def line_shape(line: str) -> str:
    """What ``line`` reads as: ``code``, ``prose``, ``indicator``, ``markup`` or ``other``
    (see the module's docstring)."""
    head = line[:_READ].replace("\\_", "_")  # (Markdown converted from a page escapes "_")
    stripped = head.strip()
    if not stripped:
        return "other"
    if _MARKUP.match(stripped):
        return "markup"
    tokens = stripped.split()
    item = tokens[0] in _ITEM_MARKS and len(tokens) > 1
    if item:
        tokens = tokens[1:]  # a list item's mark
    if _indicator(tokens):
        return "indicator"
    labelled = _LABELLED.match(stripped)
    if labelled is not None and _indicator(labelled.group(1).split()):
        return "indicator"  # "Download URL: hxxp://...", "SHA256: ..."
    if _PROMPT.match(head) or _OPTION.match(head) or _MACHINE.match(head) or _BLOCK_MARK.search(stripped):
        return "code"
    if (_KEYWORD.match(head) or _ASSIGNMENT.match(head) or _CALL.match(head)
            or (not item and _STATEMENT_END.search(stripped))):  # (a list's items end in ";" too)
        return "code" if not _sentence(tokens) else "prose"
    if _COMMENT.match(head):
        return "other"  # a comment: what the code's author wrote, inside the code
    if _sentence(tokens):
        return "prose"
    marks = len(_CODE_MARK.findall(stripped))
    if not item and marks >= 3 and marks * 8 >= len(stripped.replace(" ", "")):
        return "code"
    return "other"


def _indicator(tokens: list[str]) -> bool:
    """Whether the tokens are one indicator and perhaps a short note ("evil.example (C2)")."""
    if not tokens or len(tokens) > 4 or _INDICATOR.match(tokens[0]) is None:
        return False
    return len(tokens) == 1 or (not _FILE_NAME.match(tokens[0]) and not _NOTE_CODE.search(" ".join(tokens[1:])))


def _sentence(tokens: list[str]) -> bool:
    """Whether the tokens read as a sentence: six plain words or more, most of the
    tokens words, one of them a function word."""
    words = [t for t in tokens if _WORD.match(t)]
    if len(words) < 6 or len(words) * 10 < len(tokens) * 7:
        return False
    return any(w.strip(_AROUND_WORD).lower() in _FUNCTION_WORDS for w in words)


def block_is_code(shapes: Iterable[tuple[str, int]], *, paired: bool) -> bool:
    """Whether a fenced block holds code, from its lines' (shape, length).

    A block the fences open (``paired``) is code unless prose holds most of its
    characters, or two prose lines or more outnumber its code lines (a paragraph between
    two blocks whose fences were paired out of step, a quoted ransom note); what is
    neither (a tool's output, a request dump, a list of indicators) stays in the block.
    The text between a closing fence and the next opening one (``paired`` False) is
    code only when two code lines or more outweigh the rest: the block a lost fence
    left outside the pairing."""
    counts = dict.fromkeys(LINE_SHAPES, 0)
    lines = dict.fromkeys(LINE_SHAPES, 0)
    for shape, length in shapes:
        counts[shape] += length
        lines[shape] += 1
    if paired:
        if lines["prose"] >= 2 and lines["prose"] > lines["code"]:
            return False
        return counts["prose"] * 2 <= sum(counts.values())
    return lines["code"] >= 2 and 2 * counts["code"] > sum(counts.values())


#: What a line must hold to be a statement: code punctuation anywhere, or an opening a
#: keyword, command, instruction, dump row, option, cmdlet, directive or comment mark
#: makes (all lower case, hexadecimal, "-", "Verb-Noun", "#", "@", "/").
_STATEMENT_MARK = re.compile(r"[{}()\[\];=$<>\\|&^]")
_STATEMENT_OPENING = re.compile(
    r"[ \t]*+(?:[a-z#@/]|[0-9A-Fa-f]{4}|--?[A-Za-z]|[A-Z][a-z]+-[A-Z]|\*/|(?i:end[ \t]|on[ \t]+error))"
)


def run_shape(line: str) -> str:
    """A line's shape for :func:`code_runs`: :func:`line_shape`'s when the line may be a
    statement; a line that holds nothing a statement needs (no code punctuation, and no
    statement's opening or two characters at most) is, without reading it further,
    ``prose`` when it holds six words or more (it ends a run) and ``other`` when it is
    shorter (it may stand between two statements)."""
    head = line[:_READ]
    if _STATEMENT_MARK.search(head) or (len(head) > 2 and _STATEMENT_OPENING.match(head)):
        return line_shape(line)
    return "prose" if len(head.split(None, 6)) > 6 else "other"


#: Fewest statement lines that make a run of lines without fences a code block.
_RUN_CODE = 3


def code_runs(shapes: Sequence[str | None]) -> list[tuple[int, int]]:
    """The runs ``(first, end)`` of lines that are a code block without fences (a script,
    a rule or a structure quoted in a PDF's text), from the lines' shapes: three code
    lines or more, one line of another shape at most between two of them (a rule's "all
    of them", an argument wrapped onto the next line); a prose line ends a run, blank
    lines (``""``) do not, a line already placed (``None``: in a fenced block, a mail
    header) does."""
    runs: list[tuple[int, int]] = []
    first: int | None = None
    last = count = 0
    between = False  # a line of another shape stands after the last code line
    for index, shape in enumerate(shapes):
        if shape == "":
            continue
        if shape == "code":
            if first is None:
                first, count = index, 0
            count, last, between = count + 1, index, False
            continue
        if first is not None and shape in ("other", "indicator") and not between:
            between = True
            continue
        if first is not None and count >= _RUN_CODE:
            runs.append((first, last + 1))
        first, between = None, False
    if first is not None and count >= _RUN_CODE:
        runs.append((first, last + 1))
    return runs
