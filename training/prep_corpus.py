"""Extract the KJV from Debian's bible-kjv, strip verse references, split train / held-out.

Held out: every 20th chapter (chapter index 19, 39, ...). Writes training/data/{train,val}.txt and
media/model/eval.txt (the first EVAL_BYTES of the held-out text, cut at a line end).
usage: python3 training/prep_corpus.py
"""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
EVAL_OUT = os.path.join(os.path.dirname(HERE), "media", "model", "eval.txt")
EVAL_BYTES = 65536
REF = re.compile(r"^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$")


def main():
    raw = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], check=True, capture_output=True).stdout
    lines = raw.decode("ascii").splitlines()
    chapters, order = {}, []
    for ln in lines:
        m = REF.match(ln)
        if not m:
            continue  # bible prints nothing else, but be strict
        key = (m.group(1), int(m.group(2)))
        if key not in chapters:
            chapters[key] = []
            order.append(key)
        chapters[key].append(m.group(4).strip())
    train, val = [], []
    for i, key in enumerate(order):
        (val if i % 20 == 19 else train).extend(chapters[key])
    os.makedirs(DATA, exist_ok=True)
    tr = "\n".join(train) + "\n"
    va = "\n".join(val) + "\n"
    open(os.path.join(DATA, "train.txt"), "w").write(tr)
    open(os.path.join(DATA, "val.txt"), "w").write(va)
    ev = va[:EVAL_BYTES]
    ev = ev[: ev.rfind("\n") + 1]
    os.makedirs(os.path.dirname(EVAL_OUT), exist_ok=True)
    open(EVAL_OUT, "w").write(ev)
    print(f"{len(order)} chapters, {len(order) // 20} held out; train {len(tr)} B, held-out {len(va)} B, eval.txt {len(ev)} B")


if __name__ == "__main__":
    main()
