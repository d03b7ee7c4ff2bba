"""An actor named only as an example or a comparison is not what the other sentences speak of."""

from __future__ import annotations

import unmask


def test_an_aside_actor_gets_no_attribution_or_event_from_other_sentences() -> None:
    text = (
        "For instance, Sandworm once used a rare wiper. By contrast, the Quillrat toolkit is "
        "tied to Chinese groups and has been used in many attacks since 2012."
    )
    analysis = unmask.analyze(text)
    assert [a.actor_id for a in analysis.actors] == ["G0034"]
    assert analysis.attributions and all(a.actor_ids == () for a in analysis.attributions)
    assert analysis.events and all(e.actor_ids == () for e in analysis.events)


def test_an_actor_the_text_is_about_keeps_its_links() -> None:
    text = "Sandworm used a rare wiper. The group is tied to Russia and has been active since 2012."
    analysis = unmask.analyze(text)
    assert any(a.actor_ids == ("G0034",) for a in analysis.attributions)
    assert any(e.actor_ids == ("G0034",) for e in analysis.events)


def test_an_actor_named_as_an_aside_and_as_the_subject_keeps_its_links() -> None:
    text = (
        "Groups such as APT28 favour phishing. APT28 sent the lures in May. "
        "The group is tied to Russia and has been active since 2012."
    )
    analysis = unmask.analyze(text)
    assert any(a.actor_ids == ("G0007",) for a in analysis.attributions)


def test_the_aside_sentence_itself_stays_linked() -> None:
    text = "Unlike APT28, which is tied to Russia, the newcomer works alone. It began in 2019."
    analysis = unmask.analyze(text)
    russia = [a for a in analysis.attributions if a.value == "RU"]
    assert russia and russia[0].actor_ids == ("G0007",)


def test_a_sentence_opening_as_an_example_is_an_aside_across_a_line_break() -> None:
    # a PDF's line break inside the sentence (the second line reads as a passage of its own)
    text = (
        "Loaders like this are common. An example is the Quillrat Lite build (also known as\n"
        "Quillrat 3) used by a crew later tracked as APT28 against targets in the east.\n\n"
        "The toolkit we describe is tied to Chinese operators and has been active since 2014."
    )
    analysis = unmask.analyze(text)
    assert [a.actor_id for a in analysis.actors] == ["G0007"]
    assert analysis.attributions and all(a.actor_ids == () for a in analysis.attributions)
