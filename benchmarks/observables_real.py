#!/usr/bin/env python3
"""Observable roles on real reports: unmask beside ioc-finder and iocsearcher.

usage: python benchmarks/observables_real.py [--labels DIR] [--corpus DIR] [--eval DIR] [--json] [--errors]
                                             [--skip-peers]

The labels (``tests/fixtures/observables/real/*.json``) were written by hand, one file
per document of ``../shared/corpus`` (or per record of a JSON-lines file of
``../shared/eval``: ``--eval``): every observable the text holds, judged from its
context as ``indicator`` (an attacker-controlled or malicious artefact a defender would
block or hunt), ``reference`` (a cited source, advice link, publisher image, companion
file) or ``benign`` (with the reason: OS part, provider, publisher, placeholder, example,
wrong type ...), plus the indicators the text holds that unmask missed when the labels
were made. A label file holds the document's sha256, each value with its type, role,
reason, offset and a short hash of its context - never the report's text.

Scored, per document and summed (micro):

- **indicator precision / recall / F1**: a tool's indicators against the labelled ones
  (anything a peer finds counts as its indicator: they have no roles). A value the
  tool calls an indicator that no label names is a false positive (the labels list
  every observable of the text).
- **reference accuracy**: labelled references the tool gives the role ``reference``;
  **benign accuracy**: labelled benign values the tool does not call indicators
  (missing them is fine);
- **hidden by provider**: labelled indicators the tool calls benign because of a
  warninglist (the attacker's mailbox on a webmail provider);
- **non-indicators exported**: labelled references and OS parts the tool calls
  indicators (what would reach a STIX indicator or a MISP ``to_ids`` attribute).

CVE ids are left out (a vulnerability is neither blocked nor hunted: it is exported as
a STIX vulnerability, not an indicator). ``core`` repeats the indicator figures on the
types all three tools extract (domain, IP, URL, e-mail, hash), the fair comparison.
Values compare case-insensitively; a URL's trailing slash is ignored; file names and
paths are one type.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = REPO / "tests" / "fixtures" / "observables" / "real"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

#: Types left out of the scores (see the module docstring).
UNSCORED = frozenset({"cve"})
#: Types every compared tool extracts.
CORE = frozenset({"domain", "ipv4", "ipv6", "ipv4_cidr", "url", "email", "md5", "sha1", "sha256", "sha512"})
_FILE = {"file_name": "file", "file_path": "file"}

#: (type, normalised value) -> role
Roles = dict[tuple[str, str], str]


def key(kind: str, value: str) -> tuple[str, str]:
    """The comparison key of an observable."""
    kind = _FILE.get(kind, kind)
    value = value.strip().lower()
    if kind == "url":
        value = value.rstrip("/")
    return kind, value


def load_labels(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]


def gold_roles(label: dict[str, Any]) -> Roles:
    return {key(o["type"], o["value"]): o["role"] for o in label["observables"]}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ref_ok: int = 0
    ref_total: int = 0
    benign_ok: int = 0
    benign_total: int = 0
    hidden_by_provider: list[str] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    core_tp: int = 0
    core_fp: int = 0
    core_fn: int = 0

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    def figures(self) -> dict[str, Any]:
        p = self._ratio(self.tp, self.tp + self.fp)
        r = self._ratio(self.tp, self.tp + self.fn)
        cp = self._ratio(self.core_tp, self.core_tp + self.core_fp)
        cr = self._ratio(self.core_tp, self.core_tp + self.core_fn)
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "reference_accuracy": round(self._ratio(self.ref_ok, self.ref_total), 3),
            "benign_accuracy": round(self._ratio(self.benign_ok, self.benign_total), 3),
            "hidden_by_provider": len(self.hidden_by_provider),
            "non_indicators_exported": len(self.exported),
            "core_precision": round(cp, 3),
            "core_recall": round(cr, 3),
        }  # fmt: skip


def score_document(gold: Roles, predicted: Roles, score: Score, *, provider_hidden: Iterable[tuple[str, str]] = (),
                   name: str = "", os_reasons: dict[tuple[str, str], str] | None = None) -> None:
    """Add one document's counts to ``score``; ``predicted`` maps keys to the tool's roles."""
    hidden = set(provider_hidden)
    for k, role in gold.items():
        if k[0] in UNSCORED:
            continue
        got = predicted.get(k)
        core = k[0] in CORE
        if role == "indicator":
            if got == "indicator":
                score.tp += 1
                score.core_tp += core
            else:
                score.fn += 1
                score.core_fn += core
                score.errors.append(f"{name}: missed {k[0]} {k[1]!r} (got {got})")
                if k in hidden:
                    score.hidden_by_provider.append(f"{name}: {k[1]}")
        elif role == "reference":
            score.ref_total += 1
            score.ref_ok += got == "reference"
        else:
            score.benign_total += 1
            score.benign_ok += got != "indicator"
        if role != "indicator" and got == "indicator":
            score.fp += 1
            score.core_fp += core
            score.errors.append(f"{name}: {role} {k[0]} {k[1]!r} called indicator")
            reason = (os_reasons or {}).get(k, "")
            if role == "reference" or reason == "os-part":
                score.exported.append(f"{name}: {k[1]}")
    for k, got in predicted.items():
        if k not in gold and got == "indicator" and k[0] not in UNSCORED:
            score.fp += 1
            score.core_fp += k[0] in CORE
            score.errors.append(f"{name}: unlabelled {k[0]} {k[1]!r} called indicator")


# -- the tools -------------------------------------------------------------------


def _unmask(text: str, document: Any) -> tuple[Roles, set[tuple[str, str]]]:
    """What a user gets: the observables of ``unmask.analyze`` (the pipeline's passages,
    and for STIX/MISP the objects' own observables), not the extractor called alone."""
    import unmask

    roles: Roles = {}
    hidden: set[tuple[str, str]] = set()
    for obs in unmask.analyze(document).observables:
        k = key(obs.type, obs.value)
        role = getattr(obs, "role", "indicator" if obs.is_indicator else "benign")
        # A value written several times takes its strongest role (indicator > reference > benign).
        if roles.get(k) != "indicator" and not (roles.get(k) == "reference" and role == "benign"):
            roles[k] = role
        if role != "indicator" and any(r.startswith("warninglist:") for r in obs.benign_reasons):
            hidden.add(k)
    return roles, hidden


_IOCFINDER = {
    "urls": "url", "domains": "domain", "ipv4s": "ipv4", "ipv6s": "ipv6", "ipv4_cidrs": "ipv4_cidr",
    "email_addresses": "email", "email_addresses_complete": "email", "md5s": "md5", "sha1s": "sha1",
    "sha256s": "sha256", "sha512s": "sha512", "ssdeeps": "ssdeep", "asns": "asn", "cves": "cve",
    "file_paths": "file_path", "registry_key_paths": "registry_key", "mac_addresses": "mac",
    "user_agents": "user_agent", "bitcoin_addresses": "btc", "monero_addresses": "xmr",
    "ethereum_addresses": "eth",
}  # fmt: skip


def _iocfinder(text: str, document: Any) -> tuple[Roles, set[tuple[str, str]]]:
    from ioc_finder import find_iocs

    roles: Roles = {}
    for name, values in find_iocs(text).items():
        kind = _IOCFINDER.get(name)
        if kind is None or not isinstance(values, list):
            continue
        for value in values:
            if isinstance(value, str):
                roles[key(kind, value)] = "indicator"
    return roles, set()


_IOCSEARCHER = {
    "url": "url", "fqdn": "domain", "ip4": "ipv4", "ip6": "ipv6", "ip4Net": "ipv4_cidr", "email": "email",
    "md5": "md5", "sha1": "sha1", "sha256": "sha256", "cve": "cve", "registry": "registry_key",
    "bitcoin": "btc", "monero": "xmr", "ethereum": "eth",
}  # fmt: skip


def _iocsearcher(text: str, document: Any) -> tuple[Roles, set[tuple[str, str]]]:
    from iocsearcher.searcher import Searcher

    searcher = _SEARCHER.get("s")
    if searcher is None:
        searcher = _SEARCHER["s"] = Searcher()
    roles: Roles = {}
    for ioc in searcher.search_data(text):
        kind = _IOCSEARCHER.get(ioc.name)
        if kind is not None:
            roles[key(kind, str(ioc.value))] = "indicator"
    return roles, set()


_SEARCHER: dict[str, Any] = {}
TOOLS: dict[str, Callable[[str, Any], tuple[Roles, set[tuple[str, str]]]]] = {
    "unmask": _unmask, "ioc-finder": _iocfinder, "iocsearcher": _iocsearcher,
}  # fmt: skip


def _eval_record(path: Path, ident: str) -> bytes:
    """The text of one record (``id``) of an evaluation set's JSON-lines file, as bytes."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("id") == ident:
                return str(record["text"]).encode("utf-8")
    raise SystemExit(f"{path}: no record {ident!r}")


def read_document(corpus: Path, label: dict[str, Any], evaluation: Path | None = None) -> tuple[str, Any]:
    """The document's text (as unmask reads it: the labels' offsets refer to it) and the
    document itself. A label whose document names a ``collection`` of ``eval`` and an ``id``
    is a record of a JSON-lines file of ``../shared/eval`` (``evaluation``, by default beside
    the corpus); its sha256 is that of the record's text."""
    import unmask

    doc = label["document"]
    if doc.get("collection") == "eval":
        path = (evaluation or corpus.parent / "eval") / doc["file"]
        data = _eval_record(path, doc["id"])
        name = f"{doc['id']}.txt"
    else:
        path = corpus / doc["file"]
        data = path.read_bytes()
        name = ""
    digest = hashlib.sha256(data).hexdigest()
    if digest != doc["sha256"]:
        raise SystemExit(f"{path}: sha256 {digest} does not match the labels ({doc['sha256']})")
    document = unmask.read(data, name=name) if name else unmask.read(str(path))
    return document.text, document


def run(labels: list[dict[str, Any]], corpus: Path, tools: Iterable[str],
        evaluation: Path | None = None) -> dict[str, Score]:
    scores = {tool: Score() for tool in tools}
    for label in labels:
        text, document = read_document(corpus, label, evaluation)
        gold = gold_roles(label)
        reasons = {key(o["type"], o["value"]): o.get("reason", "") for o in label["observables"]}
        name = label["document"].get("id") or Path(label["document"]["file"]).name
        for tool, score in scores.items():
            predicted, hidden = TOOLS[tool](text, document)
            score_document(gold, predicted, score, provider_hidden=hidden, name=name, os_reasons=reasons)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--eval", type=Path, default=None, dest="evaluation",
                        help="../shared/eval (default: beside --corpus), for labels of its records")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list unmask's errors")
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    labels = load_labels(args.labels)
    if not labels:
        raise SystemExit(f"no label files in {args.labels}")
    tools = ["unmask"] if args.skip_peers else list(TOOLS)
    scores = run(labels, args.corpus, tools, args.evaluation)
    counts: dict[str, int] = {}
    for label in labels:
        for k, role in gold_roles(label).items():
            if k[0] not in UNSCORED:
                counts[role] = counts.get(role, 0) + 1
    formats = sorted({label["document"]["format"] for label in labels})
    if args.json:
        print(json.dumps({"documents": len(labels), "labels": counts, "formats": formats,
                          "tools": {t: s.figures() for t, s in scores.items()}}, indent=2, sort_keys=True))
    else:
        print(f"{len(labels)} documents ({', '.join(formats)}); labelled: "
              + ", ".join(f"{n} {r}" for r, n in sorted(counts.items())))
        head = f"{'tool':12} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5} {'ref':>6} {'benign':>6} " \
               f"{'hidden':>6} {'export':>6} {'coreP':>6} {'coreR':>6}"
        print(head)
        for tool, score in scores.items():
            f = score.figures()
            print(f"{tool:12} {f['precision']:6.3f} {f['recall']:6.3f} {f['f1']:6.3f} {f['tp']:5d} {f['fp']:5d} "
                  f"{f['fn']:5d} {f['reference_accuracy']:6.3f} {f['benign_accuracy']:6.3f} "
                  f"{f['hidden_by_provider']:6d} {f['non_indicators_exported']:6d} {f['core_precision']:6.3f} "
                  f"{f['core_recall']:6.3f}")
    if args.errors:
        for line in scores["unmask"].errors:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
