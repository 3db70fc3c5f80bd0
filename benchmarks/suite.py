"""The side-by-side benchmark: Health Monitor beside systemmonitor and blackbox_exporter.

``python -m benchmarks.suite [--quick] [--json PATH] [--markdown PATH]`` (what
``scripts/benchmark`` runs) starts the loopback targets (a TCP listener and an
HTTP server in a process of their own, a private Mosquitto, a private
PostgreSQL), runs each scenario of ``benchmarks/scenario.py`` in a fresh
process, probes the same targets with blackbox_exporter at the same rate,
prints a markdown table and writes every figure to JSON.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
import json
import math
import os
from pathlib import Path
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from . import blackbox
from .procstat import _TICKS

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("network", "http_endpoint", "mqtt_broker", "database")
KIND_NAMES = {
    "network": "network (TCP)",
    "http_endpoint": "HTTP",
    "mqtt_broker": "MQTT broker",
    "database": "database",
}
QUICK = {
    "sizes": [3],
    "size_caps": {},
    "interval": 1,
    "cycles": 2,
    "host_interval": 1,
    "host_cycles": 3,
    "detection_interval": 1,
    "storage_interval": 1,
    "storage_cycles": 3,
    "storage_targets": 3,
    "full_history_sizes": {"network": [3]},
    "bare_s": 1,
    "soak": {"kind": "network", "size": 3, "interval": 1, "sample_s": 3, "samples": 2},
    "entities": {
        "entities": 200,
        "checks": 5,
        "writes": 1000,
        "interval": 1,
        "cycles": 2,
    },
}
FULL = {
    "sizes": [100, 500, 1000],
    # The database stops at 500: at 500 a cycle of logins already takes ~4 s
    # and ~5 CPU-seconds on 2 cores (1000 was not tried; --sizes lifts the cap).
    "size_caps": {"database": 500},
    "interval": 10,
    "cycles": 3,
    "host_interval": 5,
    "host_cycles": 8,
    "detection_interval": 5,
    "storage_interval": 30,
    "storage_cycles": 4,
    "storage_targets": 100,
    # The hardest case: 500 targets whose histories are full.
    "full_history_sizes": {"network": [500]},
    "bare_s": 3,
    # An hour of 500 network targets with full histories (--parts soak; not
    # in a default run): memory flat, no false incident.
    "soak": {
        "kind": "network",
        "size": 500,
        "interval": 10,
        "sample_s": 60,
        "samples": 60,
    },
    # Home Assistant itself watched: 10 000 sensors, 50 label-based entity
    # checks of 200 each, and the Entities check over all of them.
    "entities": {
        "entities": 10000,
        "checks": 50,
        "writes": 20000,
        "interval": 10,
        "cycles": 3,
    },
}


def log(message: str) -> None:
    """Say what the suite is doing (stderr, so the table stays clean)."""
    sys.stderr.write(f"[benchmark {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


NAN = float("nan")


def ratio(value: float, reference: float, window_cycles: float) -> float:
    """Return ``value / reference``; a reference under one CPU tick counts as one tick.

    CPU time in /proc moves in clock ticks; a peer that used less than one
    tick over the window is taken to have used one (the ratio is then a
    lower bound for a CPU figure).
    """
    return value / max(reference, 1 / _TICKS / window_cycles)


def figure(figures: dict[str, Any], key: str) -> float:
    """Return one figure, NaN when its scenario failed (the suite reports it)."""
    value = figures.get(key, NAN)
    return float(value)


def run_scenario(spec: dict[str, Any], work: Path, logs: Path) -> dict[str, Any]:
    """Run one scenario in a fresh pytest process; return its figures."""
    name = spec["name"]
    spec_file = work / f"{name}.spec.json"
    out = work / f"{name}.out.json"
    spec_file.write_text(json.dumps({**spec, "out": str(out)}), encoding="utf-8")
    for attempt in range(2):
        log_file = logs / f"{name}{'-again' if attempt else ''}.log"
        log(f"scenario {name}" + (" (again)" if attempt else ""))
        with log_file.open("wb") as output:
            result = subprocess.run(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable, "-m", "pytest", "benchmarks/scenario.py",
                    "-p", "no:cacheprovider", "-p", "no:logging", "-q", "--no-cov",
                    "-x", "-s",
                ],
                cwd=ROOT, env={**os.environ, "BENCH_SPEC": str(spec_file)},
                stdout=output, stderr=subprocess.STDOUT, check=False,
            )  # fmt: skip
        if out.exists():
            break
        log(f"scenario {name} wrote no figures ({result.returncode}); see {log_file}")
    else:
        tail = log_file.read_text(errors="replace")[-3000:]
        return {"error": f"scenario {name} failed ({result.returncode}): {tail}"}
    if result.returncode != 0:
        log(f"scenario {name}: figures written, but pytest said {result.returncode}")
    figures: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return figures


@contextmanager
def farm() -> Iterator[dict[str, int]]:
    """Run the loopback TCP and HTTP targets in their own process."""
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "benchmarks.farm"], cwd=ROOT, stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        yield json.loads(process.stdout.readline())
    finally:
        process.kill()
        process.wait()


@contextmanager
def postgres(connections: int) -> Iterator[dict[str, Any]]:
    """Run a private PostgreSQL that takes ``connections`` sessions at once."""
    from tests.targets.postgres_server import (  # noqa: PLC0415
        APP_DATABASE,
        MONITOR_PASSWORD,
        MONITOR_USER,
        PostgresServer,
    )

    root = Path(tempfile.mkdtemp(prefix="hm-bench-postgres-"))
    server = PostgresServer(root)
    try:
        server.initialize()
        server._configure(  # noqa: SLF001 - later settings win
            max_connections=str(connections + 20), ssl="off"
        )
        server.start()
        server.create_fixtures()
        yield {
            "host": server.host,
            "port": server.port,
            "database": APP_DATABASE,
            "username": MONITOR_USER,
            "password": MONITOR_PASSWORD,
        }
    finally:
        if server.running:
            with suppress(RuntimeError):
                server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def mosquitto(directory: Path) -> Iterator[int]:
    """Run a private Mosquitto; yield its anonymous port."""
    from tests.targets.mosquitto_server import MosquittoServer  # noqa: PLC0415

    server = MosquittoServer(directory)
    server.start()
    try:
        yield server.anonymous_port
    finally:
        server.stop()


def machine() -> dict[str, Any]:
    """Describe the machine and software the figures come from."""
    import psutil  # noqa: PLC0415

    import homeassistant.const  # noqa: PLC0415

    model = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "python": platform.python_version(),
        "home_assistant": homeassistant.const.__version__,
        "psutil": psutil.__version__,
        "load_average_at_start": os.getloadavg(),
    }


def host_figures(config: dict[str, Any], work: Path, logs: Path) -> dict[str, Any]:
    """Measure the default checks beside systemmonitor: in one HA, and each alone."""
    base = {
        "scenario": "host",
        "interval": config["host_interval"],
        "cycles": config["host_cycles"],
        "bare_s": config["bare_s"],
    }
    both = run_scenario(
        {**base, "name": "host-both", "with_health_monitor": True,
         "with_systemmonitor": True},
        work, logs,
    )  # fmt: skip
    alone = {
        name: run_scenario(
            {
                **base,
                "name": f"host-{name}",
                "with_health_monitor": name == "health_monitor",
                "with_systemmonitor": name == "systemmonitor",
            },
            work,
            logs,
        )  # fmt: skip
        for name in ("health_monitor", "systemmonitor")
    }
    cycles = config["host_cycles"]
    hm, sm = alone["health_monitor"], alone["systemmonitor"]
    return {
        "same_ha": both,
        "health_monitor": hm,
        "systemmonitor": sm,
        "ratios": {
            "update_median": figure(both, "health_monitor_update_ms_median")
            / figure(both, "systemmonitor_update_ms_median"),
            "update_p95": figure(both, "health_monitor_update_ms_p95")
            / figure(both, "systemmonitor_update_ms_p95"),
            "cpu_per_cycle": ratio(
                figure(hm, "cpu_s_per_cycle"), figure(sm, "cpu_s_per_cycle"), cycles
            ),
            "rss_added": figure(hm, "rss_added_mb")
            / max(figure(sm, "rss_added_mb"), 0.1),
        },
    }


def target_figures(
    config: dict[str, Any], targets: dict[str, Any], work: Path, logs: Path
) -> dict[str, Any]:
    """Each kind at each size: Health Monitor, then blackbox_exporter on the same."""
    results: dict[str, Any] = {}
    exporter_port = blackbox_port()
    for kind in config["kinds"]:
        results[kind] = {}
        for size, full in cases_of(config, kind):
            label = f"{size} full" if full else str(size)
            spec = {
                "scenario": "targets", "name": f"{kind}-{label.replace(' ', '-')}",
                "kind": kind, "size": size, "interval": config["interval"],
                "cycles": config["cycles"], "bare_s": config["bare_s"],
                "targets": targets, "full_histories": full,
            }  # fmt: skip
            figures = run_scenario(spec, work, logs)
            log(f"blackbox_exporter {kind}-{size}")
            with blackbox.running_exporter(work, exporter_port) as exporter:
                peer = asyncio.run(
                    blackbox.measure(
                        exporter.pid,
                        exporter_port,
                        blackbox.probe_targets(kind, size, targets),
                        config["interval"],
                        config["cycles"],
                        config["bare_s"],
                    )
                )
            figures["blackbox"] = peer
            figures["cpu_ratio_vs_blackbox"] = ratio(
                figure(figures, "cpu_s_per_cycle"),
                peer["cpu_s_per_cycle"],
                config["cycles"],
            )
            figures["rss_ratio_vs_blackbox"] = figure(figures, "rss_added_mb") / max(
                peer["rss_added_mb"], 0.1
            )
            results[kind][label] = figures
    return results


def cases_of(config: dict[str, Any], kind: str) -> list[tuple[int, bool]]:
    """Return (size, full histories) of every target scenario of ``kind``."""
    full = config.get("full_history_sizes", {}).get(kind, [])
    return [(size, False) for size in sizes_of(config, kind)] + [
        (size, True) for size in full
    ]


def measure_targets(config: dict[str, Any], work: Path, logs: Path) -> dict[str, Any]:
    """Start the loopback targets and measure every kind at every size."""
    broker_dir = work / "mosquitto"
    broker_dir.mkdir()
    with (
        farm() as ports,
        mosquitto(broker_dir) as mqtt_port,
        postgres(max(sizes_of(config, "database"))) as database,
    ):
        targets = {**ports, "mqtt_port": mqtt_port, "database": database}
        return target_figures(config, targets, work, logs)


def soak_figures(config: dict[str, Any], work: Path, logs: Path) -> dict[str, Any]:
    """Run the long scenario against targets that stay up the whole time."""
    soak = config["soak"]
    with farm() as ports:
        return run_scenario(
            {"scenario": "soak", "name": "soak", "bare_s": config["bare_s"],
             "targets": ports, **soak},
            work, logs,
        )  # fmt: skip


def sizes_of(config: dict[str, Any], kind: str) -> list[int]:
    """Return the target counts measured for ``kind``."""
    cap = config["size_caps"].get(kind)
    return [size for size in config["sizes"] if cap is None or size <= cap] or [
        min(config["sizes"])
    ]


def blackbox_port() -> int:
    """Return a free loopback port for the exporter."""
    from tests.targets.postgres_server import free_port  # noqa: PLC0415

    return free_port()


PARTS = ("host", "detection", "storage", "targets", "entities", "soak")
# A default full run leaves the hour-long soak out; --quick runs a short one.
DEFAULT_PARTS = ("host", "detection", "storage", "targets", "entities")


def run(
    config: dict[str, Any], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run the scenarios of ``config["parts"]``; the other parts come from ``previous``."""
    blackbox.binary()
    cache = ROOT / ".cache" / "benchmark"
    logs = cache / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {
        **(previous or {}),
        "mode": config["mode"],
        "config": config,
        "machine": machine(),
    }
    parts = config["parts"]
    with tempfile.TemporaryDirectory(prefix="hm-bench-") as directory:
        work = Path(directory)
        if "host" in parts:
            results["host"] = host_figures(config, work, logs)
        if "detection" in parts:
            results["detection"] = run_scenario(
                {"scenario": "detection", "name": "detection",
                 "interval": config["detection_interval"]},
                work, logs,
            )  # fmt: skip
        if "storage" in parts:
            results["storage"] = run_scenario(
                {"scenario": "storage", "name": "storage",
                 "interval": config["storage_interval"],
                 "cycles": config["storage_cycles"], "size": config["storage_targets"]},
                work, logs,
            )  # fmt: skip
        if "targets" in parts:
            results["targets"] = measure_targets(config, work, logs)
        if "entities" in parts:
            results["entities"] = run_scenario(
                {"scenario": "entities", "name": "entities", "bare_s": config["bare_s"],
                 **config["entities"]},
                work, logs,
            )  # fmt: skip
        if "soak" in parts:
            results["soak"] = soak_figures(config, work, logs)
    results["duration_s"] = (
        time.perf_counter() - started + ((previous or {}).get("duration_s", 0.0))
    )
    return results


def _f(value: float, digits: int = 3) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:.0f}"


def markdown(results: dict[str, Any]) -> str:
    """Return the figures as markdown tables (the parts that were measured)."""
    config = results["config"]
    info = results["machine"]
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB; "
        f"HA {info['home_assistant']}, Python {info['python']}, psutil "
        f"{info['psutil']}; mode {results['mode']}, run took "
        f"{results['duration_s'] / 60:.1f} min.",
    ]
    if "host" in results:
        lines += host_lines(results["host"], config)
    if "targets" in results:
        lines += target_lines(results["targets"], config)
    if "detection" in results or "storage" in results:
        lines += detection_storage_lines(
            results.get("detection", {}), results.get("storage", {})
        )
    if "entities" in results:
        lines += entities_lines(results["entities"])
    if "soak" in results:
        lines += soak_lines(results["soak"])
    return "\n".join(lines) + "\n"


def entities_lines(f: dict[str, Any]) -> list[str]:
    """Return the table of Home Assistant's own entities watched."""
    return [
        "",
        f"Home Assistant watched: {f.get('entities', '?')} sensors, {f.get('checks', '?')} "
        "label-based entity checks covering all of them, and the Entities check; "
        f"{f.get('interval_s', '?')} s interval, {f.get('cycles', '?')} cycles:",
        "",
        "| entities figure | without Health Monitor | with | added |",
        "|---|---|---|---|",
        f"| event loop CPU per state change | {_f(figure(f, 'loop_us_per_change_without'))} µs"
        f" | {_f(figure(f, 'loop_us_per_change_with'))} µs"
        f" | {_f(figure(f, 'loop_us_per_change_added'))} µs |",
        f"| event loop CPU per state reported unchanged"
        f" | {_f(figure(f, 'loop_us_per_report_without'))} µs"
        f" | {_f(figure(f, 'loop_us_per_report_with'))} µs"
        f" | {_f(figure(f, 'loop_us_per_report_added'))} µs |",
        f"| memory added (Python allocations held after setup and a cycle) | – | – "
        f"| {_f(figure(f, 'python_memory_added_mb'))} MB |",
        f"| cycle (median) / setup | – | {_f(figure(f, 'cycle_ms_median'))} ms"
        f" / {_f(figure(f, 'setup_s'))} s | – |",
        f"| loop lag during cycles, p95 / max | – | {_f(figure(f, 'loop_lag_ms_p95'))} / "
        f"{_f(figure(f, 'loop_lag_ms_max'))} ms | – |",
        f"| CPU per cycle | – | {_f(figure(f, 'cpu_s_per_cycle'))} s | – |",
    ]


def host_lines(host: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """Return the built-in checks' table beside systemmonitor."""
    both, hm, sm, ratios = (
        host["same_ha"], host["health_monitor"], host["systemmonitor"], host["ratios"],
    )  # fmt: skip
    return [
        "",
        f"Built-in checks (default set) beside `systemmonitor` (all "
        f"{both.get('systemmonitor_entities', '?')} entities enabled), "
        f"{config['host_interval']} s interval, {config['host_cycles']} cycles:",
        "",
        "| figure | Health Monitor | systemmonitor | ratio |",
        "|---|---|---|---|",
        f"| per update, median (same HA) | {_f(figure(both, 'health_monitor_update_ms_median'))}"
        f" ms | {_f(figure(both, 'systemmonitor_update_ms_median'))} ms"
        f" | {figure(ratios, 'update_median'):.2f} |",
        f"| per update, p95 (same HA) | {_f(figure(both, 'health_monitor_update_ms_p95'))}"
        f" ms | {_f(figure(both, 'systemmonitor_update_ms_p95'))} ms"
        f" | {figure(ratios, 'update_p95'):.2f} |",
        f"| process CPU per cycle (alone) | {_f(figure(hm, 'cpu_s_per_cycle'))} s"
        f" | {_f(figure(sm, 'cpu_s_per_cycle'))} s | {figure(ratios, 'cpu_per_cycle'):.2f} |",
        f"| added RSS (alone) | {_f(figure(hm, 'rss_added_mb'))} MB"
        f" | {_f(figure(sm, 'rss_added_mb'))} MB | {figure(ratios, 'rss_added'):.2f} |",
        f"| state writes per cycle (alone) | {_f(figure(hm, 'state_writes_per_cycle'))}"
        f" | {_f(figure(sm, 'state_writes_per_cycle'))} | – |",
    ]


def target_lines(targets: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """Return the targets' table beside blackbox_exporter."""
    lines = [
        "",
        f"Targets on loopback, {config['interval']} s interval, {config['cycles']} "
        "cycles; blackbox_exporter probes the same targets at the same rate:",
        "",
        "| kind | targets | CPU s/cycle | blackbox CPU s/cycle | CPU ratio "
        "| added RSS MB (blackbox) | loop lag p95 / max ms | cycle ms (median) "
        "| state writes/cycle | not healthy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, sizes in targets.items():
        for size, f in sizes.items():
            peer = f.get("blackbox", {})
            lines.append(
                f"| {KIND_NAMES[kind]} | {size.replace(' full', ', full histories')}"
                f" | {_f(figure(f, 'cpu_s_per_cycle'))}"
                f" | {_f(figure(peer, 'cpu_s_per_cycle'))} | {figure(f, 'cpu_ratio_vs_blackbox'):.2f}"
                f" | {_f(figure(f, 'rss_added_mb'))} ({_f(figure(peer, 'rss_added_mb'))})"
                f" | {_f(figure(f, 'loop_lag_ms_p95'))} / {_f(figure(f, 'loop_lag_ms_max'))}"
                f" | {_f(figure(f, 'cycle_ms_median'))} | {_f(figure(f, 'state_writes_per_cycle'))}"
                f" | {f.get('not_healthy_targets', '–')} |"
            )
    return lines


def detection_storage_lines(
    detection: dict[str, Any], store: dict[str, Any]
) -> list[str]:
    """Return the detection latency and storage table."""
    return [
        "",
        "| detection and storage | value |",
        "|---|---|",
        f"| HTTP server killed → status leaves healthy ({detection.get('interval_s', '?')} s"
        f" interval) | {figure(detection, 'http_endpoint_detection_s'):.2f} s |",
        f"| MQTT broker killed → status leaves healthy | "
        f"{figure(detection, 'mqtt_broker_detection_s'):.2f} s |",
        f"| storage written per cycle (default checks + {store.get('targets', '?')} network "
        f"targets, {store.get('interval_s', '?')} s interval) | "
        f"{figure(store, 'bytes_per_cycle') / 1e3:.1f} kB |",
        f"| storage written per day at a 30 s interval: Health Monitor's stores"
        f" (all of HA's) | {figure(store, 'health_monitor_mb_per_day_at_30s'):.1f} MB"
        f" ({figure(store, 'mb_per_day_at_30s'):.1f} MB) |",
        "| the same, Health Monitor's, with full histories "
        f"({store.get('history_size', '?')} entries each, saved every "
        f"{store.get('history_save_delay_s', '?')} s), measured by filling them | "
        f"{figure(store, 'health_monitor_mb_per_day_full_histories_at_30s'):.0f} MB |",
    ]


def soak_lines(soak: dict[str, Any]) -> list[str]:
    """Return the soak part's table (long run, targets up all the time)."""
    return [
        "",
        f"Soak: {soak.get('size', '?')} {KIND_NAMES.get(soak.get('kind', ''), '?')} "
        f"targets with full histories, {soak.get('interval_s', '?')} s interval, "
        f"{soak.get('minutes', '?')} min, targets up throughout:",
        "",
        "| soak figure | value |",
        "|---|---|",
        f"| added RSS, first / last / highest sample | {_f(figure(soak, 'rss_added_mb_first'))}"
        f" / {_f(figure(soak, 'rss_added_mb_last'))} / {_f(figure(soak, 'rss_added_mb_max'))}"
        f" MB |",
        f"| RSS growth | {figure(soak, 'rss_growth_mb_per_hour'):.1f} MB per hour |",
        f"| CPU per cycle | {_f(figure(soak, 'cpu_s_per_cycle'))} s |",
        f"| loop lag during cycles, p95 / max | {_f(figure(soak, 'loop_lag_ms_p95'))} / "
        f"{_f(figure(soak, 'loop_lag_ms_max'))} ms |",
        f"| incidents opened (all false) | {soak.get('incidents_opened', '–')} |",
        f"| targets not healthy at the end | {soak.get('not_healthy_targets', '–')} |",
    ]


TABLE_START = "<!-- benchmark table: scripts/benchmark --readme -->"
TABLE_END = "<!-- end of benchmark table -->"


def into_readme(readme: str, table: str) -> str:
    """Return ``readme`` with the table between its benchmark markers replaced."""
    start = readme.index(TABLE_START) + len(TABLE_START)
    end = readme.index(TABLE_END)
    return f"{readme[:start]}\n\n{table}\n{readme[end:]}"


def missing_or_not_finite(results: dict[str, Any]) -> list[str]:
    """Return the paths of figures that are absent or not finite numbers."""
    problems: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, bool | str | list | tuple) or value is None:
            return
        elif not math.isfinite(value):
            problems.append(path)

    walk(results, "")
    problems += [f"{path}: scenario failed" for path in _failed(results, "")]
    # A part counts when it was measured now or merged from an earlier run.
    parts = set(results["config"]["parts"]) | (set(PARTS) & set(results))
    for path in required_figures(results["config"], parts):
        node: Any = results
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                problems.append(f"missing {path}")
                break
            node = node[key]
    return problems


def _failed(value: Any, path: str) -> list[str]:
    """Return the paths of scenarios that wrote no figures."""
    if not isinstance(value, dict):
        return []
    found = [path] if "error" in value else []
    for key, item in value.items():
        found += _failed(item, f"{path}.{key}")
    return found


TARGET_FIGURES = (
    "cpu_s_per_cycle", "rss_added_mb", "loop_lag_ms_max", "loop_lag_ms_p95",
    "cycle_ms_median", "state_writes_per_cycle", "cpu_ratio_vs_blackbox",
    "blackbox.cpu_s_per_cycle", "blackbox.rss_added_mb",
)  # fmt: skip


SOAK_FIGURES = (
    "cpu_s_per_cycle", "rss_added_mb_first", "rss_added_mb_last", "rss_added_mb_max",
    "rss_growth_mb_per_hour", "loop_lag_ms_p95", "loop_lag_ms_max", "incidents_opened",
    "not_healthy_targets",
)  # fmt: skip


ENTITIES_FIGURES = (
    "loop_us_per_change_without", "loop_us_per_change_with", "loop_us_per_change_added",
    "loop_us_per_report_without", "loop_us_per_report_with", "loop_us_per_report_added",
    "python_memory_added_mb", "cycle_ms_median", "setup_s", "loop_lag_ms_p95",
    "loop_lag_ms_max", "cpu_s_per_cycle",
)  # fmt: skip


def required_figures(config: dict[str, Any], parts: set[str]) -> list[str]:
    """Return the path of every figure the suite promises for ``parts``."""
    paths = [
        "host.same_ha.health_monitor_update_ms_median",
        "host.same_ha.health_monitor_update_ms_p95",
        "host.same_ha.systemmonitor_update_ms_median",
        "host.same_ha.systemmonitor_update_ms_p95",
        "host.health_monitor.cpu_s_per_cycle",
        "host.health_monitor.rss_added_mb",
        "host.systemmonitor.cpu_s_per_cycle",
        "host.systemmonitor.rss_added_mb",
        "host.ratios.update_median",
        "host.ratios.update_p95",
        "host.ratios.cpu_per_cycle",
        "host.ratios.rss_added",
        "detection.http_endpoint_detection_s",
        "detection.mqtt_broker_detection_s",
        "storage.bytes_per_cycle",
        "storage.mb_per_day_at_30s",
        "storage.health_monitor_mb_per_day_at_30s",
        "storage.health_monitor_mb_per_day_full_histories_at_30s",
    ]
    for kind in config["kinds"]:
        for size, full in cases_of(config, kind):
            label = f"{size} full" if full else str(size)
            paths += [f"targets.{kind}.{label}.{name}" for name in TARGET_FIGURES]
    paths += [f"soak.{name}" for name in SOAK_FIGURES]
    paths += [f"entities.{name}" for name in ENTITIES_FIGURES]
    return [path for path in paths if path.split(".", 1)[0] in parts]


def main(argv: list[str] | None = None) -> int:
    """Run the suite from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few cycles")
    parser.add_argument(
        "--json", type=Path, default=ROOT / ".cache" / "benchmark" / "results.json"
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="put the table into README.md's Performance section",
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="target counts")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--interval", type=float, help="seconds between target cycles")
    parser.add_argument("--cycles", type=int, help="measured target cycles")
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS,
        help="measure only these parts; the others come from --merge "
        "(default: all but soak; --quick: all)",
    )  # fmt: skip
    parser.add_argument(
        "--soak-minutes", type=int, help="length of the soak part (default 60)"
    )
    parser.add_argument(
        "--merge", type=Path, help="results JSON of an earlier run to complete"
    )
    args = parser.parse_args(argv)
    config = {
        **(QUICK if args.quick else FULL),
        "mode": "quick" if args.quick else "full",
    }
    config["kinds"] = args.kinds
    config["parts"] = args.parts or list(PARTS if args.quick else DEFAULT_PARTS)
    if args.soak_minutes is not None:
        config["soak"] = {
            **config["soak"],
            "sample_s": 60,
            "samples": args.soak_minutes,
        }
    previous = None
    if args.merge is not None:
        previous = json.loads(args.merge.read_text(encoding="utf-8"))
        for key in ("markdown", "problems"):
            previous.pop(key, None)
    if args.sizes is not None:
        config["size_caps"] = {}
    for key in ("sizes", "interval", "cycles"):
        if getattr(args, key) is not None:
            config[key] = getattr(args, key)
    results = run(config, previous)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    table = markdown(results)
    results["markdown"] = table
    problems = missing_or_not_finite(results)
    results["problems"] = problems
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    if args.readme:
        readme = ROOT / "README.md"
        readme.write_text(
            into_readme(readme.read_text(encoding="utf-8"), table), encoding="utf-8"
        )
    sys.stdout.write(table)
    log(f"figures written to {args.json}")
    if problems:
        log(f"missing or not finite: {', '.join(problems)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
