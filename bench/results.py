#!/usr/bin/env python3
"""Results writer for scripts/bench: raw measurements (JSON lines) -> results.json + results.md.

    bench/results.py META.json RAW.jsonl OUTDIR

Every figure is the median of its runs; the runs themselves are kept in
results.json. Standard library only.
"""
import json
import statistics
import sys
from collections import defaultdict


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=0):
    if x is None:
        return "—"
    if nd == 0:
        return f"{x:,.0f}"
    return f"{x:,.{nd}f}"


def verdict(ok):
    return "met" if ok else "**not met**"


def main():
    meta_path, raw_path, outdir = sys.argv[1:4]
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    raw = []
    with open(raw_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                raw.append(json.loads(line))

    groups = defaultdict(list)
    for r in raw:
        k = r["kind"]
        if k == "write":
            groups[("write", r["tool"], r["conns"])].append(r)
        elif k == "read":
            groups[("read", r["name"])].append(r)
        elif k == "extract":
            groups[("extract", r["name"], r["impl"])].append(r)
        else:
            groups[(k,)].append(r)

    res = {"meta": meta, "runs": raw}
    md = []
    m = meta
    md.append("# Yinhui benchmark results\n")
    md.append(f"Measured {m['date']} on commit `{m['commit']}`{' (with local changes)' if m.get('dirty') else ''}, "
              f"{'QUICK (5 % dataset) — not for quoting' if m['quick'] else 'full dataset'}. "
              f"Machine: {m['cpu_model']}, {m['nproc']} cores, {m['mem_gb']:.1f} GB RAM, {m['os']}; "
              f"PostgreSQL {m['pg_version']} with production durability (fsync, synchronous_commit and "
              f"full_page_writes on; shared_buffers {m['shared_buffers']}). yinhuid workers = {m['workers']}. "
              f"Each figure is the median of {m['runs']} runs; wrk and pgbench run on the same 2-core machine "
              f"as the server and the database. Load average (1, 5, 15 min) before the run {m.get('load_before', '?')}, "
              f"after {m.get('load_after', '?')}: other work on the machine during the run shows there.\n")

    summary = []  # (what, figure, target, verdict)

    # dataset
    gen = groups.get(("gen",), [])
    if gen:
        g = gen[-1]
        d = g["dataset"]
        res["dataset"] = d
        res["generation_s"] = g["seconds"]
        md.append("## Dataset\n")
        md.append(f"Generated in {g['seconds']:.0f} s (seeded; set-based SQL plus sealing of every ID and account "
                  f"number with the application's own code) — {d['database_bytes'] / 1e9:.2f} GB on disk.\n")
        md.append("| units | cadres (active) | survivors | visits | obligations (open) | payment lines | branches | enrolments | care plans |")
        md.append("|---|---|---|---|---|---|---|---|---|")
        md.append(f"| {d['units']} | {fmt(d['cadres'])} ({fmt(d['cadres_active'])}) | {fmt(d['survivors'])} | "
                  f"{fmt(d['visits'])} | {fmt(d['obligations'])} ({fmt(d['obligations_open'])}) | "
                  f"{fmt(d['payment_lines'])} | {fmt(d['branches'])} | {fmt(d['enrolments'])} | {fmt(d['care_plans'])} |\n")

    # write path
    wr = {}
    for conns in (16, 64):
        api = groups.get(("write", "api", conns), [])
        pgb = groups.get(("write", "pgbench", conns), [])
        if not api and not pgb:
            continue
        a = med([r["tps"] for r in api])
        p = med([r["tps"] for r in pgb])
        ratio = a / p if a and p else None
        wr[conns] = {"api_tps": a, "pgbench_tps": p, "ratio": ratio,
                     "api_p50_ms": med([r.get("p50_ms") for r in api]),
                     "api_p99_ms": med([r.get("p99_ms") for r in api]),
                     "api_errors": sum(r.get("errors", 0) for r in api)}
        summary.append((f"Write: visit via API vs pgbench, {conns} connections",
                        f"{fmt(a)} vs {fmt(p)} tps = {fmt(ratio, 2)}×", "≥ 0.8×", verdict(ratio is not None and ratio >= 0.8)))
    if wr:
        res["write"] = wr
        md.append("## Write path: logging a visit\n")
        md.append("API: `POST /api/v1/visits` (bearer token, validation, scope check, one transaction with its audit row) "
                  "driven by wrk with `bench/wrk_visit.lua`. pgbench: `bench/visit_insert.sql` (the visit INSERT and the audit "
                  "row, one transaction) with `-M prepared -j 2` on the same cluster. Each run starts right after a `CHECKPOINT` "
                  "and the two take turns going first (run 1 API first, run 2 pgbench first, ...), so both pay the same "
                  "full-page images.\n")
        md.append("| connections | API tps | API p50 / p99 ms | pgbench tps | API ÷ pgbench | target |")
        md.append("|---|---|---|---|---|---|")
        for conns, w in sorted(wr.items()):
            md.append(f"| {conns} | {fmt(w['api_tps'])} | {fmt(w['api_p50_ms'], 1)} / {fmt(w['api_p99_ms'], 1)} | "
                      f"{fmt(w['pgbench_tps'])} | {fmt(w['ratio'], 2)} | ≥ 0.80 |")
        md.append("")

    # read path
    rd = {}
    for name, label in (("cadre_show", "cadre show `GET /api/v1/cadres/:id`"),
                        ("cadre_list", "cadre list `GET /api/v1/cadres?unit=U&limit=50`"),
                        ("worklist", "worklist `GET /api/v1/visits/due` (one caseworker)")):
        rs = groups.get(("read", name), [])
        if not rs:
            continue
        rd[name] = {"label": label, "rps": med([r["rps"] for r in rs]), "p50_ms": med([r["p50_ms"] for r in rs]),
                    "p99_ms": med([r["p99_ms"] for r in rs]), "errors": sum(r.get("errors", 0) for r in rs)}
        summary.append((f"Read: {name.replace('_', ' ')} p99, 16 connections", f"{fmt(rd[name]['p99_ms'], 1)} ms",
                        "< 10 ms", verdict(rd[name]['p99_ms'] < 10)))
    if rd:
        res["read"] = rd
        md.append("## Read path (16 connections, wrk --latency)\n")
        md.append("| request | requests/s | p50 ms | p99 ms | target p99 |")
        md.append("|---|---|---|---|---|")
        for name, r in rd.items():
            md.append(f"| {r['label']} | {fmt(r['rps'])} | {fmt(r['p50_ms'], 2)} | {fmt(r['p99_ms'], 2)} | < 10 ms |")
        md.append("")

    # extraction
    ex = {}
    for name, label in (("all_units", "all units (root)"), ("county", "one county unit")):
        core = groups.get(("extract", name, "core"), [])
        ref = groups.get(("extract", name, "reference"), [])
        if not core:
            continue
        c = med([r["seconds"] for r in core])
        f = med([r["seconds"] for r in ref])
        ex[name] = {"label": label, "core_s": c, "reference_s": f, "ratio": c / f if c and f else None,
                    "unit": core[0].get("unit")}
        summary.append((f"Annual extraction, {label}", f"{fmt(c, 3)} s, {fmt(ex[name]['ratio'], 2)}× the reference",
                        "< 1 s, ≤ 2×", verdict(c < 1 and (ex[name]['ratio'] or 99) <= 2)))
    if ex:
        res["extraction"] = ex
        md.append(f"## Annual extraction (evaluation of {meta.get('eval_year')})\n")
        md.append("`yinhui evaluation show YEAR [--unit U] --format json` (whole command: process start, login check, "
                  "every module's figures, indicators, reconciliation, JSON) against `bench/reference_extraction.sql` "
                  "(hand-written SQL for the same figures, run by psql).\n")
        md.append("| scope | yinhui s | reference SQL s | ratio | target |")
        md.append("|---|---|---|---|---|")
        for name, e in ex.items():
            md.append(f"| {e['label']}{' (' + e['unit'] + ')' if e.get('unit') else ''} | {fmt(e['core_s'], 3)} | "
                      f"{fmt(e['reference_s'], 3)} | {fmt(e['ratio'], 2)} | < 1 s, ≤ 2× |")
        md.append("")

    # batch
    bt = groups.get(("batch",), [])
    if bt:
        b = {"lines": med([r["lines"] for r in bt]), "generate_s": med([r["generate_s"] for r in bt]),
             "approve_s": med([r["approve_s"] for r in bt]), "export_s": med([r["export_s"] for r in bt]),
             "total_s": med([r["generate_s"] + r["export_s"] for r in bt])}
        res["batch"] = b
        summary.append((f"Batch: generate + export {fmt(b['lines'])} lines", f"{fmt(b['total_s'], 2)} s", "< 5 s",
                        verdict(b['total_s'] < 5)))
        md.append("## Payment batch\n")
        md.append("`yinhui batch generate` (clerk), `yinhui batch approve` (approver), `yinhui batch export --encoding gbk` "
                  "(the bank file, every account and ID number opened).\n")
        md.append("| lines | generate s | approve s | export s | generate + export s | target |")
        md.append("|---|---|---|---|---|---|")
        md.append(f"| {fmt(b['lines'])} | {fmt(b['generate_s'], 2)} | {fmt(b['approve_s'], 2)} | {fmt(b['export_s'], 2)} | "
                  f"{fmt(b['total_s'], 2)} | < 5 s |\n")

    # import
    im = {}
    for enc in ("utf-8", "gbk"):
        rs = [r for r in groups.get(("import",), []) if r["encoding"] == enc]
        if not rs:
            continue
        rows = med([r["rows"] for r in rs])
        secs = med([r["seconds"] for r in rs])
        im[enc] = {"rows": rows, "seconds": secs, "rows_per_s": med([r["rows"] / r["seconds"] for r in rs])}
        summary.append((f"Import: roster CSV ({enc})", f"{fmt(im[enc]['rows_per_s'])} rows/s", "≥ 50,000 rows/s",
                        verdict(im[enc]['rows_per_s'] >= 50000)))
    if im:
        res["import"] = im
        md.append("## Roster import\n")
        md.append("A generated CSV of new cadres (valid ID numbers; every row validated, ID numbers sealed, one audit row) "
                  "through `POST /api/v1/cadres/import`.\n")
        md.append("| file | rows | seconds | rows/s | target |")
        md.append("|---|---|---|---|---|")
        for enc, i in im.items():
            md.append(f"| {enc} | {fmt(i['rows'])} | {fmt(i['seconds'], 2)} | {fmt(i['rows_per_s'])} | ≥ 50,000 |")
        md.append("")

    # memory
    mem = groups.get(("memory",), [])
    if mem:
        r = mem[-1]
        s = r["rss_series_kb"]
        n = max(1, len(s) // 6)
        first, last = statistics.mean(s[:n]) / 1024, statistics.mean(s[-n:]) / 1024
        mm = {"hwm_mb": r["hwm_kb"] / 1024, "rss_max_mb": max(s) / 1024, "rss_min_mb": min(s) / 1024,
              "rss_first_mb": first, "rss_last_mb": last, "seconds": r["seconds"], "conns": r["conns"],
              "rps": r.get("rps"), "series_mb": [round(x / 1024, 1) for x in s]}
        res["memory"] = mm
        flat = abs(last - first) <= max(2.0, 0.1 * first)
        summary.append(("Memory: daemon peak RSS, 64 connections", f"{fmt(mm['hwm_mb'], 1)} MB, "
                        f"{'flat' if flat else 'growing'} ({fmt(first, 1)} → {fmt(last, 1)} MB)", "< 50 MB, flat",
                        verdict(mm['hwm_mb'] < 50 and flat)))
        md.append("## Memory\n")
        md.append(f"yinhuid (fresh process) under {r['conns']} connections posting visits for {r['seconds']} s "
                  f"({fmt(r.get('rps'))} requests/s); RSS sampled every second from /proc/PID/status.\n")
        md.append("| VmHWM MB | RSS min / max MB | mean RSS first ⅙ → last ⅙ MB | target |")
        md.append("|---|---|---|---|")
        md.append(f"| {fmt(mm['hwm_mb'], 1)} | {fmt(mm['rss_min_mb'], 1)} / {fmt(mm['rss_max_mb'], 1)} | "
                  f"{fmt(first, 1)} → {fmt(last, 1)} | < 50 MB, flat |\n")
        if r.get("hwm_login_kb"):
            mm["hwm_login_mb"] = r["hwm_login_kb"] / 1024
            md.append(f"Before the load the daemon served one login: its peak RSS then was {mm['hwm_login_mb']:.1f} MB, "
                      "the Argon2id password check (64 MiB work area, freed at once). The high-water mark was reset "
                      "(/proc/PID/clear_refs) before the load, so VmHWM above is the load's own peak.\n")
        md.append("RSS (MB) each second: " + " ".join(str(x) for x in mm["series_mb"]) + "\n")

    plans = groups.get(("explain",), [])
    if plans:
        res["explain"] = {p["name"]: p["plan"] for p in plans}
        md.append("## Query plans\n")
        md.append("Captured with auto_explain (ANALYZE, BUFFERS) from the daemon's own prepared statements, "
                  "after the read benchmark.\n")
        for p in plans:
            md.append(f"### {p['title']}\n")
            md.append("```")
            md.append(p["plan"].rstrip())
            md.append("```\n")

    head = ["## Summary\n", "| what | measured | target | |", "|---|---|---|---|"]
    for what, fig, target, v in summary:
        head.append(f"| {what} | {fig} | {target} | {v} |")
    head.append("")
    md = md[:2] + head + md[2:]
    res["summary"] = [{"what": a, "measured": b, "target": c, "verdict": d.strip("*")} for a, b, c, d in summary]

    with open(f"{outdir}/results.json", "w", encoding="utf-8") as f:
        json.dump(res, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(f"{outdir}/results.md", "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    print("\n".join(head))


if __name__ == "__main__":
    main()
