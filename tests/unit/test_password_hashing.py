"""The production password hasher. (The test process swaps in cheap Argon2 parameters, see
tests/conftest.py; this checks what the board itself runs with.)"""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from ..conftest import PRODUCTION_HASHER


def test_the_board_hashes_passwords_with_argon2id_and_rfc_9106_low_memory_parameters():
    hashed = PRODUCTION_HASHER.hash("correct-horse-battery")
    assert hashed.startswith("$argon2id$")
    parameters = extract_parameters(hashed)
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
        RFC_9106_LOW_MEMORY.time_cost, RFC_9106_LOW_MEMORY.memory_cost, RFC_9106_LOW_MEMORY.parallelism)
    assert PRODUCTION_HASHER.verify(hashed, "correct-horse-battery")
    assert PasswordHasher().check_needs_rehash(hashed) is False
