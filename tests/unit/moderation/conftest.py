import fcntl
import shutil

import pytest

from moderation import classifier


@pytest.fixture(scope="session")
def model():
    """The shipped artifact (trained from the corpus if it is missing)."""
    return classifier.load_or_train()


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory, worker_id):
    """A fresh model trained from the corpus into a temporary directory, once per test run: the
    parallel workers share it (the first to need it trains, the others wait for it and read it)."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the run's directory, above each worker's own
    directory = root / "moderation-model"
    with open(root / "moderation-model.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / classifier.METADATA_FILE).exists():
            training = root / "moderation-model-training"
            shutil.rmtree(training, ignore_errors=True)
            training.mkdir()
            classifier.load_or_train(training)
            training.rename(directory)
    return directory
