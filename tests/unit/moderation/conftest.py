import pytest

from moderation import classifier


@pytest.fixture(scope="session")
def model():
    """The shipped artifact (trained from the corpus if it is missing)."""
    return classifier.load_or_train()


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory):
    """A fresh model trained from the corpus into a temporary directory."""
    directory = tmp_path_factory.mktemp("moderation-model")
    classifier.load_or_train(directory)
    return directory
