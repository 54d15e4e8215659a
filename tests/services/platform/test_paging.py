"""leading_first: the pages of a list showing its leading rows first, checked against the
plain concatenation for every page size and offset."""
import pytest

from app.services.platform.paging import leading_first


@pytest.mark.parametrize("leading_rows", [0, 1, 3, 4, 7])
@pytest.mark.parametrize("limit", [1, 2, 3, 5, 10])
def test_pages_are_slices_of_the_leading_rows_then_the_others(leading_rows, limit):
    leading = [f"L{n}" for n in range(leading_rows)]
    others = [f"O{n}" for n in range(5)]
    counted = []

    def fetch(leads, offset, size):
        assert offset >= 0 and size > 0
        return (leading if leads else others)[offset:offset + size]

    def count_leading():
        counted.append(1)
        return len(leading)

    whole = leading + others
    for offset in range(0, len(whole) + limit + 1, limit):
        assert leading_first(fetch, count_leading, offset, limit) == whole[offset:offset + limit]


def test_the_leading_rows_are_counted_only_past_them():
    calls = []

    def fetch(leads, offset, size):
        calls.append((leads, offset, size))
        return (["L0", "L1"] if leads else ["O0", "O1", "O2"])[offset:offset + size]

    assert leading_first(fetch, lambda: 1 / 0, 0, 2) == ["L0", "L1"]  # a full page: no more
    assert calls == [(True, 0, 2)]
    assert leading_first(fetch, lambda: 1 / 0, 0, 3) == ["L0", "L1", "O0"]
    assert leading_first(fetch, lambda: 2, 4, 2) == ["O2"]  # past them: counted
