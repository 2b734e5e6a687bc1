"""`webboard moderation ...` commands (also `python -m moderation.cli ...`).

    train            train on the shipped corpus, write a versioned artifact (progress bar)
    score [FILE]     JSON lines {"id", "text"} in (file or stdin) -> one JSON line per post out
    evaluate         per-label precision/recall/F1 on the held-out split, clean-post flag rate
    retrain FILE     corpus + admin decisions (JSON lines {"text", "labels"}); promote if no regression
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from moderation import classifier
from moderation.classifier import DEFAULT_MODEL_DIR, LABELS

_DIR_OPTION = click.option(
    "--model-dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_MODEL_DIR,
    show_default=True, help="Directory holding the model artifact.",
)


@click.group(name="moderation")
def moderation() -> None:
    """Moderation classifier: train, score, evaluate, retrain."""


@moderation.command()
@_DIR_OPTION
@click.option("--quiet", is_flag=True, help="No progress bar.")
def train(model_dir: Path, quiet: bool) -> None:
    """Train on the shipped corpus and write a versioned artifact."""
    model = classifier.train(progress=not quiet)
    path = classifier.save(model, model_dir)
    click.echo(f"model {model.version} written to {path}")
    _print_evaluation(model.metadata["evaluation"])


@moderation.command()
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@_DIR_OPTION
@click.option("--batch-size", default=512, show_default=True, type=click.IntRange(1, 100_000))
def score(file, model_dir: Path, batch_size: int) -> None:
    """Score JSON lines {"id": ..., "text": ...} from FILE (default stdin); writes one line per
    post: {"id", "scores": {label: p}, "labels": [labels at or above their flag threshold]}."""
    model = classifier.load_or_train(model_dir)
    out = sys.stdout

    def flush(batch: list[tuple[object, str]]) -> None:
        for (post_id, _), scores in zip(batch, model.score_many([text for _, text in batch])):
            line = {"id": post_id, "scores": scores, "labels": model.labels_for(scores)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")

    batch: list[tuple[object, str]] = []
    for number, raw in enumerate(file, 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
            if not isinstance(row, dict) or "text" not in row or not isinstance(row["text"], str):
                raise ValueError('expected an object with a string "text"')
        except ValueError as error:
            flush(batch)
            raise click.ClickException(f"line {number}: {error}") from error
        batch.append((row.get("id"), row["text"]))
        if len(batch) >= batch_size:
            flush(batch)
            batch = []
    flush(batch)
    out.flush()


def _print_evaluation(report: dict) -> None:
    click.echo(f"{'label':<14}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}")
    for label in LABELS:
        row = report["labels"][label]
        click.echo(f"{label:<14}{row['precision']:>10.3f}{row['recall']:>9.3f}{row['f1']:>8.3f}{row['support']:>9}")
    click.echo(f"clean posts flagged: {report['clean_flag_rate']:.1%} of {report['clean_posts']}")


@moderation.command()
@_DIR_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate(model_dir: Path, as_json: bool) -> None:
    """Per-label precision, recall and F1 on the held-out split, and the clean-post flag rate."""
    model = classifier.load_or_train(model_dir)
    report = classifier.evaluate(model)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"model {model.version} on {report['n']} held-out posts")
    _print_evaluation(report)
    for split, part in report.get("splits", {}).items():
        click.echo(f"\nsplit {split} ({part['n']} posts)")
        _print_evaluation(part)
    kinds = report.get("kinds") or {}
    if kinds:
        click.echo(f"\n{'kind':<28}{'n':>5}{'exact':>8}{'recall':>8}{'extra':>7}")
        for kind, row in kinds.items():
            recall = "-" if row["label_recall"] is None else f"{row['label_recall']:.2f}"
            click.echo(f"{kind:<28}{row['n']:>5}{row['exact']:>8.2f}{recall:>8}{row['extra_labels']:>7}")


@moderation.command()
@click.argument("decisions", type=click.File("r", encoding="utf-8"), default="-")
@_DIR_OPTION
def retrain(decisions, model_dir: Path) -> None:
    """Retrain on corpus + DECISIONS (JSON lines {"text", "labels"}; [] = approved as clean) and
    promote the new model only if no label's held-out F1 regresses."""
    rows = []
    for number, raw in enumerate(decisions, 1):
        if raw.strip():
            try:
                row = json.loads(raw)
                rows.append((str(row["text"]), list(row["labels"])))
            except (ValueError, KeyError, TypeError) as error:
                raise click.ClickException(f"line {number}: {error}") from error
    promoted, report = classifier.retrain(rows, model_dir)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    click.echo("promoted" if promoted else "kept the current model (the candidate regressed)")


main = moderation

if __name__ == "__main__":
    moderation()
