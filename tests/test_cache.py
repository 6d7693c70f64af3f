"""The disk caches for validation (loaders/cache.py) and sea routes (ui/startup.py): a hit skips the
work, any change of the data gives a miss, and a corrupt entry is a miss, never an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import searoute

import geo
import loaders
from loaders import _validation, cache
from ui import startup

HAI_PHONG = (106.77, 20.80)
SINGAPORE = (103.85, 1.26)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(directory))
    return directory


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Counts the real validations: the data directories validated, in order."""
    seen: list[Path] = []
    real = _validation.validate_data_dir

    def counting(data_dir=None, **kwargs):
        seen.append(Path(data_dir))
        return real(data_dir, **kwargs)

    monkeypatch.setattr(_validation, "validate_data_dir", counting)
    return seen


def test_the_second_load_takes_validation_from_disk(cache_dir: Path, minimal_data_dir: Path,
                                                    validations: list[Path]) -> None:
    first = loaders.load_all(minimal_data_dir, geography=False, interface=False)
    second = loaders.load_all(minimal_data_dir, geography=False, interface=False)
    assert first.tables is not None and second.tables is not None
    assert len(validations) == 1
    assert len(list(cache_dir.glob("validation-*.json"))) == 1


def test_a_changed_csv_is_validated_again(cache_dir: Path, minimal_data_dir: Path,
                                          validations: list[Path]) -> None:
    assert loaders.load_all(minimal_data_dir, geography=False, interface=False).tables is not None
    places = minimal_data_dir / "places.csv"
    text = places.read_text(encoding="utf-8")
    assert text.count(",20.83601,") == 1  # Tan Vu's latitude, row 2
    places.write_text(text.replace(",20.83601,", ",north,"), encoding="utf-8")

    result = loaders.load_all(minimal_data_dir, geography=False, interface=False)
    assert len(validations) == 2
    assert result.tables is None
    assert any(p.file == "places.csv" and p.row == 2 and p.field == "lat_deg" for p in result.problems)
    # The bad data's problems are cached too, under their own key (replacing the stale entry): no third
    # validation.
    assert loaders.load_all(minimal_data_dir, geography=False, interface=False).problems == result.problems
    assert len(validations) == 2
    assert len(list(cache_dir.glob("validation-*.json"))) == 1


def test_a_corrupt_entry_is_a_miss_not_a_crash(cache_dir: Path, minimal_data_dir: Path,
                                               validations: list[Path]) -> None:
    loaders.load_all(minimal_data_dir, geography=False, interface=False)
    (entry,) = cache_dir.glob("validation-*.json")
    for garbage in (b"\x00\xff not json", b'{"key": "other", "value": []}', b'{"key": 1}', b""):
        entry.write_bytes(garbage)
        assert loaders.load_all(minimal_data_dir, geography=False, interface=False).tables is not None
    key = entry.read_text(encoding="utf-8")  # rewritten by the last miss
    entry.write_text(key.replace('"value":[]', '"value":[["places.csv","two",null,"x","y"]]'))
    assert loaders.load_all(minimal_data_dir, geography=False, interface=False).tables is not None
    assert len(validations) == 6


def test_an_unwritable_cache_directory_only_costs_time(tmp_path: Path, minimal_data_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker))
    assert loaders.load_all(minimal_data_dir, geography=False, interface=False).tables is not None
    assert not cache.write_entry("validation", "k" * 64, [])


def test_switched_off_means_no_files(tmp_path: Path, minimal_data_dir: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_DIR_ENV, "off")
    monkeypatch.chdir(tmp_path)
    assert loaders.load_all(minimal_data_dir, geography=False, interface=False).tables is not None
    assert cache.cache_dir() is None
    assert not cache.write_entry("validation", "k" * 64, [])


def test_the_key_follows_the_data_schema_and_code(minimal_data_dir: Path) -> None:
    before = cache.data_fingerprint(minimal_data_dir)
    assert cache.data_fingerprint(minimal_data_dir) == before
    (minimal_data_dir / "sources.csv").write_bytes((minimal_data_dir / "sources.csv").read_bytes() + b"\n")
    assert cache.data_fingerprint(minimal_data_dir) != before
    assert cache.validation_key(minimal_data_dir, geography=True) != cache.validation_key(
        minimal_data_dir, geography=False)


@pytest.fixture
def clean_routes() -> None:
    geo.clear_route_cache()
    yield
    geo.clear_route_cache()


def test_routes_saved_to_disk_are_used_without_searoute(cache_dir: Path, clean_routes: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    routed = geo.sea_route(HAI_PHONG, SINGAPORE)
    assert startup.save_routes()
    geo.clear_route_cache()

    def down(*args: object, **kwargs: object) -> None:
        raise RuntimeError("searoute must not be called: the route is on disk")

    monkeypatch.setattr(searoute, "searoute", down)
    assert startup.load_routes() >= 1
    again = geo.sea_route(HAI_PHONG, SINGAPORE)
    assert again.method == routed.method != "great_circle_fallback"
    assert again.distance_nm == pytest.approx(routed.distance_nm)
    assert again.passages == routed.passages


def test_a_corrupt_routes_entry_seeds_nothing(cache_dir: Path, clean_routes: None) -> None:
    geo.sea_route(HAI_PHONG, SINGAPORE)
    assert startup.save_routes()
    (entry,) = cache_dir.glob("routes-*.json")
    good = entry.read_text(encoding="utf-8")
    geo.clear_route_cache()
    for garbage in ("{truncated", good.replace('"method":"', '"method":"teleport'),
                    good.replace('"coords":[[', '"coords":[["x",'),
                    json.dumps({**json.loads(good), "value": 7})):
        entry.write_text(garbage, encoding="utf-8")
        assert startup.load_routes() == 0
        assert geo.route_paths_snapshot()["paths"] == []


def test_preload_rejects_malformed_records(clean_routes: None) -> None:
    record = {"origin": [1, 2], "destination": [3, 4], "closed": [], "coords": [[1, 2], [3, 4]],
              "passages": [], "method": "searoute", "coastline": [], "via_network": True,
              "origin_gap_km": 0.0, "destination_gap_km": 0.0, "river_km": 0.0, "coastal_km": 0.0,
              "origin_network_km": 0.0, "destination_network_km": 0.0}
    assert geo.preload_route_paths({"paths": [record], "passage_locations": {}}) == 1
    geo.clear_route_cache()
    for broken in ({**record, "origin": [500, 2]}, {**record, "coords": [[1, 2]]},
                   {**record, "passages": ["malacca"]},  # and no position given for it
                   {k: v for k, v in record.items() if k != "method"}, "not a record"):
        with pytest.raises((KeyError, TypeError, ValueError)):
            geo.preload_route_paths({"paths": [record, broken], "passage_locations": {}})
        assert geo.route_paths_snapshot()["paths"] == []
    with pytest.raises((KeyError, TypeError, ValueError)):
        geo.preload_route_paths([record])


def test_routes_from_disk_need_no_searoute_import(cache_dir: Path, clean_routes: None) -> None:
    """A process whose routes all come from the cache never imports searoute (0.7 s with networkx)."""
    import subprocess
    import sys

    geo.sea_route(HAI_PHONG, SINGAPORE)
    assert startup.save_routes()
    probe = (
        "import sys, geo\n"
        "from ui import startup\n"
        "assert startup.load_routes() >= 1\n"
        f"route = geo.sea_route({HAI_PHONG}, {SINGAPORE})\n"
        "assert route.passage_detour_ratio > 0\n"
        "print('searoute' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "False"


def test_warm_up_routes_every_service_and_saves_them(cache_dir: Path, clean_routes: None,
                                                     minimal_data_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from atlas import model

    tables = loaders.load_all(minimal_data_dir, geography=False, interface=False).tables
    monkeypatch.setattr(startup, "WARM_DELAY_S", 0.0)
    monkeypatch.setattr(startup, "WARM_SCENARIOS", ((),))
    startup.warm_routes(tables)
    (entry,) = cache_dir.glob("routes-*.json")
    saved = json.loads(entry.read_text(encoding="utf-8"))["value"]["paths"]
    legs = {(tuple(p["origin"]), tuple(p["destination"])) for p in saved}
    for service_id in model.sea_services(tables):
        for leg in model.plan_service(tables, service_id).rotation.legs:
            assert (leg.origin, leg.destination) in legs
