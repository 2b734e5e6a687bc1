import json

from click.testing import CliRunner

from moderation import LABELS, classifier
from moderation.cli import moderation
from moderation.corpus import build


def test_score_writes_one_json_line_per_post(trained_dir, tmp_path):
    posts = tmp_path / "posts.jsonl"
    rows = [
        {"id": 1, "text": "ขายล้อแม็ก 17 นิ้ว 12,000 บาท โทร 081-234-5678"},
        {"id": "abc", "text": "รถสตาร์ทไม่ติดตอนเช้า น่าจะแบตเสื่อม"},
        {"id": 3, "text": "ไอ้ควาย ขับรถปาดหน้า"},
    ]
    posts.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    result = CliRunner().invoke(moderation, ["score", str(posts), "--model-dir", str(trained_dir)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == [1, "abc", 3]
    for line in lines:
        assert set(line) == {"id", "scores", "labels"}
        assert list(line["scores"]) == list(LABELS)
        assert all(isinstance(p, float) and 0 <= p <= 1 for p in line["scores"].values())
    assert lines[0]["labels"] == ["trading"]
    assert lines[1]["labels"] == []
    assert "profanity" in lines[2]["labels"]


def test_score_reads_stdin_and_keeps_thai_unescaped(trained_dir):
    result = CliRunner().invoke(
        moderation, ["score", "--model-dir", str(trained_dir)],
        input=json.dumps({"id": "ไทย", "text": "สวัสดีครับ"}, ensure_ascii=False) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert '"id": "ไทย"' in result.output
    assert len(result.output.splitlines()) == 1


def test_score_rejects_bad_input_with_a_clear_error(trained_dir):
    result = CliRunner().invoke(moderation, ["score", "--model-dir", str(trained_dir)], input='{"id": 1}\n')
    assert result.exit_code != 0
    assert "line 1" in result.output


def test_evaluate_prints_per_label_figures(trained_dir):
    result = CliRunner().invoke(moderation, ["evaluate", "--model-dir", str(trained_dir)])
    assert result.exit_code == 0, result.output
    for label in LABELS:
        assert label in result.output
    assert "precision" in result.output and "clean posts flagged" in result.output


def _held_out_on_disk() -> tuple[str, ...]:
    # a split named in HELD_OUT_SPLITS holds out nothing until its folder is merged
    return tuple(s for s in build.HELD_OUT_SPLITS if (build.HERE / "src" / s).is_dir())


def test_evaluate_breaks_the_held_out_figures_down_by_split_and_kind(trained_dir, tmp_path, monkeypatch):
    held = _held_out_on_disk()
    if not held:
        # the next blind split is not merged yet: a trained-on split stands in for it, as a
        # held-out file of its rows with their kinds (build.py writes the same rows)
        held = (build.OTHER_WRITER_SPLITS[-1],)
        path = tmp_path / "heldout.jsonl"
        path.write_text("".join(json.dumps({"text": t, "labels": l, "kind": k}, ensure_ascii=False) + "\n"
                                for t, l, k in build.read_fresh(held)), encoding="utf-8")
        monkeypatch.setattr(classifier, "HELDOUT_PATH", path)
    result = CliRunner().invoke(moderation, ["evaluate", "--model-dir", str(trained_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["splits"]) == set(held)  # the other fresh splits are trained on
    assert sum(part["n"] for part in report["splits"].values()) == report["n"]
    for split in held:
        for kind in ("prof_sarcasm", "obfuscated", "multi", "clean_hard", "clean_general", "lm_indirect"):
            assert f"{split}/{kind}" in report["kinds"], kind
        assert report["kinds"][f"{split}/clean_hard"]["label_recall"] is None  # clean kinds have nothing to find


def test_evaluate_copes_with_an_empty_held_out_file(trained_dir, tmp_path, monkeypatch):
    # between a pass and the merge of its blind split (fresh13 at the twelfth, fresh16 at the fourteenth), heldout.jsonl has no rows
    path = tmp_path / "heldout.jsonl"
    path.write_text("")
    monkeypatch.setattr(classifier, "HELDOUT_PATH", path)
    result = CliRunner().invoke(moderation, ["evaluate", "--model-dir", str(trained_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 0 and report["clean_flag_rate"] == 0.0
    assert all(report["labels"][label]["support"] == 0 for label in LABELS)
