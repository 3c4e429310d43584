#!/usr/bin/env python3
"""Checks that bench/reference_extraction.sql computes what yinhui computes.

    bench/compare_figures.py EVALUATION.json REFERENCE.json

Every figure of the reference must be in the evaluation's "figures" with the
same value (rates by their "value" text), and the reconciliation totals must
agree. Exit 1 and a list of differences otherwise.
"""
import json
import sys


def norm(v):
    if isinstance(v, dict) and set(v) >= {"value"} and not any(isinstance(x, (dict, list)) for x in v.values()):
        return v["value"]
    return v


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        ref = json.load(f)
    figs = doc.get("figures", {})
    bad = []
    for k, v in ref["figures"].items():
        if k not in figs:
            bad.append(f"{k}: missing from yinhui's figures")
        elif norm(figs[k]) != norm(v):
            bad.append(f"{k}: yinhui {json.dumps(figs[k], ensure_ascii=False)} vs reference {json.dumps(v, ensure_ascii=False)}")
    rec = (doc.get("reconciliation") or {}).get("totals")
    if rec is not None:
        for k, v in ref["reconciliation"]["totals"].items():
            if rec.get(k) != v:
                bad.append(f"reconciliation.{k}: yinhui {rec.get(k)} vs reference {v}")
    for b in bad:
        print("compare:", b)
    print(f"compare: {len(ref['figures'])} figures and the reconciliation totals checked, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
