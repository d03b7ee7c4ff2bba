"""``unmask actor NAME``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from unmask.cli import app

runner = CliRunner()


def test_ta406_is_explained_as_part_of_kimsuky() -> None:
    result = runner.invoke(app, ["actor", "TA406"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Kimsuky (G0094)" in out
    assert "TA406 is part of Kimsuky, per MISP galaxy threat-actor" in out
    assert "Names by vendor" in out and "Microsoft" in out and "CrowdStrike" in out
    assert "North Korea" in out


def test_json_shape() -> None:
    result = runner.invoke(app, ["actor", "Emerald Sleet", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["found"] is True and data["ambiguous"] is False
    assert data["actor"]["id"] == "G0094"
    assert data["match"]["vendor"] == "Microsoft"
    assert "Emerald Sleet" in data["aliases_by_vendor"]["Microsoft"]
    assert {"kind", "target", "target_name", "source", "likelihood"} <= set(data["actor"]["relations"][0])
    assert data["candidates"][0]["claims"]


def test_ambiguous_name_lists_every_candidate_with_claimant() -> None:
    result = runner.invoke(app, ["actor", "Grizzly Steppe"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "is ambiguous" in out
    assert "APT28 (G0007)" in out and "APT29 (G0016)" in out
    assert "claimed by MISP galaxy threat-actor" in out
    data = json.loads(runner.invoke(app, ["actor", "Grizzly Steppe", "-f", "json"]).stdout)
    assert data["ambiguous"] is True
    assert {c["actor_id"] for c in data["candidates"]} == {"G0007", "G0016"}


def test_unknown_name_exits_1_with_suggestions() -> None:
    result = runner.invoke(app, ["actor", "Kimsukky"])
    assert result.exit_code == 1
    assert "unknown actor" in result.stderr and "Kimsuky" in result.stderr
    result = runner.invoke(app, ["actor", "Kimsukky", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["found"] is False and "Kimsuky" in data["suggestions"]


def test_bad_format_is_a_usage_error() -> None:
    assert runner.invoke(app, ["actor", "APT43", "--format", "xml"]).exit_code == 2


def test_malware_one_group_uses_is_answered_as_a_weak_reading() -> None:
    # ATT&CK records ThreatNeedle as used by Lazarus Group alone; no source calls it an actor
    result = runner.invoke(app, ["actor", "ThreatNeedle"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "'ThreatNeedle' is no actor's name: one actor uses software of that name (a weak reading)" in out
    assert "Lazarus Group (G0032): uses" in out and "uses ThreatNeedle, per MITRE ATT&CK" in out
    data = json.loads(runner.invoke(app, ["actor", "ThreatNeedle", "--format", "json"]).stdout)
    assert data["weak"] is True and data["actor"]["id"] == "G0032"
    assert {c["relation"] for c in data["candidates"][0]["claims"]} >= {"uses"}


def test_malware_several_groups_use_is_contested_with_no_default_actor() -> None:
    result = runner.invoke(app, ["actor", "PlugX"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "several actors use software of that name (a weak reading)" in out
    assert "Names by vendor" not in out  # no one actor is shown as the answer
