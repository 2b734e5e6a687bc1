from moderation.queue import figures_from_decisions


def test_approvals_are_false_positives_deletions_true_positives_and_upheld_reports_misses():
    figures = figures_from_decisions([
        ({"trading"}, "deleted", {"trading"}),  # flag confirmed
        ({"trading"}, "deleted", {"trading"}),
        ({"trading", "profanity"}, "approved", set()),  # both flags wrong
        (set(), "deleted", {"profanity"}),  # a report upheld on an unflagged post: a miss
        ({"obscene"}, "deleted", {"profanity"}),  # deleted under another rule: obscene wrong, profanity missed
        ({"lese_majeste"}, "deleted", set()),  # deleted as a duplicate: says nothing
    ])
    assert figures["trading"] == {"tp": 2, "fp": 1, "fn": 0, "precision": 2 / 3, "recall": 1.0}
    assert figures["profanity"] == {"tp": 0, "fp": 1, "fn": 2, "precision": 0.0, "recall": 0.0}
    assert figures["obscene"]["fp"] == 1 and figures["obscene"]["recall"] is None
    assert figures["lese_majeste"] == {"tp": 0, "fp": 0, "fn": 0, "precision": None, "recall": None}


def test_the_running_models_calibrated_thresholds_become_the_defaults():
    from moderation import thresholds
    from moderation.classifier import DEFAULT_THRESHOLDS

    try:
        thresholds.use_model_defaults({"trading": {"flag": 0.3, "hold": 0.7}, "obscene": {"flag": 0.9, "hold": 0.2}})
        defaults = thresholds.defaults()
        assert defaults["trading"] == {"flag": 0.3, "hold": 0.7}
        assert defaults["obscene"] == DEFAULT_THRESHOLDS["obscene"]  # flag above hold: ignored
        assert defaults["profanity"] == DEFAULT_THRESHOLDS["profanity"]  # not in the metadata
    finally:
        thresholds.use_model_defaults(None)
    assert thresholds.defaults()["trading"] == DEFAULT_THRESHOLDS["trading"]
