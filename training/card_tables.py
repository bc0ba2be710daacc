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
    keep |= {r["step"] for r in rows if r["stage"] == "D"}
    print("| stage | step | train loss (EMA) | val | pk exact / char / first | pk yarn 2× exact / char "
          "| rep 1st / 2nd |")
    print("|---|---|---|---|---|---|---|")
    seen = set()
    for r in rows:
        if r["step"] not in keep or (r["stage"], r["step"]) in seen:
            continue
        seen.add((r["stage"], r["step"]))
        ema = "–" if r["train_ema"] is None else f"{r['train_ema']:.3f}"
        pk2 = f"{r['pk2_yarn_exact']:.2f} / {r['pk2_yarn_char']:.2f}" if "pk2_yarn_exact" in r else "–"
        tag = " (end)" if r.get("end") else " (start)" if r.get("start") else ""
        print(f"| {r['stage']}{tag} | {r['step']} | {ema} | "
              f"{r['val_loss']:.3f} | {r['pk_exact']:.2f} / {r['pk_char']:.2f} / {r['pk_first']:.2f} | {pk2} | "
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
    if not ev["static_factor_16"]:
        return
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


def finetune():
    """perplexity and needles at 4xL0 after 0/50/100/200 fine-tuning steps per method (training/finetune_long.py)"""
    path = os.path.join(MEDIA, "finetune-results.json")
    if not os.path.exists(path):
        return
    ft = json.load(open(path))
    steps = sorted({r["step"] for m in ft["methods"].values() for r in m["rows"]})
    print(f"\n**Fine-tuned at {ft['length']} bytes (factor {ft['factor']:g}), measured at {ft['length']}: perplexity "
          f"per byte ({ft['ppl_bytes']:,} bytes) / needles exact k/n [Wilson 95%]**\n")
    print("| method | " + " | ".join(f"{s} steps" for s in steps) + " |")
    print("|---|" + "---|" * len(steps))
    for name, m in ft["methods"].items():
        by = {r["step"]: r for r in m["rows"]}
        print(f"| {name} | " + " | ".join(
            f"{by[s]['perplexity']:.3f} / {by[s]['needle_correct']}/{by[s]['needle_total']} "
            f"[{by[s]['needle_ci95'][0] * 100:.0f}–{by[s]['needle_ci95'][1] * 100:.0f}%]" if s in by else "–"
            for s in steps) + " |")


if __name__ == "__main__":
    probes()
    sweep()
    finetune()
