from __future__ import annotations

from unmask.reference.attack import attack_data, attack_version, clean_attack_text


def test_version_and_basic_fields() -> None:
    data = attack_data()
    assert data.version == attack_version()
    assert data.version.split(".")[0].isdigit()
    tech = data.get("T1566.001")
    assert tech is not None
    assert tech.name == "Spearphishing Attachment"
    assert tech.parent == "T1566"
    assert tech.tactics == ("initial-access",)
    assert tech.active
    assert data.display_name("T1566.001") == "Phishing: Spearphishing Attachment"
    assert "spearphishing" in tech.description.lower()
    # Full descriptions (from the MISP galaxy), not the 300-character lookup cut.
    assert len(tech.description) > 400


def test_active_table_is_enterprise_sized() -> None:
    data = attack_data()
    active = data.active()
    assert 550 < len(active) < 1000
    assert all(t.active for t in active)
    assert {"T1656", "T1583.001", "T1566"} <= {t.id for t in active}


def test_revoked_points_at_successor() -> None:
    data = attack_data()
    old = data.get("T1086")  # PowerShell, revoked by Command and Scripting Interpreter: PowerShell
    assert old is not None and old.revoked
    assert old.successor == "T1059.001"
    assert data.resolve("T1086") == "T1059.001"
    assert data.resolve("T1059.001") == "T1059.001"
    assert data.resolve("T9999") is None


def test_deprecated_subtechnique_falls_back_to_parent() -> None:
    data = attack_data()
    deprecated = [t for t in data if t.deprecated and not t.revoked and t.parent is not None]
    for tech in deprecated:
        parent = data.get(tech.parent or "")
        if parent is not None and parent.active:
            assert data.resolve(tech.id) == parent.id
    for tech in data:
        if tech.deprecated and tech.parent is None:
            assert data.resolve(tech.id) is None


def test_procedures_are_clean_sentences() -> None:
    data = attack_data()
    procs = data.procedures["T1566.001"]
    assert len(procs) > 50
    assert all("(Citation:" not in p and "](http" not in p for p in procs)


def test_clean_attack_text() -> None:
    raw = (
        "[APT28](https://attack.mitre.org/groups/G0007) used `cmd.exe` to run scripts."
        "(Citation: Example Report 2020)"
    )
    assert clean_attack_text(raw) == "APT28 used cmd.exe to run scripts."
