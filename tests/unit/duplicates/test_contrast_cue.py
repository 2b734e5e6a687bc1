"""Twenty-fifth pass (h-dups26): a post that sets its question against another one ("not the front",
"X is fine, but", "ไม่ใช่...", "mai chai") -- `features.contrast_cue` -- and the pair verifier's
feature `query_contrast_only`: the query draws such a contrast and its thread does not."""

from __future__ import annotations

from forum.duplicates.features import Analyzer, contrast_cue
from forum.duplicates.index import DuplicateIndex
from forum.duplicates.verifier import FEATURES

from .small_index import pair_features


def test_the_cue_in_english_thai_and_romanised_thai():
    assert contrast_cue("Ranger grinding from the rear wheels", "Front is fine, the noise is from the rear.")
    assert contrast_cue("Battery for a CX-30", "Not the Fortuner, this is for my own CX-30.")
    assert contrast_cue("AC cold at idle", "Opposite problem: warm on the highway.")
    assert contrast_cue("แอร์ไม่เย็นแถวหน้า", "ไม่ใช่แถวหลังนะครับ แถวหน้าไม่เย็น")
    assert contrast_cue("Jazz ไฟสูงข้างขวาไม่ติด", "ไฟต่ำปกติดี")
    assert contrast_cue("BR-V khrueang dap bon thang duan", "mai chai tong jot")


def test_no_cue_in_plain_questions_and_set_phrases():
    assert not contrast_cue("Vios brake pads wear fast", "Is 20,000 km normal? Not sure what to buy.")
    assert not contrast_cue("ยางหน้าสึกเร็ว", "สึกเร็วแบบนี้ปกติไหมครับ")
    assert not contrast_cue("No idea why my battery drains", "")
    assert not contrast_cue("Xpander rough idle with the aircon on", "The whole car vibrates at a stop.")


def test_the_analysis_carries_it():
    analyzer = Analyzer()
    assert analyzer.analyze("Altis steering shakes at 60 km/h", "Not at 100. Only between 60 and 70.").contrast_cue
    assert not analyzer.analyze("Altis steering shakes at 100 km/h", "What should I check first?").contrast_cue


THREAD = ("Ranger Raptor grinding noise from the front wheels when braking",
          "Grinding sound from the front when I brake. Pads or discs?")


def test_query_contrast_only_feature():
    assert FEATURES[-1] == "query_contrast_only"
    near = pair_features(THREAD, "Ranger Raptor grinding noise from rear wheels on braking",
                         "Front is fine, the grinding comes from the rear only when braking.")
    assert near["query_contrast_only"] == 1.0
    plain = pair_features(THREAD, "Raptor grinding sound when braking", "Front wheels grind when I brake.")
    assert plain["query_contrast_only"] == 0.0
    # the thread draws the same contrast: a rewording of it, not a changed detail
    both = pair_features(("Ranger grinding from the front brakes", "The rear is fine, only the front grinds."),
                         "Ranger front brakes grind", "Rear is fine, it is the front.")
    assert both["query_contrast_only"] == 0.0


def test_the_thread_cue_survives_the_state():
    index = DuplicateIndex(verifier=None)
    index.add("a", "c", "Ranger grinding from the front brakes", "The rear is fine, only the front grinds.")
    index.add("b", "c", "Ranger grinding from the front brakes", "Pads or discs?")
    again = DuplicateIndex.from_state(index.to_state())
    assert [again._contrast_cue(again._row_of[t]) for t in ("a", "b")] == [True, False]
