"""The image-host rule in linear time (review HIGH-1, session 10): each host name was
checked against every URL span of its host, so a text of many picture links on one host
(anyone can write a "[links]" block) took 21 s per MB."""

from __future__ import annotations

import time

from unmask import extract_observables


def _pictures(n: int) -> str:
    return "A newsletter\n" + "".join(f"\n[links]\nhttp://img.example-cdn.net/p{i}.png\n\n" for i in range(n))


def test_a_host_linked_only_for_pictures_is_an_image_host() -> None:
    found = {(o.type, o.value): o.role for o in extract_observables(_pictures(3))}
    assert found[("domain", "img.example-cdn.net")] == "benign"


def test_many_picture_links_on_one_host_stay_linear() -> None:
    text = _pictures(24000)  # about 1.1 MB
    started = time.process_time()
    extract_observables(text)
    assert time.process_time() - started < 6.0
