"""`render_markdown` skips bleach when markdown-it's HTML is already what bleach would give back;
its output must be exactly bleach's (`render_markdown_reference`) for every body: plain posts
(which take the shortcut), Markdown of every kind, hostile HTML, links and domain names in every
form the linkifier knows, control and odd characters, and random mixtures of all of these."""

import random

import pytest

from forum import rendering
from forum.rendering import render_markdown, render_markdown_reference
from moderation.classifier import CORPUS_DIR, load_examples

BODIES = [
    "", " ", "\n", "plain text", "ยางรั่ว ต้องเปลี่ยนไหมครับ", "hello\nworld", "hello  \nworld", "a\\\nb",
    "**bold** *em* _em_ __strong__ ~~del~~ `code`", "# h1\n## h2\n###### h6", "Setext\n===", "Setext\n---",
    "- a\n- b\n\n- loose", "1. one\n2. two", "3. starts at three", "* nested\n  * list\n    1. deep",
    "> quote\n> > nested", "---", "***", "a\n\n---\n\nb", "    indented code", "```\nfenced\n```", "```python\nx = 1\n```",
    "| a | b |\n|---|:-:|\n| 1 | 2 |", "![img](http://x.com/a.png)", "[link](https://example.com)", "[rel](/t/5)",
    "[js](javascript:alert(1))", "[data](data:text/html,<script>alert(1)</script>)", "<https://auto.link>",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=//evil></iframe>", "<style>body{}</style>", "<!-- comment -->", "<b onclick=x>b</b>",
    "&amp; &lt; &gt; &quot; &#39; &nbsp; &copy; &#x41; &bogus;", "a & b < c > d \" e ' f", "5 > 3 and 2 < 4",
    "see example.com now", "www.example.com", "http://example.com/path?q=1#x", "ftp://example.com",
    "mail me: a@b.com", "shop.co.th", "ราคา 5.5k บาท", "3.14159", "e.g. this", "end.", "U.S.A.", "v1.2.3",
    "(example.com)", "example.com.", "x.com/foo", "sub.domain.example.org:8080/x", "กรุงเทพ.com", "ไทย.ไทย",
    "foo.bar", "hello.world", "file.txt", "node.js", "a.b.c", ".com", "example .com", "EXAMPLE.COM",
    "tab\there", "ctrl \x01\x02\x07\x08 chars", "vt \x0b ff \x0c", "cr \r lf \n crlf \r\n", "nul \x00 x",
    "c1 \x80 \x85 \x9f", "del \x7f", "\ud800 lone surrogate \udfff", "noncharacter \ufdd0 \ufffe \uffff",
    "astral \U0001fffe \U0010ffff", "emoji 😀🍆 ok", "zero\u200bwidth", "rtl \u202e override", "ǅ ﬁ ｆｕｃｋ",
    "`<b>` in code", "`a & b`", "`example.com`", "    example.com in code", "**example.com**",
    "<p>raw p</p>", "</p>", "<br>", "line one\nline two\n\nparagraph", "trailing spaces   ", "\n\n\nlead",
    "\\*not em\\*", "*unclosed", "__*mixed*__", "~~~\ncode\n~~~", "- [ ] task", "1) paren list",
    "&", "&&", "&#0;", "&#x110000;", "a\u00a0b", "\u3000ideographic", "< not a tag", "a <b> c",
]


def _corpus_bodies() -> list[str]:
    return [example.text for name in ("train.jsonl", "dev.jsonl", "heldout.jsonl")
            for example in load_examples(CORPUS_DIR / name)]


def _random_bodies(seed: int = 7, count: int = 3000) -> list[str]:
    rng = random.Random(seed)
    pieces = [p for body in BODIES for p in body.split(" ")] + [
        "\n", "\n\n", "  ", "*", "**", "_", "`", "#", "- ", "1. ", "> ", "|", "[", "]", "(", ")", "<", ">", "&",
        ".", "..", ":", "/", "@", "http://", "https://", "www.", ".com", ".th", ".io", ".co.th", "ครับ", "รถ",
        "ยาง", "engine", "oil", "\x01", "\x0c", "\x7f", "\x85", "\ufffe", "😀", "\u200b", "'", '"',
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 25))) for _ in range(count)]


@pytest.mark.parametrize("body", BODIES)
def test_hand_written_bodies_render_as_bleach_renders_them(body):
    assert render_markdown(body) == render_markdown_reference(body)


def test_every_corpus_post_and_random_mixture_renders_as_bleach_renders_it():
    shortcut = 0
    bodies = _corpus_bodies() + _random_bodies()
    for body in bodies:
        assert render_markdown(body) == render_markdown_reference(body), repr(body)
        html = rendering._markdown.render(body)
        shortcut += bool(rendering._UNCHANGED_BY_BLEACH.fullmatch(html))
    assert shortcut > len(bodies) // 3  # the shortcut is taken, and often


def test_hostile_html_is_still_cleaned():
    for body in ("<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>"):
        html = render_markdown(body)
        assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert render_markdown("see example.com") == (
        '<p>see <a href="http://example.com" rel="nofollow ugc noopener">example.com</a></p>\n')
