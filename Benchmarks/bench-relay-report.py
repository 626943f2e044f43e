#!/usr/bin/env python3
"""Summary of one Benchmarks/bench-relay run: reads its JSON lines and prints Markdown tables.

usage: bench-relay-report.py RESULTS LOAD_BEFORE LOAD_AFTER REALTIME
"""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
load_before, load_after, realtime = sys.argv[2], sys.argv[3], sys.argv[4] == "1"


def spread(values, fmt="{:.2f}"):
    values = sorted(values)
    if not values:
        return "—"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} [{fmt.format(values[0])}–{fmt.format(values[-1])}]"


def pps(r):
    return r["packets"] / r["seconds"] if r["seconds"] > 0 else 0.0


def ns_per_packet(r):
    return r["cpu_seconds"] / r["packets"] * 1e9 if r["packets"] else float("nan")


print(f"Load average (1/5/15 min) before: {load_before}; after: {load_after}. Throughput processes SCHED_FIFO: "
      f"{'yes' if realtime else 'no'}.")

throughput = [r for r in rows if r["phase"] == "throughput"]
if throughput:
    impls = list(dict.fromkeys(r["impl"] for r in throughput))
    cells = list(dict.fromkeys((r["size"], r["gso"]) for r in throughput))
    print("\n### Throughput, one core (medians over runs; [min–max])\n")
    print("| datagram | sender | impl | pps | Gbit/s | CPU per packet | core busy | load during |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, gso in cells:
        for impl in impls:
            rs = [r for r in throughput if r["impl"] == impl and r["size"] == size and r["gso"] == gso]
            if not rs:
                continue
            sender = "plain" if gso == 1 else f"GSO x{gso}"
            print(f"| {size} B | {sender} | {impl} | {spread([pps(r['r']) / 1e3 for r in rs], '{:.0f}')} k | "
                  f"{statistics.median(r['r']['bytes'] * 8 / r['r']['seconds'] / 1e9 for r in rs):.2f} | "
                  f"{spread([ns_per_packet(r['r']) for r in rs], '{:.0f}')} ns | "
                  f"{statistics.median(r['r']['cpu_seconds'] / r['r']['seconds'] * 100 for r in rs):.0f} % | "
                  f"{spread([r['load'] for r in rs], '{:.1f}')} |")
    print("\nPer-pair ratios against the C forwarder (same run and cell; median [min–max] over runs). "
          "pps ratio > 1: more datagrams delivered; CPU ratio < 1: less CPU per datagram.\n")
    print("| datagram | sender | impl | pps / C | CPU per packet / C |")
    print("| --- | --- | --- | --- | --- |")
    for size, gso in cells:
        for impl in impls:
            if impl == "c":
                continue
            pairs = []
            for run in sorted({r["run"] for r in throughput}):
                a = [r for r in throughput if (r["impl"], r["size"], r["gso"], r["run"]) == (impl, size, gso, run)]
                c = [r for r in throughput if (r["impl"], r["size"], r["gso"], r["run"]) == ("c", size, gso, run)]
                if a and c and pps(c[0]["r"]) > 0:
                    pairs.append((pps(a[0]["r"]) / pps(c[0]["r"]), ns_per_packet(a[0]["r"]) / ns_per_packet(c[0]["r"])))
            if pairs:
                sender = "plain" if gso == 1 else f"GSO x{gso}"
                print(f"| {size} B | {sender} | {impl} | {spread([p[0] for p in pairs])} | "
                      f"{spread([p[1] for p in pairs])} |")

alloc = [r for r in rows if r["phase"] == "alloc"]
if alloc:
    print("\n### Heap allocations in relay-server per forwarded datagram\n")
    print("| impl | datagram | heap allocations | datagrams forwarded | per datagram |")
    print("| --- | --- | --- | --- | --- |")
    for r in alloc:
        per = r["mallocs"] / r["forwarded"] if r["forwarded"] else float("nan")
        print(f"| {r['impl']} | {r['size']} B | {r['mallocs']:,} | {r['forwarded']:,} | {per:.4f} |")

scaling = [r for r in rows if r["phase"] == "scaling"]
if scaling:
    print("\n### Two flows: relay on one core (--sockets 1) vs both cores (--sockets 2)\n")
    print("Senders (GSO x16, cheap) and sinks share the same two cores, so the aggregate is bounded by the machine, "
          "not only by the relay; relay CPU per packet shows whether the second socket adds contention.\n")
    print("The kernel's SO_REUSEPORT hash picks each flow's socket; with two sockets both flows can land on one "
          "socket (one busy relay thread: one core's work). Rows say which.\n")
    print("| sockets | flows landed on | reps | aggregate pps | relay CPU per packet | relay cores busy |")
    print("| --- | --- | --- | --- | --- | --- |")
    agg = {}
    for sockets in (1, 2):
        groups = [("one socket", lambda r: r.get("busy_threads", 1) <= 1)]
        if sockets == 2:
            groups.append(("two sockets", lambda r: r.get("busy_threads", 1) >= 2))
        for label, keep in groups:
            rs = [r for r in scaling if r["sockets"] == sockets and keep(r)]
            if not rs:
                continue
            totals = [pps(r["a"]) + pps(r["b"]) for r in rs]
            cpu = [r["a"]["cpu_seconds"] / (r["a"]["packets"] + r["b"]["packets"] * r["a"]["seconds"] / r["b"]["seconds"])
                   * 1e9 for r in rs]
            busy = [r["a"]["cpu_seconds"] / r["a"]["seconds"] for r in rs]
            agg[(sockets, label)] = statistics.median(totals)
            print(f"| {sockets} | {label} | {len(rs)} | {spread([t / 1e3 for t in totals], '{:.0f}')} k | "
                  f"{spread(cpu, '{:.0f}')} ns | {spread(busy)} |")
    one = agg.get((1, "one socket"))
    if one:
        for label in ("two sockets", "one socket"):
            if (2, label) in agg:
                print(f"\nAggregate with two sockets (flows on {label}) / one socket: {agg[(2, label)] / one:.2f}x")

sessions = [r for r in rows if r["phase"] == "sessions"]
if sessions:
    print("\n### 100,000-session phase\n")
    print("| identities | nodes | sessions | binds per relay CPU s | allocations per relay CPU s | RSS before | "
          "RSS with the sessions | <= 64 MiB | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in sessions:
        s = r["s"]
        binds = s["binds"] / s["bind_relay_cpu_seconds"] if s["bind_relay_cpu_seconds"] > 0 else float("nan")
        allocs = (s["allocations"] / s["allocate_relay_cpu_seconds"]
                  if s["allocate_relay_cpu_seconds"] > 0 else float("nan"))
        errors = f"allocate {s['allocate_errors'] or 'none'}, bind {s['bind_errors'] or 'none'}"
        print(f"| {r['style']} | {r['nodes']} | {s['sessions']:,} | {binds:,.0f} | {allocs:,.0f} | "
              f"{r['rss_before_kib'] / 1024:.1f} MiB | {r['rss_kib'] / 1024:.1f} MiB | "
              f"{'met' if r['rss_kib'] <= 65536 else 'NOT met'} | {errors}; pinged "
              f"{s['verified_pings']}/{s['verify_sampled']} |")
