"""Print the model card's markdown tables from training-log.jsonl and eval-results.json.
usage: python3 training/card_tables.py"""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEDIA = os.path.join(ROOT, "media", "model")


def probes():
    recs = [json.loads(l) for l in open(os.path.join(MEDIA, "training-log.jsonl"))]
    rows = [r for r in recs if r.get("event") == "probe"]
    keep = {250, 1000, 2000, 3000} | {r["step"] for r in rows if r.get("end")}
    keep |= {r["step"] for r in rows if r["stage"] == "C" and (r["step"] <= 5000 or r["step"] % 1000 == 0)}
    print("| stage | step | train loss (EMA) | val | pk exact / char / first | rep 1st / 2nd |")
    print("|---|---|---|---|---|---|")
    seen = set()
    for r in rows:
        if r["step"] not in keep or (r["stage"], r["step"]) in seen:
            continue
        seen.add((r["stage"], r["step"]))
        print(f"| {r['stage']}{' (end)' if r.get('end') else ''} | {r['step']} | {r['train_ema']:.3f} | "
              f"{r['val_loss']:.3f} | {r['pk_exact']:.2f} / {r['pk_char']:.2f} / {r['pk_first']:.2f} | "
              f"{r['rep_nll_first']:.2f} / {r['rep_nll_second']:.2f} |")


def sweep():
    ev = json.load(open(os.path.join(MEDIA, "eval-results.json")))
    methods = []
    for c in ev["per_length"]:
        if c["method"] not in methods:
            methods.append(c["method"])
    lengths = sorted({c["length"] for c in ev["per_length"]})

    def table(cells, title, fmt):
        print(f"\n{title}\n")
        print("| method | " + " | ".join(f"{L // 128}× ({L})" for L in lengths) + " |")
        print("|---|" + "---|" * len(lengths))
        for m in methods:
            print(f"| {m} | " + " | ".join(fmt(c) for c in cells if c["method"] == m) + " |")

    pl = ev["per_length"]
    table(pl, "**Perplexity per byte, per-length factor s = L/L0** (eval.txt, first 16,384 bytes):",
          lambda c: f"{c['perplexity']:.3f}")
    n = ev["needles"]
    table(pl, f"**Needle retrieval, per-length factor: exact k/{n} [Wilson 95% interval] (per-char)**:", needle)
    table(ev["static_factor_16"], "**Perplexity per byte, static factor 16 at every length:**",
          lambda c: f"{c['perplexity']:.3f}")
    if any(c.get("needle_correct") is not None for c in ev["static_factor_16"]):
        table(ev["static_factor_16"], f"**Needle retrieval, static factor 16: exact k/{n} (per-char):**", needle)


def needle(c):
    """k/n [lo–hi%] (per-char), or a dash where the cell was not measured"""
    if c.get("needle_correct") is None:
        return "–"
    lo, hi = c["needle_ci95"]
    return f"{c['needle_correct']}/{c['needle_total']} [{lo * 100:.0f}–{hi * 100:.0f}%] ({c['needle_char']:.2f})"


if __name__ == "__main__":
    probes()
    sweep()
