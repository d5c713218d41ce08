"""EstateKit's trained ticket model against the scikit-learn baseline, in one run.

Baseline (issue 21): TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4),
sublinear_tf=True, min_df=2) + LinearSVC(C=0.5). EstateKit:
TicketClassifier.train(texts, labels, seed=0, threads=T) (default options otherwise) and
predict_batch (labels only, like the baseline's predict); on the real sets
classify_batch (which also runs the rules for kind, urgency and temperament and collects
evidence) is timed too.

Every (system, data set) runs in a child process of its own (a fresh interpreter
that builds or reads the data itself), reaped with os.wait4: its peak resident memory
(ru_maxrss) is the system's peak memory on that data set, interpreter and data
included. EstateKit's classify_batch is timed in another child, so the peak memory is
that of the same work as the baseline's (train, predict). A child that only builds the data (and imports the library) gives the floor
both are measured against.

Data sets:
- synthetic (no files; generated here, deterministically): 40,000 texts in 60 classes,
  half Chinese (no spaces, clauses split by ，。) and half English, 60 % short (4–10
  words) and 40 % long (40–160 words), class sizes Zipf-like, each class with words of
  its own, words shared with a sibling class and common words; trained on 32,000,
  tested on 8,000.
- zh_gov_messages_labelled.csv (title + text -> label) and en_nyc311_types.csv
  (descriptor -> complaint_type, classes with >= 5 rows) from a directory given as the
  first argument (or ESTATEKIT_TICKETS_DATA; not in the repo, not redistributed):
  stratified 5-fold (shuffled, random_state=0).

Needs scikit-learn (not installed by the test command):
    $VENV_PY -m pip install scikit-learn
    maturin build --release -m bindings-python/Cargo.toml --out target/wheels-release
    $VENV_PY -m pip install --force-reinstall --no-deps target/wheels-release/estatekit-*.whl
    $VENV_PY benches/tickets_vs_sklearn.py DATA_DIR             # real sets + synthetic
    $VENV_PY benches/tickets_vs_sklearn.py --synthetic-only     # no data directory needed
Options: --threads 1,2 (EstateKit thread counts to run, for training and prediction, default 1,2), --no-overhead
(skip the Python rule-classification throughput), --classes 15,30,60,120 (only the synthetic
corpus, generated with each number of classes: how training grows with the classes).
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

# ---------------------------------------------------------------- data sets


def synthetic(n: int = 40_000, classes: int = 60, seed: int = 21) -> tuple[list[str], list[str]]:
    """`n` labelled texts in `classes` classes, generated from `seed` alone."""
    rng = random.Random(seed)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    sylls = [a + b for a in "bcdfghjklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ai", "ou", "ee")]

    def zh_word() -> str:
        return "".join(rng.choice(han) for _ in range(rng.choice((1, 2, 2, 2, 3, 4))))

    def en_word() -> str:
        return "".join(rng.choice(sylls) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))

    common = {"zh": [zh_word() for _ in range(3000)], "en": [en_word() for _ in range(3000)]}
    own = {lang: [[mk() for _ in range(60)] for _ in range(classes)] for lang, mk in (("zh", zh_word), ("en", en_word))}
    weights = [1.0 / (1 + i) ** 0.8 for i in range(classes)]
    texts, labels = [], []
    for _ in range(n):
        c = rng.choices(range(classes), weights)[0]
        sibling = c ^ 1 if (c ^ 1) < classes else c
        lang = "zh" if rng.random() < 0.5 else "en"
        length = rng.randint(4, 10) if rng.random() < 0.6 else rng.randint(40, 160)
        words = []
        for _ in range(length):
            r = rng.random()
            if r < 0.3:
                words.append(rng.choice(own[lang][c]))
            elif r < 0.38:
                words.append(rng.choice(own[lang][sibling]))
            elif r < 0.4:
                words.append(rng.choice(own[lang][rng.randrange(classes)]))
            else:
                words.append(rng.choice(common[lang]))
        if lang == "zh":
            parts = []
            for i, w in enumerate(words):
                parts.append(w)
                if i % 9 == 8:
                    parts.append("，" if rng.random() < 0.7 else "。")
            text = "".join(parts)
        else:
            text = " ".join(words)
            if rng.random() < 0.3:
                text = text.capitalize() + "."
        texts.append(text)
        labels.append(f"class_{c:02d}")
    return texts, labels


def load(data: Path, name: str) -> list[dict[str, str]]:
    with open(data / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def dataset(name: str, data: str) -> tuple[list[str], list[str]]:
    if name == "synthetic":
        return synthetic()
    if name.startswith("synthetic:"):
        return synthetic(classes=int(name.split(":")[1]))
    if name == "zh":
        rows = load(Path(data), "zh_gov_messages_labelled.csv")
        return [r["title"] + " " + r["text"] for r in rows], [r["label"] for r in rows]
    rows = load(Path(data), "en_nyc311_types.csv")
    counts = Counter(r["complaint_type"] for r in rows)
    rows = [r for r in rows if counts[r["complaint_type"]] >= 5]
    return [r["descriptor"] for r in rows], [r["complaint_type"] for r in rows]


def splits(name: str, texts: list[str], labels: list[str]) -> list[tuple[list[int], list[int]]]:
    if name.startswith("synthetic"):
        n = len(texts)
        cut = n * 4 // 5
        return [(list(range(cut)), list(range(cut, n)))]
    from sklearn.model_selection import StratifiedKFold

    warnings.filterwarnings("ignore")  # rare classes: fewer members than folds
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    # Fold indices computed without scikit-learn in the EstateKit child would differ:
    # both children compute them the same way (scikit-learn imported for this only).
    return [(list(a), list(b)) for a, b in folds.split(texts, labels)]


# ---------------------------------------------------------------- children


def child(system: str, name: str, data: str, threads: int) -> None:
    texts, labels = dataset(name, data)
    if system == "floor":
        import estatekit  # noqa: F401
        from sklearn.svm import LinearSVC  # noqa: F401

        print(json.dumps({}))
        return
    folds = splits(name, texts, labels)
    ok = 0
    tested = 0
    train_s = pred_s = classify_s = 0.0
    if system == "sklearn":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC

        for tr, te in folds:
            tx, ty = [texts[i] for i in tr], [labels[i] for i in tr]
            vx, vy = [texts[i] for i in te], [labels[i] for i in te]
            t = time.perf_counter()
            pipe = make_pipeline(
                TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2),
                LinearSVC(C=0.5),
            )
            pipe.fit(tx, ty)
            train_s += time.perf_counter() - t
            t = time.perf_counter()
            got = pipe.predict(vx)
            pred_s += time.perf_counter() - t
            ok += sum(int(p == y) for p, y in zip(got, vy))
            tested += len(vy)
    else:
        import estatekit

        for tr, te in folds:
            tx, ty = [texts[i] for i in tr], [labels[i] for i in tr]
            vx, vy = [texts[i] for i in te], [labels[i] for i in te]
            t = time.perf_counter()
            clf = estatekit.TicketClassifier.train(tx, ty, seed=0, threads=threads)
            train_s += time.perf_counter() - t
            t = time.perf_counter()
            got = clf.predict_batch(vx, threads=threads)
            pred_s += time.perf_counter() - t
            ok += sum(int(p == y) for p, y in zip(got, vy))
            tested += len(vy)
            if system == "estatekit-classify":
                t = time.perf_counter()
                full = clf.classify_batch(vx, threads=threads)
                classify_s += time.perf_counter() - t
                assert [c.category for c in full] == got
    print(json.dumps({"accuracy": ok / tested, "train_s": train_s, "predict_s": pred_s, "classify_s": classify_s}))


def run_child(system: str, name: str, data: str, threads: int = 1) -> dict[str, float]:
    """Runs one child; its results plus its peak RSS in MiB (ru_maxrss, KiB on Linux)."""
    args = [sys.executable, __file__, "--child", system, name, data, str(threads)]
    p = subprocess.Popen(args, stdout=subprocess.PIPE)
    assert p.stdout is not None
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"child {system} {name} failed ({p.returncode})")
    res = json.loads(out)
    res["peak_mib"] = usage.ru_maxrss / 1024
    return res


def compare(name: str, title: str, data: str, threads: list[int]) -> None:
    texts, labels = dataset(name, data)
    n_test = sum(len(te) for _, te in splits(name, texts, labels))
    floor = run_child("floor", name, data)
    sk = run_child("sklearn", name, data)
    print(f"\n== {title}: {len(texts)} texts, {len(set(labels))} classes, {n_test} predictions")
    print(f"floor (interpreter, libraries, data): {floor['peak_mib']:.0f} MiB peak RSS")
    print(f"{'':16} {'accuracy':>9} {'train s':>9} {'predict s':>10} {'peak MiB':>9} {'x train':>8} {'x predict':>9}")
    print(f"{'scikit-learn':16} {sk['accuracy']:9.4f} {sk['train_s']:9.3f} {sk['predict_s']:10.4f} {sk['peak_mib']:9.0f}")
    for t in threads:
        ek = run_child("estatekit", name, data, t)
        # The rules' throughput in a child of its own: the peak memory above is that
        # of the work the baseline does (train, predict), not of the rules' automaton.
        if not name.startswith("synthetic"):
            ek["classify_s"] = run_child("estatekit-classify", name, data, t)["classify_s"]
        print(
            f"{f'estatekit {t} thr':16} {ek['accuracy']:9.4f} {ek['train_s']:9.3f} {ek['predict_s']:10.4f}"
            f" {ek['peak_mib']:9.0f} {sk['train_s'] / ek['train_s']:8.1f} {sk['predict_s'] / ek['predict_s']:9.1f}"
            + (f"   classify_batch {ek['classify_s']:.4f} s" if ek["classify_s"] else "")
        )
    sys.stdout.flush()


def batch_overhead() -> None:
    """Python classify_batch throughput on the rule classifier (compare with the Rust bench)."""
    import estatekit

    clf = estatekit.TicketClassifier.default()
    base = [
        "厨房水管爆裂，水漫到客厅了，快来人！",
        "5号楼2单元楼道灯不亮已经一周了。",
        "Loud music from the bar downstairs every night until 2 am.",
        "How much is the management fee per square meter?",
    ]
    texts = base * 25_000
    clf.classify_batch(texts[:1000])
    t = time.perf_counter()
    out = clf.classify_batch(texts)
    dt = time.perf_counter() - t
    del out
    t = time.perf_counter()
    kept = [clf.classify(text) for text in texts]
    dt1 = (time.perf_counter() - t) / len(texts)
    del kept
    t = time.perf_counter()
    for text in texts[:20_000]:
        clf.classify(text)
    dt2 = (time.perf_counter() - t) / 20_000
    print(f"\n== Python rule classification: {len(texts)} texts")
    print(f"classify_batch: {len(texts) / dt:,.0f} texts/s ({dt / len(texts) * 1e6:.2f} us/text)")
    print(f"[classify(t) for t in texts]: {1 / dt1:,.0f} texts/s ({dt1 * 1e6:.2f} us/text)")
    print(f"classify in a loop, results dropped: {1 / dt2:,.0f} texts/s ({dt2 * 1e6:.2f} us/text)")
    print("(compare with the Rust figure for the same texts: cargo bench -p estatekit-benches --bench tickets)")


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2], argv[3], int(argv[4]))
        return
    try:
        import sklearn  # noqa: F401
    except ImportError:
        sys.exit("scikit-learn is not installed: $VENV_PY -m pip install scikit-learn")
    threads = [1, 2]
    if "--threads" in argv:
        i = argv.index("--threads")
        threads = [int(x) for x in argv[i + 1].split(",")]
        del argv[i : i + 2]
    overhead = "--no-overhead" not in argv
    argv = [a for a in argv if a != "--no-overhead"]
    if "--classes" in argv:
        # Training time and memory by the number of classes, on the synthetic corpus.
        i = argv.index("--classes")
        for k in [int(x) for x in argv[i + 1].split(",")]:
            compare(f"synthetic:{k}", f"synthetic zh + en, {k} classes, 32,000 train / 8,000 test", "", threads)
        return
    if "--synthetic-only" in argv:
        data = ""
    else:
        data = argv[0] if argv else os.environ.get("ESTATEKIT_TICKETS_DATA", "")
        if not data:
            sys.exit("usage: tickets_vs_sklearn.py DATA_DIR | --synthetic-only (or set ESTATEKIT_TICKETS_DATA)")
        if not (Path(data) / "zh_gov_messages_labelled.csv").exists():
            sys.exit(f"development data not found in {data}")
        compare("zh", "zh_gov_messages (title + text -> label), stratified 5-fold", data, threads)
        compare("nyc", "en_nyc311 (descriptor -> complaint_type, classes with >= 5 rows), stratified 5-fold", data, threads)
    compare("synthetic", "synthetic zh + en, long and short (generated), 32,000 train / 8,000 test", data, threads)
    if overhead:
        batch_overhead()


if __name__ == "__main__":
    main()
