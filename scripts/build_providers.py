"""Regenerate ``src/unmask/data/providers.json``: shared providers observables are judged by.

usage: python scripts/build_providers.py [--out src/unmask/data/providers.json]

The file holds four lists, each entry a registrable domain, and says where each comes from:

* ``freemail``: free web-mail providers, where an address is a person's (or an
  attacker's) own mailbox, never the organisation's. Source ``curated``: the sign-up
  pages and help pages of the providers themselves, and the providers ransom notes and
  phishing kits in public reports use; no MISP warninglist lists free web-mail.
* ``customer_subdomains``: providers that give each customer a host name of their own
  under their domain (blogs, site builders, free hosting, dynamic DNS). A name under
  one is the customer's (``evil.typepad.com``), the provider's own name is not. The
  Public Suffix List's private section (``github.io``, ``blogspot.com``, ``no-ip.org``
  ...) and MISP's ``dynamic-dns`` warninglist already say this for their domains and are
  read at run time from the installed reference data; this list adds what neither holds,
  and the build drops an entry either of them covers (so the file stays the difference).

* ``dynamic_dns`` and ``free_hosting``: the kind of zone a customer's name stands in, for
  the zones neither MISP's ``dynamic-dns`` list nor the data above says it of (the
  Public Suffix List's private section names a zone, not what it is for). A name in a
  dynamic-DNS or free-hosting zone is taken in a minute, for free, and reports list such
  names as an attacker's; a blog or site builder, a code page or a cloud bucket is as
  often cited as abused. Source ``curated``: the providers' own pages (No-IP's, Dynu's,
  Oray's, 3322.org's and Hostinger's free zones ...); kept even where the Public Suffix
  List holds the zone.

The curated entries are kept in this file's ``CURATED`` (edit them here, with the reason
in the commit message); the build normalises, sorts and de-duplicates them, records the
versions of the lists it compared against and a digest of the content as ``version``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "unmask" / "data" / "providers.json"


def _words(text: str) -> list[str]:
    return text.split()


#: Free and app hosting: each customer a name of their own under the zone.
_FREE_HOSTING = (
    " 000webhostapp.com freehostia.com byethost.com epizy.com rf.gd infinityfreeapp.com altervista.org "
    "tripod.com angelfire.com glitch.me repl.co replit.app vercel.app surge.sh ngrok.io ngrok-free.app "
    "trycloudflare.com workers.dev web.app firebaseapp.com 16mb.com pe.hu esy.es hol.es besaba.com "
)
#: Dynamic DNS zones MISP's list does not hold (No-IP, Dynu, Oray, 3322.org, ChangeIP, FreeDNS ...).
_DYNAMIC_DNS = (
    " changeip.com dynu.net freedns.afraid.org duckdns.org noip.com ddns.me no-ip.org no-ip.biz no-ip.info "
    "noip.me freeddns.org mywire.org kozow.com camdvr.org ddnsfree.com accesscam.org vicp.net oicp.net "
    "f3322.net gnway.net nsupdate.info "
)

CURATED = {
    "freemail": _words(
        "gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.jp yahoo.fr ymail.com rocketmail.com outlook.com "
        "outlook.fr hotmail.com hotmail.co.uk hotmail.fr live.com msn.com aol.com icloud.com me.com mail.com email.com "
        "gmx.com gmx.de gmx.net gmx.us web.de proton.me protonmail.com protonmail.ch pm.me tutanota.com tutanota.de "
        "tutanota.io tutamail.com tuta.io yandex.com yandex.ru mail.ru inbox.ru bk.ru list.ru rambler.ru zoho.com "
        "naver.com daum.net hanmail.net nate.com qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn "
        "aliyun.com rediffmail.com fastmail.com hushmail.com mail.bg abv.bg seznam.cz libero.it cock.li onet.pl "
        "wp.pl o2.pl ukr.net airmail.cc firemail.cc memail.com onionmail.org keemail.me mailfence.com cyberfear.com "
        "disroot.org riseup.net secmail.pro dnmx.org msgsafe.io"
    ),
    "customer_subdomains": _words(
        # blogs and site builders
        "typepad.com wordpress.com tumblr.com livejournal.com weebly.com wix.com jimdo.com jimdofree.com "
        "squarespace.com blog.com over-blog.com webnode.com webs.com yolasite.com site123.me strikingly.com "
        "thoughts.com medium.com substack.com ucoz.ru ucoz.net narod.ru "
        # free and app hosting
        + _FREE_HOSTING
        # dynamic DNS not on MISP's list
        + _DYNAMIC_DNS
    ),
    "dynamic_dns": _words(_DYNAMIC_DNS),
    "free_hosting": _words(_FREE_HOSTING),
}


def _load_dynamic_dns() -> tuple[set[str], str]:
    from unmask.reference.sources import warninglists_dir

    path = Path(warninglists_dir()) / "dynamic-dns" / "list.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(x).strip(".").lower() for x in data["list"]}, str(data.get("version", ""))


def build() -> dict[str, object]:
    from unmask.reference.suffixes import load_suffixes

    private = load_suffixes().private
    ddns, ddns_version = _load_dynamic_dns()
    freemail = sorted({d.lower() for d in CURATED["freemail"]})
    hosts = sorted({d.lower() for d in CURATED["customer_subdomains"]} - private - ddns)
    # The kinds of zone are kept whole: the Public Suffix List names a zone, not its kind.
    dynamic_dns = sorted({d.lower() for d in CURATED["dynamic_dns"]} - ddns)
    free_hosting = sorted({d.lower() for d in CURATED["free_hosting"]})
    content = {"freemail": freemail, "customer_subdomains": hosts, "dynamic_dns": dynamic_dns,
               "free_hosting": free_hosting}  # fmt: skip
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return {
        "format": 1,
        "version": digest,
        "built": datetime.now(UTC).strftime("%Y-%m-%d"),
        "sources": {
            "curated": "scripts/build_providers.py CURATED: providers' own sign-up and help pages, public reports",
            "compared_against": {
                "public-suffix-list-private": f"{len(private)} private suffixes (installed copy)",
                "misp-warninglist-dynamic-dns": f"version {ddns_version}",
            },
        },
        **content,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data = build()
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['freemail'])} free-mail, {len(data['customer_subdomains'])} customer-subdomain providers")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
