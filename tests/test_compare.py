"""The corridor comparison: hand-computed cases, properties, schedules, the map content and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from conftest import REPO_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loaders
from atlas import compare as cmp


@pytest.fixture(scope="module")
def tables() -> loaders.Tables:
    result = loaders.load_all(geography=False)
    assert result.problems == ()
    return result.tables


def _option(comparison: cmp.Comparison, option_id: str) -> cmp.Option:
    return next(o for o in comparison.options if o.option_id == option_id)


def test_one_teu_by_road_on_the_hanoi_hai_phong_expressway(tables: loaders.Tables) -> None:
    """105 km (the corridor's published length), 1 TEU = 10 t, 0.08473 + 0.018 kg CO2e/t-km, 50 km/h."""
    comparison = cmp.compare(tables, "hanoi", "hai_phong", cmp.Consignment(teu=1))
    road = _option(comparison, "road__direct")
    (leg,) = road.legs
    assert leg.basis == "published_length" and leg.via == "road_hanoi_hai_phong"
    assert leg.distance_km == pytest.approx(105.0)
    assert leg.activity == pytest.approx(1050.0)
    assert road.co2e_kg == pytest.approx(1050.0 * 0.10273)
    assert road.hours == pytest.approx({"line_haul": 2.1, "wait": 0.0, "dwell": 0.0, "border": 0.0})
    assert (
        "road_hanoi_hai_phong" not in leg.source_ids and "ref_utc_hanoi_haiphong_expressway" in leg.source_ids
    )


def test_a_changed_factor_is_used_and_marked(tables: loaders.Tables) -> None:
    """10 t × 105 km × 0.1 kg/t-km = 105 kg; the changed figure is an assumption, not the source's."""
    comparison = cmp.compare(
        tables, "hanoi", "hai_phong", cmp.Consignment(tonnes=10), {"road_co2e_ttw": 0.1, "road_co2e_wtt": 0}
    )
    assert _option(comparison, "road__direct").co2e_kg == pytest.approx(105.0)
    changed = comparison.assumptions["road_co2e_ttw"]
    assert changed.overridden and changed.basis == "assumption" and "0.08473" in changed.notes
    assert comparison.assumptions.overrides() == {"road_co2e_ttw": 0.1, "road_co2e_wtt": 0.0}


def test_ten_tonnes_and_one_teu_are_the_same_consignment(tables: loaders.Tables) -> None:
    by_teu = cmp.compare(tables, "nanning", "hai_phong", cmp.Consignment(teu=1))
    by_tonnes = cmp.compare(tables, "nanning", "hai_phong", cmp.Consignment(tonnes=10))
    assert [o.co2e_kg for o in by_teu.options] == pytest.approx([o.co2e_kg for o in by_tonnes.options])


def test_sea_leg_by_hand(tables: loaders.Tables) -> None:
    """Qinzhou → Tân Vũ: TEU-km × 0.0894, half of a 21-day headway, 48 h dwell at each end."""
    comparison = cmp.compare(tables, "qinzhou", "hai_phong", cmp.Consignment(teu=2))
    sea = _option(comparison, "sea__beibu_haiphong_kolkata")
    leg = next(leg for leg in sea.legs if leg.mode == "sea")
    assert (leg.origin_id, leg.destination_id) == ("qinzhou", "tan_vu")
    assert leg.co2e_kg == pytest.approx(2 * leg.distance_km * 0.0894)
    assert leg.hours["wait"] == pytest.approx(21 * 24 / 2)
    assert leg.hours["dwell"] == pytest.approx(96.0)
    assert leg.hours["line_haul"] == pytest.approx(leg.distance_km / (14 * 1.852))
    assert "art000" in leg.source_ids


def test_the_return_leg_serves_the_eastbound_cargo_but_no_round_the_loop_detour(
    tables: loaders.Tables,
) -> None:
    """The rotation returns Kolkata → Qinzhou (then calls at Tân Vũ): Kolkata → Qinzhou and Kolkata →
    Hai Phong go by sea; Hai Phong → Qinzhou would stay aboard via Kolkata, so it is not offered."""
    eastbound = cmp.compare(tables, "kolkata", "qinzhou")
    (sea,) = [o for o in eastbound.options if o.mode == "sea"]
    assert [(leg.origin_id, leg.destination_id) for leg in sea.legs if leg.mode == "sea"] == [
        ("kolkata", "qinzhou")
    ]
    to_hai_phong = _option(cmp.compare(tables, "kolkata", "hai_phong"), "sea__beibu_haiphong_kolkata")
    assert to_hai_phong.hours["dwell"] == pytest.approx(2 * 48 + 24)
    assert not [o for o in cmp.compare(tables, "hai_phong", "qinzhou").options if o.mode == "sea"]


def test_every_preset_has_its_modes(tables: loaders.Tables) -> None:
    expected = {
        ("nanning", "hai_phong"): {"sea", "road", "rail", "air"},
        ("nanning", "hanoi"): {"sea", "road", "rail", "air"},
        ("qinzhou", "hai_phong"): {"sea", "road", "rail", "air"},
        ("pingxiang", "hai_phong"): {"sea", "road", "rail", "air"},
        ("qinzhou", "kolkata"): {"sea"},
    }
    assert set(expected) == set(cmp.PRESETS)
    for (origin, destination), modes in expected.items():
        comparison = cmp.compare(tables, origin, destination)
        assert {o.mode for o in comparison.options} == modes, (origin, destination)


def test_road_goes_through_each_operating_gate_pair_only(tables: loaders.Tables) -> None:
    pairs = tables.gate_pairs
    operating = set(pairs.loc[(pairs["status"] == "operating") & (pairs["level"] != "railway"), "pair_id"])
    comparison = cmp.compare(tables, "nanning", "hai_phong")
    assert {o.via for o in comparison.options if o.mode == "road"} == operating
    for option in comparison.options:
        if option.mode == "road":
            assert sum(1 for leg in option.legs if leg.hours.get("border")) == 1


def test_straight_line_legs_are_estimates_with_the_road_factor(tables: loaders.Tables) -> None:
    comparison = cmp.compare(tables, "nanning", "hai_phong")
    road = _option(comparison, "road__huu_nghi__youyiguan")
    first = road.legs[0]
    assert first.basis == "straight_line_estimate" and "road_factor" in first.assumption_ids
    places = tables.places.set_index("id")
    straight = cmp.geo.great_circle_km(
        (places.at["nanning", "lon_deg"], places.at["nanning", "lat_deg"]),
        (places.at["youyiguan", "lon_deg"], places.at["youyiguan", "lat_deg"]),
    )
    assert first.distance_km == pytest.approx(straight * 1.3)
    # On the Vietnamese side the road follows the curated corridor, so no road factor there.
    corridor_legs = [leg for leg in road.legs if leg.via == "road_hanoi_huu_nghi"]
    assert corridor_legs and all("road_factor" not in leg.assumption_ids for leg in corridor_legs)
    assert road.has_estimates


def test_rail_is_close_to_the_reported_fastest_run(tables: loaders.Tables) -> None:
    """In motion plus border, Nanning → Hà Nội should be near the reported 14-hour fastest run
    (ref_peoplecn_cn_vn_rail_2025); waiting and terminal time come on top."""
    rail = _option(cmp.compare(tables, "nanning", "hanoi"), "rail__dong_dang__pingxiang_rail")
    moving = rail.hours["line_haul"] + rail.hours["border"]
    assert 7 <= moving <= 21
    assert rail.hours["wait"] == pytest.approx(168 / 14 / 2)


def test_air_says_freight_is_not_stated(tables: loaders.Tables) -> None:
    air = _option(cmp.compare(tables, "nanning", "hai_phong"), "air__nanning_haiphong_air")
    assert air.carries_freight is None and "air_freight_not_stated" in air.notes


def test_every_figure_is_traceable(tables: loaders.Tables) -> None:
    known_sources = set(tables.sources["source_id"])
    known_assumptions = set(tables.assumptions["assumption_id"])
    for origin, destination in cmp.PRESETS:
        comparison = cmp.compare(tables, origin, destination, cmp.Consignment(tonnes=7))
        for option in comparison.options:
            assert set(option.assumption_ids) <= known_assumptions
            assert set(option.source_ids) <= known_sources
            record = cmp.option_record(option, comparison.assumptions)
            for assumption in record["assumptions"]:
                assert assumption["basis"] in ("sourced", "assumption")
                if assumption["basis"] == "sourced":
                    assert assumption["source"] and set(assumption["source"]) <= known_sources


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"warp_speed": 9}, "unknown assumption 'warp_speed'"),
        ({"road_speed_kmh": -1}, "must be a number >= 0"),
        ({"road_speed_kmh": float("nan")}, "must be a number >= 0"),
        ({"road_speed_kmh": 0}, "road_speed_kmh must be > 0"),
    ],
    ids=["unknown", "negative", "nan", "zero_speed"],
)
def test_bad_overrides_are_refused_plainly(tables: loaders.Tables, overrides: dict, message: str) -> None:
    with pytest.raises(cmp.CompareError, match=message):
        cmp.compare(tables, "nanning", "hai_phong", overrides=overrides)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({}, "not both or neither"), ({"teu": 1, "tonnes": 2}, "not both"), ({"teu": 0}, "positive")],
    ids=["neither", "both", "zero"],
)
def test_bad_consignments_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(cmp.CompareError, match=message):
        cmp.Consignment(**kwargs)


def test_unknown_place_is_refused(tables: loaders.Tables) -> None:
    with pytest.raises(cmp.CompareError, match="unknown origin place 'atlantis'"):
        cmp.compare(tables, "atlantis", "hai_phong")


def test_next_departures_and_calendar_by_hand() -> None:
    first = dt.date(2025, 2, 18)
    assert cmp.next_departures(first, 21, dt.date(2025, 3, 1), 2) == [
        dt.datetime(2025, 3, 11),
        dt.datetime(2025, 4, 1),
    ]
    assert cmp.next_departures(first, 21, dt.date(2024, 1, 1), 1) == [dt.datetime(2025, 2, 18)]
    assert cmp.sailing_calendar(first, 21, dt.date(2025, 3, 1)) == [
        dt.date(2025, 3, 11),
        dt.date(2025, 4, 1),
        dt.date(2025, 4, 22),
        dt.date(2025, 5, 13),
    ]
    assert cmp.wait_hours(first, 21, dt.datetime(2025, 3, 11)) == 0.0
    assert cmp.wait_hours(first, 21, dt.datetime(2025, 3, 10)) == 24.0
    assert cmp.average_wait_hours(21 * 24) == 252.0


def test_vessels_needed_counts_port_time() -> None:
    """The issue's case: an 18.1-day sea loop every 21 days is one ship only if ports take no time."""
    assert cmp.vessels_needed(18.1, 3, 0, 21) == (1, 18.1)
    ships, rotation = cmp.vessels_needed(18.1, 3, 24, 21)
    assert ships == 2 and rotation == pytest.approx(21.1)
    with pytest.raises(ValueError):
        cmp.vessels_needed(18.1, -1, 24, 21)


def test_service_timetable_counts_port_time(tables: loaders.Tables) -> None:
    table = cmp.service_timetable(tables, "beibu_haiphong_kolkata", dt.date(2025, 3, 1))
    assert table.headway_days == 21 and table.first_sailing == dt.date(2025, 2, 18)
    assert table.next_departures[0] == dt.datetime(2025, 3, 11)
    assert len(table.calendar) == 4 and table.average_wait_hours == 252
    assert table.calls == 3 and table.port_call_hours == 24
    assert table.rotation_days == pytest.approx(table.sea_days + 3.0)
    assert table.vessels >= table.vessels_without_port_time
    no_port = cmp.service_timetable(
        tables, "beibu_haiphong_kolkata", dt.date(2025, 3, 1), overrides={"sea_port_call_hours": 0}
    )
    assert no_port.vessels == no_port.vessels_without_port_time
    with pytest.raises(cmp.CompareError, match="no first sailing"):
        cmp.service_timetable(tables, "lane_haiphong_antwerp", dt.date(2025, 3, 1))


def test_sea_co2e_for_the_what_if(tables: loaders.Tables) -> None:
    assert cmp.sea_co2e_kg(tables, 1000.0) == pytest.approx(89.4)
    assert cmp.sea_co2e_kg(tables, 1000.0, teu=2, overrides={"sea_co2e_wtw_teu": 0.05}) == pytest.approx(
        100.0
    )


def test_vessel_positions_follow_the_timetable(tables: loaders.Tables) -> None:
    """At the first sailing vessel 1 leaves Qinzhou and vessel 2 is not yet in service; 21 days
    later vessel 2 leaves and vessel 1 is somewhere on its rotation."""
    first = dt.datetime(2025, 2, 18)
    places = tables.places.set_index("id")
    qinzhou = (places.at["qinzhou", "lon_deg"], places.at["qinzhou", "lat_deg"])
    at_start = cmp.vessel_positions(tables, "beibu_haiphong_kolkata", first)
    assert [p.status for p in at_start] == ["at_sea", "not_started"]
    assert at_start[0].point == pytest.approx(qinzhou, abs=0.05)
    later = cmp.vessel_positions(tables, "beibu_haiphong_kolkata", first + dt.timedelta(days=21, hours=1))
    assert later[1].status == "at_sea" and later[1].point == pytest.approx(qinzhou, abs=0.3)
    # 21 days 1 hour in, vessel 1 has sailed its 18.1-day loop and is in its last call, at Qinzhou.
    assert (later[0].status, later[0].place_id) == ("in_port", "qinzhou")
    midway = cmp.vessel_positions(tables, "beibu_haiphong_kolkata", first + dt.timedelta(days=8))
    assert midway[0].status == "at_sea" and midway[0].point != pytest.approx(qinzhou, abs=1.0)
    in_port = cmp.vessel_positions(tables, "beibu_haiphong_kolkata", first + dt.timedelta(days=200))
    assert all(p.status in ("at_sea", "in_port") for p in in_port)
    with pytest.raises(cmp.CompareError):
        cmp.vessel_positions(tables, "lane_haiphong_antwerp", first)


@settings(max_examples=60, deadline=None)
@given(
    headway=st.floats(0.25, 60, allow_nan=False),
    offset_hours=st.floats(-5000, 50000, allow_nan=False),
)
def test_waiting_never_exceeds_the_interval(headway: float, offset_hours: float) -> None:
    first = dt.datetime(2025, 2, 18)
    ready = first + dt.timedelta(hours=offset_hours)
    wait = cmp.wait_hours(first, headway, ready)
    assert wait >= 0
    if offset_hours >= 0:
        assert wait <= headway * 24 + 1e-6


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ready=st.datetimes(dt.datetime(2025, 2, 18), dt.datetime(2030, 1, 1)),
    days=st.floats(1, 60, allow_nan=False),
)
def test_sea_wait_is_within_the_service_interval(
    tables: loaders.Tables, ready: dt.datetime, days: float
) -> None:
    del days
    comparison = cmp.compare(tables, "qinzhou", "kolkata", ready=ready)
    sea = comparison.options[0]
    assert 0 <= sea.hours["wait"] <= 21 * 24 + 1e-6


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    low=st.floats(1.0, 2.5, allow_nan=False),
    extra=st.floats(0.0, 1.5, allow_nan=False),
    preset=st.sampled_from(cmp.PRESETS),
    tonnes=st.floats(0.5, 200, allow_nan=False),
)
def test_more_distance_never_lowers_co2e(
    tables: loaders.Tables, low: float, extra: float, preset: tuple[str, str], tonnes: float
) -> None:
    """A larger road factor (longer estimated roads) never lowers any option's distance or CO₂e."""
    origin, destination = preset
    consignment = cmp.Consignment(tonnes=tonnes)
    short = cmp.compare(tables, origin, destination, consignment, {"road_factor": low})
    long = cmp.compare(tables, origin, destination, consignment, {"road_factor": low + extra})
    for a, b in zip(short.options, long.options, strict=True):
        assert a.option_id == b.option_id
        assert b.distance_km >= a.distance_km - 1e-6
        assert b.co2e_kg >= a.co2e_kg - 1e-6


@settings(max_examples=40, deadline=None)
@given(
    km=st.floats(0, 20000, allow_nan=False),
    more=st.floats(0, 5000, allow_nan=False),
    tonnes=st.floats(0.01, 1000, allow_nan=False),
)
def test_leg_co2e_grows_with_distance(km: float, more: float, tonnes: float) -> None:
    assert cmp.tonne_km_co2e_kg(tonnes, km + more, 0.1) >= cmp.tonne_km_co2e_kg(tonnes, km, 0.1)


def test_every_text_key_the_page_uses_is_translated(tables: loaders.Tables) -> None:
    keys = {key for group in cmp.TEXT_KEYS.values() for key in group.values()}
    assert keys <= set(tables.translations["key"])
    legs = [
        leg for o, d in cmp.PRESETS for option in cmp.compare(tables, o, d).options for leg in option.legs
    ]
    assert {leg.basis for leg in legs} <= set(cmp.BASES)
    assert set(tables.assumptions["basis"]) <= set(cmp.TEXT_KEYS["basis"])


def test_map_content_one_colour_per_option(tables: loaders.Tables) -> None:
    """The comparison as a map kind of the one model: one path per leg, one colour per option,
    estimates dashed, both ends labelled first, each option named in the legend."""
    from atlas.content import OPTION_LEGEND_PREFIX, map_content
    from atlas.i18n import Translator
    from atlas.spec import MapSpec

    comparison = cmp.compare(tables, "nanning", "hai_phong")
    spec = MapSpec(kind="compare", language="vi", origin="nanning", destination="hai_phong")
    content = map_content(spec, tables, Translator(tables.translations, "vi"))
    paths = content.layer("compare-routes").records
    assert len(paths) == sum(len(o.legs) for o in comparison.options)
    colours = {}
    for record in paths:
        assert set(record) >= {"path", "color", "width", "dash", "tooltip"}
        assert len(record["path"]) >= 2
        colours.setdefault(record["id"], set()).add(tuple(record["color"]))
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == len(comparison.options)
    dashed = [r for r in paths if r["dash"] != [0, 0]]
    assert dashed, "straight-line estimates are drawn dashed"
    assert all(r.get("legend") == "compare.estimate" for r in dashed)
    first = [label["label"] for label in content.labels if label["priority"] >= 1000]
    assert sorted(first) == ["Hải Phòng", "Nam Ninh"]
    names = [item.text for item in content.legend if item.key.startswith(OPTION_LEGEND_PREFIX)]
    assert len(names) == len(comparison.options) and any("Hữu Nghị" in n for n in names)


def test_exports_carry_every_leg_and_its_sources(tables: loaders.Tables) -> None:
    comparison = cmp.compare(tables, "nanning", "hai_phong")
    frame = cmp.legs_frame(comparison)
    assert len(frame) == sum(len(o.legs) for o in comparison.options)
    assert frame.groupby("option_id")["co2e_kg"].sum().to_dict() == pytest.approx(
        {o.option_id: o.co2e_kg for o in comparison.options}, abs=0.01
    )
    assert frame["assumption_ids"].str.len().min() > 0
    geojson = cmp.comparison_geojson(comparison)
    assert len(geojson["features"]) == len(frame)
    assert all(len(f["geometry"]["coordinates"]) >= 2 for f in geojson["features"])
    json.dumps(geojson)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "atlas.compare", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_prints_every_option_as_json(tables: loaders.Tables) -> None:
    completed = _cli("nanning", "hai_phong", "--teu", "2", "--json", "--set", "road_speed_kmh=40")
    assert completed.returncode == 0, completed.stderr
    record = json.loads(completed.stdout)
    assert record["consignment"] == "2 TEU"
    assert {o["mode"] for o in record["options"]} == {"sea", "road", "rail", "air"}
    known = set(tables.sources["source_id"])
    for option in record["options"]:
        assert option["distance_km"] > 0 and option["co2e_kg"] > 0
        assert set(option["hours"]) == {"total", "line_haul", "wait", "dwell", "border"}
        assert option["hours"]["total"] == pytest.approx(
            sum(option["hours"][k] for k in cmp.COMPONENTS), abs=0.3
        )
        assert option["legs"] and all(leg["assumptions"] for leg in option["legs"])
        assert set(option["sources"]) <= known
        speeds = [a for a in option["assumptions"] if a["id"] == "road_speed_kmh"]
        assert speeds[0]["value"] == 40.0 and speeds[0]["basis"] == "assumption"


def test_cli_table_and_errors() -> None:
    completed = _cli("qinzhou", "kolkata", "--tonnes", "25")
    assert completed.returncode == 0 and "sea__beibu_haiphong_kolkata" in completed.stdout
    assert "not quotes" in completed.stdout
    bad = _cli("nanning", "nowhere")
    assert bad.returncode == 2 and "unknown destination place 'nowhere'" in bad.stderr
    assert "Traceback" not in bad.stderr
    bad_set = _cli("nanning", "hai_phong", "--set", "road_speed_kmh")
    assert bad_set.returncode == 2 and "assumption_id=number" in bad_set.stderr
