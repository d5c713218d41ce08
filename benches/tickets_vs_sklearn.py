"""EstateKit's trained ticket model against the scikit-learn baseline, in one run.

Baseline: TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
+ LinearSVC(), on the same stratified 5-fold splits (shuffled, random_state=0).
EstateKit: TicketClassifier.train(texts, labels, seed=0) and predict_batch (labels only,
like the baseline's predict); classify_batch (which also runs the rules for kind, urgency
and temperament and collects evidence) is timed too. predict_batch scores each distinct
short text once per call: the NYC 311 descriptors are 173 distinct strings in 2,323 rows,
so there it does about a fifth of the work per text that the baseline does.

Data (not in the repo, not redistributed): a directory given as the first argument (or
ESTATEKIT_TICKETS_DATA) holding zh_gov_messages_labelled.csv (columns title, text, label:
real residents' messages labelled with the ticket categories) and en_nyc311_types.csv
(columns descriptor, complaint_type: NYC 311 service requests).

Needs scikit-learn (not installed by the test command):
    $VENV_PY -m pip install scikit-learn
    maturin build --release -m bindings-python/Cargo.toml --out target/wheels-release
    $VENV_PY -m pip install --force-reinstall --no-deps target/wheels-release/estatekit-*.whl
    $VENV_PY benches/tickets_vs_sklearn.py DATA_DIR
"""

from __future__ import annotations

import csv
import os
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import estatekit

try:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC
except ImportError:
    sys.exit("scikit-learn is not installed: $VENV_PY -m pip install scikit-learn")

_data = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ESTATEKIT_TICKETS_DATA")
if not _data:
    sys.exit("usage: tickets_vs_sklearn.py DATA_DIR (or set ESTATEKIT_TICKETS_DATA)")
DATA = Path(_data)


def load(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def compare(name: str, texts: list[str], labels: list[str]) -> dict[str, float]:
    warnings.filterwarnings("ignore")  # rare classes: fewer members than folds
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    ek_ok = sk_ok = 0
    ek_train = ek_pred = ek_classify = sk_train = sk_pred = 0.0
    for train_idx, test_idx in folds.split(texts, labels):
        tx = [texts[i] for i in train_idx]
        ty = [labels[i] for i in train_idx]
        vx = [texts[i] for i in test_idx]
        vy = [labels[i] for i in test_idx]

        t = time.perf_counter()
        pipe = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True), LinearSVC()
        )
        pipe.fit(tx, ty)
        sk_train += time.perf_counter() - t
        t = time.perf_counter()
        sk = pipe.predict(vx)
        sk_pred += time.perf_counter() - t
        sk_ok += sum(int(p == y) for p, y in zip(sk, vy))

        t = time.perf_counter()
        clf = estatekit.TicketClassifier.train(tx, ty, seed=0)
        ek_train += time.perf_counter() - t
        t = time.perf_counter()
        ek = clf.predict_batch(vx)
        ek_pred += time.perf_counter() - t
        ek_ok += sum(int(p == y) for p, y in zip(ek, vy))
        t = time.perf_counter()
        full = clf.classify_batch(vx)
        ek_classify += time.perf_counter() - t
        assert [c.category for c in full] == ek

    n = len(texts)
    out = {
        "estatekit_accuracy": ek_ok / n,
        "sklearn_accuracy": sk_ok / n,
        "estatekit_train_s": ek_train,
        "sklearn_train_s": sk_train,
        "estatekit_predict_s": ek_pred,
        "sklearn_predict_s": sk_pred,
    }
    print(f"\n== {name}: {n} texts, {len(set(labels))} classes, stratified 5-fold CV")
    print(f"{'':12} {'accuracy':>9} {'train s':>9} {'predict s':>10}")
    print(f"{'estatekit':12} {out['estatekit_accuracy']:9.4f} {ek_train:9.3f} {ek_pred:10.4f}")
    print(f"{'scikit-learn':12} {out['sklearn_accuracy']:9.4f} {sk_train:9.3f} {sk_pred:10.4f}")
    print(
        f"accuracy {'>=' if ek_ok >= sk_ok else '<'} baseline; training {sk_train / ek_train:.1f}x faster,"
        f" prediction (predict_batch) {sk_pred / ek_pred:.1f}x faster"
    )
    print(
        f"classify_batch (category + kind, urgency, temperament, evidence): {ek_classify:.4f} s,"
        f" {sk_pred / ek_classify:.1f}x faster than the baseline's predict"
    )
    return out


def batch_overhead() -> None:
    """Python classify_batch throughput on the rule classifier (compare with the Rust bench)."""
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
    if not (DATA / "zh_gov_messages_labelled.csv").exists():
        sys.exit(f"development data not found in {DATA}")
    rows = load("zh_gov_messages_labelled.csv")
    compare("zh_gov_messages (title + text -> label)", [r["title"] + " " + r["text"] for r in rows],
            [r["label"] for r in rows])
    rows = load("en_nyc311_types.csv")
    counts = Counter(r["complaint_type"] for r in rows)
    rows = [r for r in rows if counts[r["complaint_type"]] >= 5]
    compare("en_nyc311 (descriptor -> complaint_type, classes with >= 5 rows)",
            [r["descriptor"] for r in rows], [r["complaint_type"] for r in rows])
    batch_overhead()


if __name__ == "__main__":
    main()
