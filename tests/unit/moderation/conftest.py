import fcntl
import shutil

import pytest

from moderation import classifier

from ...moderation_samples import training_sample

# Models trained by the tests of a rule (training, saving, loading, refusing, retraining, the CLI)
# are fitted on the training sample (every TRAINING_SAMPLE_STEP-th row of the shipped training
# file, see tests/moderation_samples.py) plus all of dev, as the start-up training test is: a sixth
# of the fitting rows, trained for real by the same code.
# Tests of the model's quality use the shipped model (`model`), trained on the whole corpus.


@pytest.fixture(scope="session")
def model():
    """The shipped artifact (trained from the corpus if it is missing)."""
    return classifier.load_or_train()


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory, worker_id):
    """A fresh model trained by `load_or_train` (on the training sample, see above) into a temporary
    directory, once per test run: the parallel workers share it (the first to need it trains, the
    others wait for it and read it)."""
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
            sample = root / "moderation-train-sample"
            sample.mkdir(exist_ok=True)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(classifier, "TRAIN_PATH", training_sample(sample))
                classifier.load_or_train(training)
            training.rename(directory)
    return directory
