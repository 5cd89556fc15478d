"""Subtrees as path ranges: the same rows as a prefix, for every path the trees can hold."""

from hypothesis import given
from hypothesis import strategies as st

from zugong.orgs.models import PATH_ALPHABET, PATH_STEP, path_successor

segments = st.text(alphabet=PATH_ALPHABET, min_size=PATH_STEP, max_size=PATH_STEP)
paths = st.lists(segments, min_size=1, max_size=5).map("".join)


def test_successor_counts_in_the_path_alphabet() -> None:
    assert path_successor("00010002") == "00010003"
    assert path_successor("00010009") == "0001000A"
    assert path_successor("0001002Z") == "00010030"
    assert path_successor("000ZZZZZ") == "00100000"
    assert path_successor("ZZZZ") is None


@given(prefix=paths, other=paths)
def test_range_holds_exactly_the_paths_with_the_prefix(prefix: str, other: str) -> None:
    # String comparison here is the database's ("C", SQLite BINARY; paths order the same in
    # the other collations, being digits and capitals only).
    upper = path_successor(prefix)
    in_range = prefix <= other and (upper is None or other < upper)
    assert in_range == other.startswith(prefix)
