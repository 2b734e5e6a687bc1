from __future__ import annotations

from forum.search_text import (
    compound_parts, concept_token, fts5_expression, highlight, index_terms, parse_query, snippet, tsquery_expression,
)


def test_thai_compounds_are_indexed_with_their_parts():
    assert set(compound_parts("น้ำมันเครื่อง")) >= {"น้ำมัน", "เครื่อง"}
    title, body = index_terms("เปลี่ยนน้ำมันเครื่องทุกกี่กิโล", "ใช้ 5w-30").split("\n")
    assert {"น้ำมันเครื่อง", "น้ำมัน", "เครื่อง", concept_token("part.engine_oil")} <= set(title.split())
    assert {"5w30", "5w", "30"} <= set(body.split())


def test_title_and_body_stay_apart_and_every_word_is_one_engine_token():
    terms = index_terms("Yaris แบตหมด", "body text")
    title, body = terms.split("\n")
    assert "yaris" in title.split() and "body" in body.split()
    assert all(word.isalnum() for word in terms.split())  # no punctuation either engine would split on


def test_a_mixed_query_asks_for_the_thai_word_and_oil_or_any_synonym_of_it():
    query = parse_query("เปลี่ยน oil")
    expression = fts5_expression(query)
    assert '"เปลี่ยน"*' in expression and '"oil"*' in expression
    assert concept_token("part.engine_oil") in expression and " AND " in expression
    assert concept_token("part.engine_oil") in tsquery_expression(query) and "'oil':*" in tsquery_expression(query)


def test_a_word_typed_half_way_is_matched_as_a_prefix_of_the_joined_pieces():
    expression = fts5_expression(parse_query("น้ำมันเครื่"))
    assert '"น้ำมันเครื่"*' in expression or '"เครื่"*' in expression


def test_operators_and_quotes_typed_by_members_are_plain_words():
    for typed in ('"', "NEAR(", "abs OR", "*", "'", "a\\b"):
        expression = fts5_expression(parse_query(typed))
        assert expression.count('"') % 2 == 0
        assert tsquery_expression(parse_query(typed)).count("'") % 2 == 0
    assert fts5_expression(parse_query("abs OR")).startswith('("abs"')


def test_question_phrasing_is_not_demanded_only_the_topic():
    expression = fts5_expression(parse_query("ทุกกี่กิโล เปลี่ยนน้ำมันเครื่อง"))
    assert concept_token("intent.interval") not in expression and concept_token("part.engine_oil") in expression
    assert concept_token("intent.interval") in fts5_expression(parse_query("ทุกกี่กิโล เปลี่ยนน้ำมันเครื่อง"), any_unit=True)


def test_highlighting_escapes_first_and_marks_words_and_synonyms():
    marks = parse_query("oil").marks
    html = str(highlight("<script>alert(1)</script> เช็คน้ำมันเครื่อง & Oil", marks))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    # the Thai synonym inside a Thai run, and the English word
    assert "เช็ค<mark>น้ำมันเครื่อง</mark>" in html and "<mark>Oil</mark>" in html


def test_an_oil_change_phrase_is_marked_whole_as_the_vocabulary_lists_it():
    # (sixteenth duplicates pass) "เปลี่ยนน้ำมันเครื่อง" joined "ถ่ายน้ำมันเครื่อง" as a form of engine oil
    marks = parse_query("oil").marks
    assert str(highlight("ถ่ายน้ำมันเครื่อง / เปลี่ยนน้ำมันเครื่อง", marks)) == (
        "<mark>ถ่ายน้ำมันเครื่อง</mark> / <mark>เปลี่ยนน้ำมันเครื่อง</mark>")


def test_a_snippet_is_a_window_around_the_first_match():
    body = "ก" * 400 + " ใช้น้ำมันเครื่องสังเคราะห์ " + "ข" * 400
    html = str(snippet(body, parse_query("น้ำมัน").marks))
    assert html.startswith("…") and html.endswith("…") and "<mark>น้ำมัน</mark>" in html
    assert str(snippet("no match here", parse_query("น้ำมัน").marks)) == "no match here"


def test_a_one_letter_word_matches_whole_not_as_a_prefix_of_every_word():
    fts5, tsquery = fts5_expression(parse_query("x brake")), tsquery_expression(parse_query("x brake"))
    assert '"x"' in fts5 and '"x"*' not in fts5 and '"brake"*' in fts5
    assert "'x'" in tsquery and "'x':*" not in tsquery and "'brake':*" in tsquery


def test_thai_stop_words_between_topic_words_are_phrasing_not_demanded():
    # "ใน" as a prefix matched most indexed Thai words and is not what the member asks for.
    for expression in (fts5_expression(parse_query("เสียงในคอนโซล")), tsquery_expression(parse_query("เสียงในคอนโซล"))):
        assert "ใน" not in expression and "เสียง" in expression and "คอนโซล" in expression
    assert "ใน" in fts5_expression(parse_query("ใน"))  # alone, it is all there is to search for


def test_highlighting_ignores_case_and_keeps_the_text_as_typed():
    pads = parse_query("brake pad").marks
    assert str(highlight("Worn BRAKE-Pads", pads)) == "Worn <mark>BRAKE-Pads</mark>"  # the phrase, as one
    brake = parse_query("brake").marks
    assert str(highlight("BRAKE noise, brakes", brake)) == "<mark>BRAKE</mark> noise, <mark>brakes</mark>"
    assert str(highlight("abrake", brake)) == "abrake"  # English marks start at a word's start
    # A character whose lower case is longer ("İ" -> "i̇") must not shift the marks.
    assert str(highlight("İİ Brake", brake)) == "İİ <mark>Brake</mark>"
