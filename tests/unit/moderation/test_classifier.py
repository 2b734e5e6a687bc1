import json
import shutil

import pytest

from moderation import LABELS, classifier
from moderation.features import QUOTED_RUDE_MARKER

from ...moderation_samples import training_sample


def flagged(model, text):
    return model.labels_for(model.score(text))


@pytest.mark.parametrize(
    "text",
    [
        "Toyota Crown รุ่นใหม่ช่วงล่างนุ่มมาก ขับทางไกลสบาย",
        "Royal Enfield Interceptor เสียงท่อเพราะมาก",
        "นัดรวมพลที่ Burger King ปั๊มบางปะอิน 7 โมงเช้า",
        "ไปรับของที่ King Power ต้องจอดรถตรงไหนครับ",
        "ขอพระองค์ทรงพระเจริญ",
        "พรุ่งนี้ปิดถนนช่วงขบวนเสด็จผ่านถนนราชดำเนิน เลี่ยงเส้นทางด้วยนะครับ",
        "เห็นตัวเหี้ยเดินข้ามถนนในสวนลุม รถต้องจอดรอ",
        "ถามโง่ๆ นะครับ น้ำมันเครื่องเปลี่ยนทุกกี่กิโล",
        "sorry for my dumb question, where is the fuel door release?",
        "ค่าเปลี่ยนผ้าเบรกที่ศูนย์ประมาณเท่าไหร่ครับ",
        "ซื้อที่ปัดน้ำฝนแท้ได้ที่ไหนครับ",
        "ประกันชั้น 1 ได้ราคามาสามเจ้า 18,000 กับ 21,000 เจ้าไหนคุ้ม",
        "ให้นมลูกระหว่างเดินทางไกล ต้องจอดรถก่อนใช่ไหมคะ",
        "the new mustang looks so hot in red, sexy design",
        "Scunthorpe United fans drove down in convoy",
        "the cockpit is very driver focused, my assessment after a class at the track",
        "bought a roof rack at Dick's Sporting Goods",
    ],
)
def test_hard_negatives_stay_below_the_flag_threshold(model, text):
    assert flagged(model, text) == [], model.score(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("ขายล้อแม็ก 17 นิ้ว 12,000 บาท สนใจทักแชท", "trading"),
        ("WTS roof rack 4,000 THB, DM me", "trading"),
        ("ขายด่วน ยาง 4 เส้น โทร 081-234-5678", "trading"),
        ("ไอ้ควาย ขับรถปาดหน้ากู", "profanity"),
        ("fuck this dealer, bunch of thieves", "profanity"),
        ("f u c k this shop", "profanity"),
        ("sh1t dealer", "profanity"),
        ("ในหลวงไม่เคยทำอะไรให้ประชาชน กินภาษีไปวันๆ", "lese_majeste"),
        ("the monarchy is a parasite on the thai people", "lese_majeste"),
        ("อยากเอาพริตตี้คนนั้นบนเบาะหลัง", "obscene"),
        ("send nudes pls", "obscene"),
    ],
)
def test_offending_posts_are_flagged(model, text, label):
    assert label in flagged(model, text), model.score(text)


def test_scores_are_probabilities_for_every_label(model):
    scores = model.score_many(["สวัสดีครับ", "", "ขายรถ"])
    assert len(scores) == 3
    for row in scores:
        assert set(row) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in row.values())


def test_explain_points_at_the_words_that_drove_the_score(model):
    words = model.explain("ขายยาง 4 เส้น 8,500 บาท โทร 081-234-5678", "trading")
    assert words and any("ขาย" in w or "081" in w or "บาท" in w for w in words)
    assert "fuck" in model.explain("f.u.c.k you idiot", "profanity", top=3)


def test_explain_never_shows_the_quoted_rude_word_marker(model):
    # The normalisation replaces a quoted rude word by a marker token; the queue shows the
    # explanation's words to moderators, who must only see words of the post.
    marker = QUOTED_RUDE_MARKER.strip()
    for text in ('He wrote "fuck off" in the thread, please remove it',
                 'you wrote "idiot" to me, you are an idiot yourself'):
        for label in LABELS:
            assert marker not in model.explain(text, label, top=20)


def test_metadata_records_what_was_trained(model):
    meta = model.metadata
    for key in ("sklearn_version", "training_data_sha256", "trained_at", "thresholds", "evaluation", "model_version"):
        assert key in meta
    assert meta["thresholds"]["lese_majeste"]["hold"] < meta["thresholds"]["profanity"]["hold"]
    for label in LABELS:
        assert {"precision", "recall", "f1"} <= set(meta["evaluation"]["labels"][label])
    assert "clean_flag_rate" in meta["evaluation"]


def test_load_or_train_trains_and_saves_when_no_artifact_exists(trained_dir):
    meta = json.loads((trained_dir / classifier.METADATA_FILE).read_text())
    assert (trained_dir / meta["artifact"]["file"]).is_file()
    model = classifier.load(trained_dir)
    assert model.version == meta["model_version"]
    assert "trading" in model.labels_for(model.score("ขายกล้องติดรถ 900 บาท ทักไลน์"))


def test_load_refuses_a_tampered_artifact(trained_dir, tmp_path):
    directory = tmp_path / "model"
    shutil.copytree(trained_dir, directory)
    meta = json.loads((directory / classifier.METADATA_FILE).read_text())
    artifact = directory / meta["artifact"]["file"]
    artifact.write_bytes(artifact.read_bytes() + b"tampered")
    with pytest.raises(classifier.ModelArtifactError, match="sha256"):
        classifier.load(directory)


def test_load_refuses_foreign_metadata_and_missing_model(trained_dir, tmp_path):
    with pytest.raises(classifier.ModelArtifactError):
        classifier.load(tmp_path)  # nothing there
    directory = tmp_path / "model"
    shutil.copytree(trained_dir, directory)
    meta_path = directory / classifier.METADATA_FILE
    meta = json.loads(meta_path.read_text())
    meta["artifact"]["file"] = "../../etc/evil.joblib"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(classifier.ModelArtifactError):
        classifier.load(directory)
    meta["artifact"]["file"] = json.loads((trained_dir / classifier.METADATA_FILE).read_text())["artifact"]["file"]
    meta["format"] = "someone-else/1"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(classifier.ModelArtifactError):
        classifier.load(directory)


def test_retrain_promotes_only_without_regression(trained_dir, tmp_path, monkeypatch):
    # The promotion rule is under test, not the model's quality: the candidate is trained (for
    # real, by retrain) on the same training sample as trained_dir's current model (conftest).
    monkeypatch.setattr(classifier, "TRAIN_PATH", training_sample(tmp_path))
    directory = tmp_path / "model"
    shutil.copytree(trained_dir, directory)
    before = classifier.load(directory).version
    promoted, report = classifier.retrain([("ขายกระจกมองข้าง 500 บาท ทักมา", ["trading"])], directory)
    assert set(report["labels"]) == set(LABELS)
    # before/after figures on the held-out split, per label
    assert set(report["labels"]["trading"]) == {f"{who}_{figure}" for who in ("current", "candidate")
                                                for figure in ("precision", "recall", "f1")}
    # on the held-out file; while it is empty (fresh16 not merged at the fourteenth pass), on the other writers' rows
    check, source = classifier.retrain_check_examples()
    assert check and report["heldout"]["n"] == len(check) and report["heldout"]["source"] == source
    assert promoted == (not report["regressions"])
    # A candidate that is worse on the held-out split is not promoted. (The worse candidate is the
    # current model with its weights zeroed: the promotion rule is under test, not a second training.)
    def worse(*args, **kwargs):
        model = classifier.load(directory)
        model.coef = model.coef * 0.0
        model.metadata["evaluation"] = classifier.evaluate(model)
        return model

    monkeypatch.setattr(classifier, "train", worse)
    current = classifier.load(directory).version
    promoted, report = classifier.retrain([], directory)
    assert not promoted and report["regressions"]
    assert classifier.load(directory).version == current
    assert before  # the original artifact loaded fine


def test_retrain_checks_on_the_other_writers_rows_while_the_held_out_file_is_empty(tmp_path, monkeypatch):
    empty = tmp_path / "heldout.jsonl"
    empty.write_text("")
    monkeypatch.setattr(classifier, "HELDOUT_PATH", empty)
    check, source = classifier.retrain_check_examples()
    groups = classifier.load_groups(classifier.TRAIN_PATH)
    assert source == "other_writers_in_sample"
    assert len(check) == sum(g.startswith(classifier.OTHER_WRITER_GROUP) for g in groups) > 0
    assert any(ex.labels for ex in check) and any(not ex.labels for ex in check)


def test_ship_rule_is_recorded_and_its_figures_come_from_the_other_writers_out_of_fold_scores():
    meta = {"other_writer_oof_evaluation": {"f1": {"lese_majeste": 0.95, "profanity": 0.93, "trading": 0.96,
                                                    "obscene": 0.97}, "clean_flag_rate": 0.026}}
    figures = classifier.ship_rule_figures(meta)
    assert figures["worst_f1"] == 0.93 and figures["mean_f1"] == 0.9525
    assert not figures["clean_ok"]  # above 2.5% of the clean posts
    assert "2.5%" in classifier.SHIP_RULE
    assert classifier.load().metadata["ship_rule"] == classifier.SHIP_RULE  # the shipped model's


def test_retrain_rejects_unknown_labels(trained_dir):
    with pytest.raises(ValueError, match="unknown"):
        classifier.retrain([("text", ["spam"])], trained_dir)


def test_fast_scoring_path_matches_the_vectorizers(model):
    import numpy as np

    texts = ["", "   ", "ขายยาง 4 เส้น โทร 0812345678", "f u c k this", "ทรงพระเจริญ", "ѕhіt café",
             "Royal Enfield ขี่สบาย ๆ มากกกก", "a"]
    slow = model.features.transform(texts).toarray()
    fast = model.features.transform_fast(texts).toarray()
    assert slow.shape == fast.shape
    assert np.abs(slow - fast).max() < 1e-6


def test_load_refuses_a_model_built_with_other_lexicon_features(trained_dir, tmp_path):
    # A model trained before a lexicon family was added has fewer columns than the features
    # now produce: it must be refused (and retrained), not fail on the first post.
    directory = tmp_path / "model"
    shutil.copytree(trained_dir, directory)
    meta_path = directory / classifier.METADATA_FILE
    meta = json.loads(meta_path.read_text())
    meta["lexicon"] = meta["lexicon"][:-1]
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(classifier.ModelArtifactError, match="lexicon"):
        classifier.load(directory)
