"""Model card table: needle retrieval of two or more trained seeds side by side, from needle_check.py --json
outputs: exact k/n with the Wilson 95% interval per seed, and the spread between seeds (max - min, in points).

usage: python3 training/seed_tables.py NAME=results.json[+more.json] NAME=results.json ...
A NAME starting with "~" is shown for comparison and left out of the spread (e.g. an earlier model).
"""
import json
import sys


def main():
    runs = []
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        cells = {}
        for p in path.split("+"):
            cells.update({(c["method"], c["multiple"]): c for c in json.load(open(p))["cells"]})
        runs.append((name, cells))
    order = ["none", "linear", "ntk", "dynamic", "yarn", "llama3"]
    keys = set().union(*(r.keys() for _, r in runs))
    methods = [m for m in order if any(k[0] == m for k in keys)]
    mults = sorted({k for _, k in keys})
    print("| method | × L0 | " + " | ".join(f"{n.lstrip('~')}: exact k/n [95% CI]" for n, _ in runs)
          + " | spread between seeds |")
    print("|---|---|" + "---|" * len(runs) + "---|")
    for m in methods:
        for k in mults:
            got = [r.get((m, k)) for _, r in runs]
            if any(g is None for g in got):
                continue
            parts = [f"{g['exact']}/{g['n']} [{g['ci95'][0] * 100:.0f}–{g['ci95'][1] * 100:.0f}%]" for g in got]
            rates = [g["exact"] / g["n"] for g, (n, _) in zip(got, runs) if not n.startswith("~")]
            print(f"| {m} | {k}× | " + " | ".join(parts) + f" | {(max(rates) - min(rates)) * 100:.0f} pt |")


if __name__ == "__main__":
    main()
