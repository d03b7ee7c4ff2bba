"""A warninglist hit on the provider is a reason, not a verdict (issue 15, item 4).

One decision for every observable type (``roles._own_part`` and ``roles._on_provider``):
what the value is of its own on the provider (a name in a dynamic-DNS zone, a mailbox on
web-mail, a path on a paste host, an address in a cloud range) and what its passage and
sentence say decide; the provider's bare name stays the provider's. Every text here is
written for the test.
"""

from __future__ import annotations

from unmask.extract.observables import extract_observables
from unmask.model import Observable


def _by_value(text: str) -> dict[tuple[str, str], Observable]:
    out: dict[tuple[str, str], Observable] = {}
    for obs in extract_observables(text):
        assert text[obs.span.start : obs.span.end] == obs.surface
        out.setdefault((obs.type, obs.value), obs)
    return out


# -- hidden by the provider before: now indicators, and the reason says why ---------------


def test_dynamic_dns_names_listed_without_a_cue_are_the_attackers() -> None:
    text = "Hosts seen in the second wave\nlantern-sync.hopto.org\nquietmoth.ddns.net\nbrackenfold.space\n"
    found = _by_value(text)
    for host in ("lantern-sync.hopto.org", "quietmoth.ddns.net"):
        obs = found[("domain", host)]
        assert obs.role == "indicator", host
        assert obs.reasons[:2] == ("provider-hosted", "dynamic-dns-host")
        assert any(r.startswith("warninglist:") for r in obs.reasons)  # the provider's hit is kept as a reason
        assert not obs.benign_reasons
    assert found[("domain", "brackenfold.space")].role == "indicator"


def test_a_dynamic_dns_name_in_prose_is_the_attackers() -> None:
    found = _by_value("Every ten minutes the loader reaches out to owlgate.dyndns.org or mossden.no-ip.biz over TLS.")
    assert found[("domain", "owlgate.dyndns.org")].role == "indicator"
    assert found[("domain", "mossden.no-ip.biz")].role == "indicator"
    # a blog on a platform named in passing is not (the text must tie it to the attacker)
    blog = _by_value("Every ten minutes the analyst reads mossden-notes.wordpress.com over coffee.")
    assert blog[("domain", "mossden-notes.wordpress.com")].role == "benign"


def test_a_name_under_a_domain_listed_only_for_mail_hosting_an_attackers_url() -> None:
    found = _by_value("The dropper then requests hxxp://brightfern.sharklasers.com/up/s.php with the host name.")
    host = found[("domain", "brightfern.sharklasers.com")]
    assert host.role == "indicator"
    assert host.reasons[:3] == ("provider-hosted", "mail-provider-host", "attacker-url")
    # a free-hosting zone's name in an attacker's URL says which part it is
    hosted = _by_value("The dropper then requests hxxp://brightfern.pe.hu/wp-content/uploads/s.php first.")
    assert hosted[("domain", "brightfern.pe.hu")].reasons[:3] == ("provider-hosted", "free-hosting-host", "attacker-url")


def test_mailboxes_on_webmail_are_the_attackers_and_say_so() -> None:
    found = _by_value("Mailboxes of the crew:\nferncopse.payments@gmail.com\nwillowmark7@protonmail.com\n")
    for box in ("ferncopse.payments@gmail.com", "willowmark7@protonmail.com"):
        assert found[("email", box)].role == "indicator"
        assert found[("email", box)].reasons[:2] == ("provider-hosted", "webmail-mailbox")
    assert found[("domain", "gmail.com")].role == "benign"
    assert found[("domain", "protonmail.com")].role == "benign"


def test_a_cloud_address_the_text_ties_to_the_attacker_and_one_it_does_not() -> None:
    text = "The web shell on 52.95.110.1 sent beacons to its operator.\nThe vendor's mirror at 52.95.110.2 serves updates.\n"
    found = _by_value(text)
    shell = found[("ipv4", "52.95.110.1")]
    assert shell.role == "indicator"
    assert shell.reasons[:3] == ("provider-hosted", "rented-address", "attacker-use-stated")
    mirror = found[("ipv4", "52.95.110.2")]
    assert mirror.role == "benign" and mirror.benign_reasons == ("warninglist:amazon-aws",)


# -- precision: the bare provider and what the sentence says otherwise -------------------


def test_bare_providers_stay_benign() -> None:
    text = (
        "The group took its names from the free service at dyndns.org, wrote from hotmail.com "
        "and kept files on drive.google.com.\n"
        "Hosts\nddns.net\nhopto.org\n"
    )
    found = _by_value(text)
    for host in ("dyndns.org", "hotmail.com", "drive.google.com", "ddns.net", "hopto.org"):
        assert found[("domain", host)].role == "benign", host


def test_a_dynamic_dns_name_given_as_an_example_cited_or_called_legitimate_is_not_an_indicator() -> None:
    example = _by_value("For example, myhome.dyndns.org would point at a home router.")[("domain", "myhome.dyndns.org")]
    assert (example.role, example.reasons[0]) == ("benign", "example")
    clean = _by_value("The legitimate updater checks vendor-status.ddns.net at start-up.")[
        ("domain", "vendor-status.ddns.net")
    ]
    assert (clean.role, clean.reasons[0]) == ("benign", "legitimate-use")
    cited = _by_value("For the whole write-up see lantern-notes.hopto.org this week.")[
        ("domain", "lantern-notes.hopto.org")
    ]
    assert (cited.role, cited.reasons[0]) == ("reference", "cited-source")
    mailbox = _by_value("A look-alike box (e.g. jane.fernway@mail.com) fools the clerk.")[("email", "jane.fernway@mail.com")]
    assert (mailbox.role, mailbox.reasons[0]) == ("benign", "example")


def test_a_name_under_a_big_provider_needs_the_text_to_tie_it_to_the_attacker() -> None:
    # a name of the provider's own service, and a customer's blog named in passing
    found = _by_value("Staff share notes through script.google.com and read ferngully-notes.blogspot.com daily.")
    assert found[("domain", "script.google.com")].role == "benign"
    assert found[("domain", "ferngully-notes.blogspot.com")].role == "benign"
    stated = _by_value("The C2 panel was at ferngully-panel.blogspot.com during May.")
    assert stated[("domain", "ferngully-panel.blogspot.com")].role == "indicator"


def test_the_zone_kind_comes_from_the_reference_lists() -> None:
    from unmask.reference.providers import customer_host, customer_zone
    from unmask.reference.suffixes import load_suffixes

    suffixes = load_suffixes()
    assert customer_zone("lantern-sync.hopto.org", suffixes) == "dynamic-dns"  # MISP's dynamic-dns list
    assert customer_zone("lantern-sync.no-ip.biz", suffixes) == "dynamic-dns"  # the data file (the PSL holds the zone)
    assert customer_zone("fernbox.pe.hu", suffixes) == "free-hosting"  # the data file
    assert customer_zone("fernbox.typepad.com", suffixes) == "platform"  # a blog (the data file)
    assert customer_zone("fernbox.blogspot.com", suffixes) == "platform"  # the Public Suffix List's private part
    assert customer_zone("hopto.org", suffixes) is None and customer_zone("www.typepad.com", suffixes) is None
    assert customer_zone("mail.lantern-corp.com", suffixes) is None
    for host in ("lantern-sync.hopto.org", "fernbox.typepad.com", "fernbox.blogspot.com", "hopto.org"):
        assert customer_host(host, suffixes) == (customer_zone(host, suffixes) is not None)


def test_a_ransom_notes_contact_box_on_webmail_is_the_attackers_and_a_vendors_is_not() -> None:
    note = _by_value("Your files are locked. To get the decryptor, contact us: moss.key@protonmail.com or fern.key@tutanota.com\n")
    assert note[("email", "moss.key@protonmail.com")].role == "indicator"
    assert note[("email", "fern.key@tutanota.com")].reasons[:2] == ("provider-hosted", "webmail-mailbox")
    vendor = _by_value("For questions about this report contact: threat-desk@lanternsec.com\n")
    assert vendor[("email", "threat-desk@lanternsec.com")].role == "benign"
    author = _by_value("Contact me at lantern.researcher@gmail.com for the samples.\n")
    assert author[("email", "lantern.researcher@gmail.com")].role == "benign"
