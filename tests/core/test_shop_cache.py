"""The per-process cache of compiled shop rules: built once per version, stale versions dropped."""

from __future__ import annotations

from sellerdesk.core.shop_cache import ShopVersionCache


def _counting_builder(builds: list[tuple[int, int]], shop_id: int, version: int):
    def build() -> str:
        builds.append((shop_id, version))
        return f"rules of {shop_id} v{version}"

    return build


def test_each_version_is_built_once_and_an_edit_replaces_the_old_one():
    cache: ShopVersionCache[str] = ShopVersionCache(limit=10)
    builds: list[tuple[int, int]] = []
    for _ in range(3):
        assert cache.get_or_build(1, 1, _counting_builder(builds, 1, 1)) == "rules of 1 v1"
    assert cache.get_or_build(2, 1, _counting_builder(builds, 2, 1)) == "rules of 2 v1"
    assert cache.get_or_build(1, 2, _counting_builder(builds, 1, 2)) == "rules of 1 v2"
    assert builds == [(1, 1), (2, 1), (1, 2)]
    # Version 1 of shop 1 was dropped when version 2 came; shop 2 kept its entry.
    cache.get_or_build(1, 1, _counting_builder(builds, 1, 1))
    cache.get_or_build(2, 1, _counting_builder(builds, 2, 1))
    assert builds == [(1, 1), (2, 1), (1, 2), (1, 1)]


def test_the_limit_bounds_the_cache_and_clear_empties_it():
    cache: ShopVersionCache[str] = ShopVersionCache(limit=2)
    builds: list[tuple[int, int]] = []
    for shop_id in (1, 2, 3):  # the third shop finds the cache full: it starts over
        cache.get_or_build(shop_id, 1, _counting_builder(builds, shop_id, 1))
    cache.get_or_build(3, 1, _counting_builder(builds, 3, 1))
    cache.get_or_build(1, 1, _counting_builder(builds, 1, 1))
    assert builds == [(1, 1), (2, 1), (3, 1), (1, 1)]
    cache.clear()
    cache.get_or_build(3, 1, _counting_builder(builds, 3, 1))
    assert builds[-1] == (3, 1) and len(builds) == 5
