"""A value whose rest is on the next line (a wrapped PDF line), read as one value.

Error class of the sixth labelled set (real_check6): cited URLs split over two lines gave a
truncated URL, a bogus domain made of the second half of a host and a "file name" of the
path's tail; a CVE id or a hash broken at a line end gave nothing. The texts are invented.
"""

from __future__ import annotations

import time

from unmask import extract_observables
from unmask.extract.observables.glued import layout_tokens


def _values(text: str) -> dict[str, str]:
    return {o.value: o.type for o in extract_observables(text)}


# -- URLs ------------------------------------------------------------------------


def test_host_cut_before_its_top_level_domain_is_joined() -> None:
    text = (
        "Miller, Ann. 2011. Power grids under attack. Viewed on 3 May 2012 at http://www.energywa\n"
        "   tch.net/grid/2011/attacks-on-power.html.\n"
    )
    found = _values(text)
    assert found.get("http://www.energywatch.net/grid/2011/attacks-on-power.html") == "url"
    assert "tch.net" not in found
    assert not [v for v in found if v.startswith("http://tch.net")]


def test_host_cut_after_a_dot_is_joined() -> None:
    text = (
        "A long report on the subject was published by the broadcaster online, see http://news.example.\n"
        "co.uk/world/europe/1234567.stm for the full story.\n"
    )
    found = _values(text)
    assert found.get("http://news.example.co.uk/world/europe/1234567.stm") == "url"
    assert "co.uk" not in found


def test_path_cut_after_a_slash_on_an_indented_line_is_joined() -> None:
    text = (
        "Defence Review 2009. Retrieved 12 June 2010 from http://www.defence-papers.org/library/annual/\n"
        "    2009/review-final-version.pdf.\n"
    )
    found = _values(text)
    url = "http://www.defence-papers.org/library/annual/2009/review-final-version.pdf"
    assert found.get(url) == "url"
    assert "review-final-version.pdf" not in found


def test_path_cut_after_a_hyphen_is_joined() -> None:
    text = (
        "The vendor described the campaign in detail at https://blog.vendor-example.com/2019/04/the-long-\n"
        "running-espionage-operation.html and named the group.\n"
    )
    found = _values(text)
    assert found.get("https://blog.vendor-example.com/2019/04/the-long-running-espionage-operation.html") == "url"


def test_path_cut_inside_a_word_under_a_hanging_indent_is_joined() -> None:
    text = (
        "Novak, Petr. 2007. Routers as a weapon. Retrieved on 9 July 2008, from http://www.netnews.com/tech/secur\n"
        "   ity-router-weapons.html.\n"
        "Olsen, Kari. 2006. Another paper. Retrieved on 2 May 2008, from http://www.papers.org/2006/olsen\n"
        "   /another-paper.pdf\n"
    )
    found = _values(text)
    assert found.get("http://www.netnews.com/tech/security-router-weapons.html") == "url"
    assert "ity-router-weapons.html" not in found
    assert found.get("http://www.papers.org/2006/olsen/another-paper.pdf") == "url"


def test_path_word_at_a_line_end_before_an_unindented_name_stays_whole() -> None:
    text = "Files fetched by the second stage from http://cdn.bad-example.com/files/setup\nupdate.exe\n"
    found = _values(text)
    assert found.get("http://cdn.bad-example.com/files/setup") == "url"
    assert found.get("update.exe") == "file_name"


def test_url_in_angle_brackets_runs_to_its_closing_bracket() -> None:
    text = (
        "12 J. Smith, 'Networks in trouble', Daily Paper, 4 May 2010,\n"
        "<http://www.dailypaper-example.com/view.php?section=tech&story=\n"
        "4488123&page=2> [Accessed 1 June 2011].\n"
    )
    found = _values(text)
    assert found.get("http://www.dailypaper-example.com/view.php?section=tech&story=4488123&page=2") == "url"


def test_rows_of_a_url_list_stay_apart() -> None:
    # Two rows starting alike: the second row is not the first row's rest.
    text = (
        "Browser history entry: URL is https://bad-example.mx/8812s/\n"
        "Browser history entry: URL is https://bad-example.mx/9921s/\n"
    )
    found = _values(text)
    assert found.get("https://bad-example.mx/8812s/") == "url"
    assert found.get("https://bad-example.mx/9921s/") == "url"


def test_url_ending_in_a_slash_before_a_sentence_stays_whole() -> None:
    text = "The payload was served from the address http://203.0.113.7/static/\nThe loader then ran it.\n"
    found = _values(text)
    assert found.get("http://203.0.113.7/static/") == "url"


def test_host_on_the_next_line_of_a_list_is_its_own() -> None:
    text = (
        "Command and control servers seen during this long investigation: http://relay.example.org/\n"
        "   backup.example.net/gate.php\n"
    )
    found = _values(text)
    assert found.get("http://relay.example.org/") == "url"
    assert found.get("backup.example.net") == "domain"


def test_short_line_of_a_list_is_not_joined() -> None:
    text = "C2:\nhttp://evil-example.com/a/\n  b.php\n"
    found = _values(text)
    assert "http://evil-example.com/a/b.php" not in found
    assert found.get("b.php") == "file_name"


# -- CVE ids and hashes ------------------------------------------------------------


def test_cve_id_broken_after_its_year_is_joined() -> None:
    text = "The documents carried an exploit for the equation editor flaw (CVE-2018-\n0802) and a decoy.\n"
    assert _values(text).get("CVE-2018-0802") == "cve"


def test_cve_id_broken_in_a_sentence_with_other_words() -> None:
    text = "Patched later, the bug tracked by the vendor as CVE-2021-\n   40444 was used in the first wave.\n"
    assert _values(text).get("CVE-2021-40444") == "cve"


def test_hash_broken_at_a_line_end_is_joined() -> None:
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    text = f"The second stage dropped by the macro has the SHA-256 {digest[:29]}\n{digest[29:]} on disk.\n"
    found = _values(text)
    assert found.get(digest) == "sha256"


def test_hex_runs_that_are_hashes_each_stay_apart() -> None:
    one = "d41d8cd98f00b204e9800998ecf8427e"
    two = "0cc175b9c0f1b6a831c399e269772661"
    text = f"These are the MD5 values of the two dropped components: {one}\n{two}\n"
    found = _values(text)
    assert found.get(one) == "md5" and found.get(two) == "md5"


# -- hostile input ------------------------------------------------------------------


def test_many_url_line_ends_stay_linear() -> None:
    row = "see the long line of text with http://www.example" + "a" * 20 + "/path-\n"

    def cost(n: int) -> float:
        text = row * n
        began = time.perf_counter()
        layout_tokens(text)
        return time.perf_counter() - began

    small, big = cost(2000), cost(8000)
    assert big < small * 8 + 0.05


def test_one_long_token_of_schemes_stays_linear() -> None:
    def cost(n: int) -> float:
        text = "x" * 50 + "://" * n + "\nrest/of.path\n"
        began = time.perf_counter()
        layout_tokens(text)
        return time.perf_counter() - began

    small, big = cost(20000), cost(80000)
    assert big < small * 8 + 0.05
