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
