"""One test per obfuscation trick that `deobfuscate` undoes (issue 13). Training and scoring both
go through `ModerationFeatures`, which calls it, so the model sees one canonical form."""

import pytest

from moderation.features import ModerationFeatures, deobfuscate, lexicon, LEXICON_NAMES


def test_asterisk_replacing_a_letter_in_an_english_word_is_restored():
    assert deobfuscate("f*cking dealer") == "fucking dealer"
    assert deobfuscate("you st*pid id*ot") == "you stupid idiot"
    assert deobfuscate("f**k off") == "fuck off"
    assert deobfuscate("the k*ng") == "the king"


def test_asterisk_in_a_word_outside_the_lexicon_is_only_dropped():
    assert deobfuscate("my c*r is fine") == "my cr is fine"


def test_hyphens_and_dots_inside_english_words_are_removed():
    assert deobfuscate("what a sh-i-t service") == "what a shit service"
    assert deobfuscate("s.e.l.l.i.n.g my dashcam") == "selling my dashcam"


def test_hyphens_dots_and_underscores_inside_thai_words_are_removed():
    assert deobfuscate("ไอ้เ-หี้-ย") == "ไอ้เหี้ย"
    assert deobfuscate("ไอ้ค.ว.า.ย ตอบมั่ว").startswith("ไอ้ควาย")
    assert deobfuscate("เห_ี้ย เอ๊ย").startswith("เหี้ย")


def test_a_latin_letter_slipped_inside_a_thai_word_is_dropped():
    assert deobfuscate("ไอ้คxวาย จอดขวาง").startswith("ไอ้ควาย")
    assert deobfuscate("ไอ้สxัส").startswith("ไอ้สัส")


def test_a_latin_letter_replacing_a_thai_letter_is_restored_from_the_lexicon():
    assert deobfuscate("ไอ้คxย") == "ไอ้ควย"
    assert deobfuscate("ส*ส") == "สัส"


def test_a_lone_latin_letter_in_an_ordinary_thai_phrase_is_dropped_harmlessly():
    assert deobfuscate("รถxรุ่นใหม่") == "รถรุ่นใหม่"


def test_spaced_letters_are_joined():
    assert deobfuscate("f u c k this traffic") == "fuck this traffic"
    assert deobfuscate("ไอ้ ค ว า ย ที่ตอบ").startswith("ไอ้ควาย")


def test_repeated_characters_are_collapsed():
    assert deobfuscate("ไอ้เหี้ยยยยยย") == "ไอ้เหี้ย"
    assert deobfuscate("fuuuuuck") == "fuuck"


def test_leetspeak_is_folded():
    assert deobfuscate("d1ckhead mechanic") == "dickhead mechanic"
    assert deobfuscate("a$$hole") == "asshole"


def test_lookalike_letters_from_other_scripts_are_folded():
    assert deobfuscate("іdіоt") == "idiot"  # Cyrillic і and о


@pytest.mark.parametrize("text", ["ป.ล. เปลี่ยนน้ำมันเครื่องทุก 10,000 กม.", "ราคา 1,500 บาท", "ใช้EVดีไหม", "my_car_club"])
def test_ordinary_text_keeps_its_meaningful_parts(text):
    cleaned = deobfuscate(text)
    assert cleaned.replace(" ", "")  # nothing is emptied
    digits = [c for c in text if c.isdigit()]
    assert [c for c in cleaned if c.isdigit()] == digits


def test_training_and_scoring_see_the_same_normalised_text():
    plain = ["ไอ้ควาย ตอบมั่ว", "fucking dealer", "ขายล้อแม็ก 8,000 ทักไลน์"]
    tricked = ["ไอ้ค.ว.า.ย ตอบมั่ว", "f*cking dealer", "ข.า.ย ล้อแม็ก 8,000 ทักไลน์"]
    features = ModerationFeatures().fit(plain + ["รถสตาร์ทไม่ติด", "เปลี่ยนยางที่ไหนดี"])
    a = features.transform_fast(plain).toarray()
    b = features.transform_fast(tricked).toarray()
    assert (abs(a - b) < 1e-9).all()
    assert (abs(features.transform(tricked).toarray() - b) < 1e-6).all()


def test_lexicon_features_name_what_they_saw():
    values = dict(zip(LEXICON_NAMES, lexicon(deobfuscate("the palace is full of useless leeches"))))
    assert values["royal"] and values["royal&neg"]
    values = dict(zip(LEXICON_NAMES, lexicon(deobfuscate("ทรงพระเจริญ ขอพระองค์ทรงพระเจริญ"))))
    assert values["royal_respect"] and not values["royal&neg"]
    values = dict(zip(LEXICON_NAMES, lexicon("คืนนี้เบาะหลังว่าง 🍆💦")))
    assert values["sex_emoji"] and values["sex_emoji_2"] and values["double&innuendo"]
