#!/usr/bin/env python3
"""Sums a libtorch chrome trace (dragon bench-round --profile) per operator: self time (the
operator's duration less that of the operators it called), total time and calls, biggest first.
  tests/bench/profile_summary.py TRACE.json [TOP]"""
import collections
import json
import sys

events = json.load(open(sys.argv[1]))
if isinstance(events, dict):
    events = events.get("traceEvents", [])
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
spans = [e for e in events if e.get("ph") == "X" and "dur" in e]
by_thread = collections.defaultdict(list)
for e in spans:
    by_thread[(e.get("pid"), e.get("tid"))].append(e)
self_us = collections.Counter()
total_us = collections.Counter()
calls = collections.Counter()
for thread in by_thread.values():
    thread.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack = []  # [end, name, children_us]
    def close(until):
        while stack and stack[-1][0] <= until:
            end, name, children, dur = stack.pop()
            self_us[name] += dur - children
            if stack:
                stack[-1][2] += dur
    for e in thread:
        close(e["ts"])
        stack.append([e["ts"] + e["dur"], e["name"], 0, e["dur"]])
        total_us[e["name"]] += e["dur"]
        calls[e["name"]] += 1
    close(float("inf"))
all_self = sum(self_us.values())
print(f"{'operator':40s} {'self s':>8s} {'self %':>7s} {'total s':>8s} {'calls':>8s}")
for name, us in self_us.most_common(top):
    print(f"{name[:40]:40s} {us / 1e6:8.3f} {100 * us / all_self:6.1f}% {total_us[name] / 1e6:8.3f} {calls[name]:8d}")
print(f"{'(all operators, self)':40s} {all_self / 1e6:8.3f}")
