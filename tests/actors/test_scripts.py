"""Actor names in non-Latin scripts (the Chinese, Korean, Russian, Arabic names sources
list) are found in text: NFKC and case folding, Unicode-aware word boundaries (none
in Han and kana, the start only in Hangul), and threat words around them."""

from __future__ import annotations

import pytest

from unmask.extract.actors import extract_actors
from unmask.reference.actor_names import build_actor_gazetteer, load_actor_gazetteer, script_key
from unmask.reference.actors import ActorSources, Cluster, build_actor_graph

ATTACK = "mitre-attack"
GRAPH = build_actor_graph(
    ActorSources(
        (
            Cluster(ATTACK, "s1", "Quill Otter", ("Quill Otter", "Перо Выдры", "깃털수달"), attack_id="G9101"),
            Cluster(ATTACK, "s2", "Lantern Moth", ("Lantern Moth", "灯笼蛾", "ランタン蛾"), attack_id="G9102"),
            Cluster(ATTACK, "s3", "Sand Heron", ("Sand Heron", "مالك الحزين"), attack_id="G9103"),
        )
    )
)
HEAD = "Bulletin\n\n"  # a first line is a title, where another rule applies


def found(text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.actor_id) for m in extract_actors(HEAD + text, graph=GRAPH).mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("近期灯笼蛾组织发起了钓鱼攻击。", [("灯笼蛾", "G9102")]),  # no spaces around a Han name
        ("ランタン蛾による標的型攻撃が続いている。", [("ランタン蛾", "G9102")]),
        ("해커 조직 깃털수달은 공격을 계속했다.", [("깃털수달", "G9101")]),  # a particle after it
        ("Хакерская группировка Перо Выдры атакует банки.", [("Перо Выдры", "G9101")]),
        ("ХАКЕРЫ из ПЕРО ВЫДРЫ снова атакуют.", [("ПЕРО ВЫДРЫ", "G9101")]),  # case-folded
        ("Перо‑Выдры: новая атака хакеров.", [("Перо‑Выдры", "G9101")]),  # a non-breaking hyphen
        ("نفذت مجموعة مالك الحزين هجمات تجسس.", [("مالك الحزين", "G9103")]),
        ("The 灯笼蛾 group used a new backdoor.", [("灯笼蛾", "G9102")]),  # English threat words
    ],
)
def test_script_names_with_threat_words_are_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "夜里灯笼蛾绕着灯飞。",  # the moth itself, no threat words
        "Птица перо выдры нашла у реки.",  # ordinary words, no threat words
        "Специалисты изучают Перо Выдрыч и атаки хакеров.",  # inside a longer word
        "새깃털수달 공격",  # Hangul: a letter before the name
        "شاهدنا مالك الحزين قرب النهر.",  # the bird
    ],
)
def test_script_names_without_threat_words_or_inside_words_are_not(text: str) -> None:
    assert found(text) == []


def test_script_names_are_compiled_once_and_folded() -> None:
    gazetteer = build_actor_gazetteer(GRAPH)
    assert script_key("ПЕРО-ВЫДРЫ") == script_key("перо выдры") == "перо выдры"
    text = "x ＡＢ 灯笼蛾 y"
    [(start, end, index)] = gazetteer.scan_scripts(text)
    assert text[start:end] == "灯笼蛾" and gazetteer.entries[index].risk == "script"


def test_the_installed_sources_chinese_names_are_found() -> None:
    gazetteer = load_actor_gazetteer()
    if gazetteer.scripts is None:
        pytest.skip("no source lists a name in another script")
    text = HEAD + "海莲花组织近期发起了新的攻击活动。"
    assert [m.actor_id for m in extract_actors(text).mentions] == ["G0050"]
