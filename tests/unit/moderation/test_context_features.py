"""Pass 11's context features (who a harsh word is aimed at, well-wishing, no sale, thanks, a
quote refuted), the per-model lexicon subset, the per-label threshold rule and the writing-pass
folds."""

from __future__ import annotations

import numpy as np
import pytest

from moderation import classifier
from moderation.features import (
    LEGACY_LEXICON_NAMES,
    LEXICON_NAMES,
    ModerationFeatures,
    deobfuscate,
    lexicon,
)


def _on(text: str) -> set[str]:
    return {name for name, value in zip(LEXICON_NAMES, lexicon(deobfuscate(text))) if value}


def test_harsh_word_about_a_thing_only():
    assert "thing_only&neg" in _on("this gearbox is useless, grinding every morning")
    assert "thing_only&neg" in _on("ลำโพงเดิมๆ นี่ขยะชัดๆ")
    # the same word aimed at a person, a group or an office is not "thing only"
    assert "thing_only&neg" not in _on("you are useless, your gearbox advice was wrong")
    assert "thing_only&neg" not in _on("the dealer is useless, the gearbox still grinds")
    assert "thing_only&neg" not in _on("เกียร์พังเพราะไอ้ช่างโง่")


def test_wellwish_only_needs_no_grievance_or_harsh_word():
    assert "wellwish_only" in _on("ขอให้ทรงพระเจริญ ชมรมจะไปลงนามถวายพระพร")
    assert "wellwish_only" in _on("long live the king, the convoy leaves at 7am")
    assert "wellwish_only" not in _on("long live the king, what a useless parasite")
    assert "wellwish_only" not in _on("ทรงพระเจริญ กินภาษีเราต่อไป")


def test_no_sale_is_price_talk_or_no_selling_without_an_offer():
    assert "no_sale" in _on("the wheels are not for sale, just asking")
    assert "no_sale" in _on("ค่าซ่อมหมดไปหมื่นสอง แพงไปมั้ย")
    assert "no_sale" not in _on("selling my wheels, not for sale to lowballers, dm me")
    assert "no_sale" not in _on("ปล่อยล้อแม็ก 7,000 ไม่ขายให้คนต่อราคา ทักมา")


def test_thanks_only_and_refuted_quote():
    assert "thanks_only" in _on("thank you to the officer who pushed my car off the road")
    assert "thanks_only" not in _on("thanks for nothing, the dealer broke it again")
    assert "refute&quote" in _on('someone wrote "women can\'t drive", that is not true')
    assert "refute&quote" in _on('มีคนพิมพ์ว่า "คนอีสานขับรถห่วย" ไม่เห็นด้วยเลย')
    assert "refute&quote" not in _on("women can't drive, not true? prove it")


def test_lexicon_subset_computes_only_the_names_asked():
    text = deobfuscate("this gearbox is useless and the palace is full of leeches")
    full = dict(zip(LEXICON_NAMES, lexicon(text)))
    legacy = lexicon(text, LEGACY_LEXICON_NAMES)
    assert len(legacy) == len(LEGACY_LEXICON_NAMES) < len(LEXICON_NAMES)
    assert legacy == [full[name] for name in LEGACY_LEXICON_NAMES]
    with pytest.raises(ValueError):
        lexicon(text, ("no_such_feature",))


def test_features_fitted_before_pass_11_keep_their_columns():
    features = ModerationFeatures().fit(["ขายยาง 2,000 บาท", "เปลี่ยนยางที่ไหนดี", "your gearbox is useless"])
    assert features.lexicon_names == LEXICON_NAMES
    width = features.transform_fast(["test"]).shape[1]
    del features.lexicon_names_  # as unpickled from an older artifact
    features._fast = None
    assert features.lexicon_names == LEGACY_LEXICON_NAMES
    assert features.transform_fast(["test"]).shape[1] == width - (len(LEXICON_NAMES) - len(LEGACY_LEXICON_NAMES))
    assert features.transform(["test"]).shape[1] == features.transform_fast(["test"]).shape[1]


def test_per_label_rule_caps_each_label_on_its_own():
    rng = np.random.default_rng(5)
    n_clean, n_pos = 400, 60
    probs = np.full((n_clean + n_pos * 4, 4), 0.02)
    truth = np.zeros_like(probs, dtype=bool)
    for j in range(4):
        rows = slice(n_clean + j * n_pos, n_clean + (j + 1) * n_pos)
        probs[rows, j] = rng.uniform(0.3, 0.99, n_pos)
        truth[rows, j] = True
    # 20 clean posts (5%) scored 0.50-0.59 on profanity only
    p = classifier.LABELS.index("profanity")
    probs[:20, p] = np.linspace(0.50, 0.59, 20)
    chosen = classifier.choose_thresholds_per_label(probs, truth)
    clean = ~truth.any(axis=1)
    assert (probs[clean, p] >= chosen["profanity"]["flag"]).mean() <= classifier.PER_LABEL_CLEAN_CAP["profanity"]
    assert chosen["profanity"]["flag"] > 0.5
    # the other labels are not moved by profanity's clean posts: they sit low, in their F1 plateau
    for j, label in enumerate(classifier.LABELS):
        if label != "profanity":
            assert chosen[label]["flag"] < 0.35
        assert chosen[label]["hold"] > chosen[label]["flag"]


def test_writing_pass_groups_one_sitting_together():
    assert classifier.writing_pass("train/profanity-8") == classifier.writing_pass("train/clean-8b")
    assert classifier.writing_pass("train/clean-13b") == classifier.writing_pass("train/lese_majeste-13")
    assert classifier.writing_pass("train/clean-11") != classifier.writing_pass("train/clean-8")
    assert classifier.writing_pass("train/clean") == classifier.writing_pass("train/trading")
    assert classifier.writing_pass("templates/issue13") == "templates/issue13"


# --- pass 15 (h-class15): vulgar words, stereotypes, contempt for organisations ----------------

def test_a_vulgar_word_about_a_thing_is_not_thing_only():
    assert "vulgar" in _on("fuck this traffic, two hours for five kilometres")
    assert "thing_only&neg" not in _on("fuck this traffic, two hours for five kilometres")
    assert "vulgar" in _on("แม่งเอ๊ย ยางแบนอีกแล้ว")
    # a harsh word that is not a swear word, about a thing, still is "thing only"
    assert "thing_only&neg" in _on("the stock headlights are useless at night")
    # short swear words are whole words: "assist", "class", "dickens", "scrap" are not vulgar
    assert "vulgar" not in _on("the brake assist light is on, is it a class fault? scrap the dickens")
    assert "vulgar" not in _on("ห่างจากปั๊มสองกิโล สัดส่วนน้ำมันดี")


def test_stereotype_of_a_group_or_an_organisation():
    assert "group&stereotype" in _on("women drivers, every single time")
    assert "group&stereotype" in _on("Every pickup driver in this province is the same, the lot of them")
    assert "group&stereotype" in _on("คนขับรถตู้นิสัยเดียวกันหมด")
    assert "organisation&stereotype" in _on("the carwash chain is staffed by clowns")
    assert "organisation&stereotype" in _on("ศูนย์นี้มีแต่พวกหลอกลวง")
    # a group named without a generalisation
    assert "group&stereotype" not in _on("the taxi drivers in Chiang Mai were friendly to us")


def test_pass_15_names_come_after_the_older_ones():
    # models fitted before this pass list a prefix of LEXICON_NAMES; pass 15 only appends
    assert LEXICON_NAMES.index("vulgar") > LEXICON_NAMES.index("refute&quote")
    assert LEXICON_NAMES.index("vulgar&you") < LEXICON_NAMES.index("service_offer")  # pass 16 appends after
    assert set(LEGACY_LEXICON_NAMES) < set(LEXICON_NAMES)


def test_pass_16_names_are_appended_last():
    assert LEXICON_NAMES[-16:-9] == ("service_offer", "rate", "money", "wanted", "budget", "past_sale", "where_buy")
    assert LEXICON_NAMES[-2:] == ("past_sale_only", "where_buy_only")


def test_services_for_hire_and_promotions_with_money_or_contact():
    assert {"service_offer", "rate", "service&money"} <= _on("Van with driver for hire, 3,000 baht a day, call now")
    assert "service&money" in _on("รับจ้างขับรถตู้ไปต่างจังหวัด วันละ 2,500")
    assert "service&contact" in _on("ร้านล้างรถเปิดใหม่ โปรเดือนนี้ล้างสี ทักไลน์มาจองได้")
    assert "service&money" in _on("tyre shop promo, free alignment, 1,990 baht")
    # a service described or asked about, no offer
    assert "service_offer" not in _on("how much does a van with a driver usually cost for a day?")
    assert "service&money" not in _on("ค่าเปลี่ยนผ้าเบรกที่ศูนย์ราคาเท่าไหร่ครับ")


def test_wanted_to_buy_with_a_budget():
    assert "wanted&budget" in _on("หาเกียร์ออโต้มือสอง ใครมีขายบ้าง งบไม่เกิน 20,000")
    assert "wanted&budget" in _on("Anyone selling a used gearbox for a Vigo? budget under 15k")
    assert "wanted&budget" in _on("WTB roof box, up to 4,000 baht")
    assert "wanted" not in _on("where can i buy genuine oil filters?")


def test_paid_sexual_services_and_clips_with_money():
    assert "sexual&money" in _on("นวดเสียวถึงห้อง ชั่วโมงละ 2,000 ทักไลน์")
    assert "clip&money" in _on("selling sex clips, 50 clips for 500 baht")
    assert "sexual&money" not in _on("the sexy new design costs the same as last year")


def test_past_sale_and_where_to_buy_without_an_offer():
    assert "past_sale_only" in _on("ผมขายรถคันเก่าไปเมื่อปีที่แล้ว ได้ราคาดี")
    assert "past_sale_only" in _on("sold my old Fortuner last year to a guy from Udon")
    assert "past_sale_only" not in _on("sold my old one, now selling the new one, dm me")
    assert "where_buy_only" in _on("ผ้าเบรกรุ่นนี้หาซื้อที่ไหนได้บ้างครับ")
    assert "where_buy_only" in _on("Which shop did the wrap on your car?")
    assert "where_buy_only" not in _on("ร้านไหนก็ได้ ผมรับติดฟิล์มถึงบ้าน ทักไลน์")
