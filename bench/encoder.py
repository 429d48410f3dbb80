"""Sentence encoder figures: load time, batch and single-message speed, similarities, intent separability.

Run from the repository root with the Rasa environment (where the encoder and its weights are):
    .venv-rasa/bin/python bench/encoder.py [--backend tensorflow|numpy] [--folds 5]

Intent separability is a logistic regression on the embeddings alone (and beside the TF-IDF baseline of
bench/nlu.py, and both together), stratified folds seeded 42, as a quick figure: DIET is what serves.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and the encoder exist only in the Rasa environment
    from rasa_addons.encoder.sentence_encoder import SentenceEncoder

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: rasa_addons and bench are importable from the root

PAIRS = [
    ("how do I report a crime", "I want to report a crime to the police", "paraphrase"),
    ("my phone was stolen", "someone nicked my mobile", "paraphrase"),
    ("i want to complain about an officer", "how do i make a complaint about a police officer", "paraphrase"),
    ("any update on my case", "whats happening with my crime report", "paraphrase"),
    ("i lost my wallet", "has anyone handed in a wallet", "related"),
    ("how do I report a crime", "what time does the tip open", "unrelated"),
    ("my phone was stolen", "what time does the tip open", "unrelated"),
    ("any update on my case", "who is the police and crime commissioner", "unrelated"),
    ("hello", "thanks for your help", "unrelated"),
]


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def examples(folder: Path) -> tuple[list[str], list[str]]:
    """(texts, intents) of the intent examples in a Rasa NLU folder."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(folder))
    pairs = [(m.get("text"), m.get("intent")) for m in data.intent_examples]
    return [t for t, _ in pairs], [i for _, i in pairs]


def separability(embeddings: object, texts: list[str], labels: list[str], k: int, seed: int) -> dict[str, float]:
    """Cross-validated intent macro-F1 of three logistic regressions: embeddings, TF-IDF, both."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_union

    from bench.nlu import folds

    vectors = np.asarray(embeddings)
    predicted: dict[str, list[str]] = {"embeddings": [], "tf-idf": [], "tf-idf + embeddings": []}
    truth: list[str] = []
    for train, test in folds(labels, k, seed):
        tfidf = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
        )
        sparse_train = tfidf.fit_transform([texts[i] for i in train])
        sparse_test = tfidf.transform([texts[i] for i in test])
        inputs = {
            "embeddings": (vectors[train], vectors[test]),
            "tf-idf": (sparse_train, sparse_test),
            "tf-idf + embeddings": (
                hstack([sparse_train, csr_matrix(vectors[train])]).tocsr(),
                hstack([sparse_test, csr_matrix(vectors[test])]).tocsr(),
            ),
        }
        y_train = [labels[i] for i in train]
        for name, (x_train, x_test) in inputs.items():
            model = LogisticRegression(C=10.0, max_iter=3000).fit(x_train, y_train)
            predicted[name].extend(str(p) for p in model.predict(x_test))
        truth.extend(labels[i] for i in test)
    names = sorted(set(labels))
    return {name: float(f1_score(truth, p, labels=names, average="macro")) for name, p in predicted.items()}


def held_out(encoder: SentenceEncoder, embeddings: object, labels: list[str]) -> tuple[float, float]:
    """Macro-F1 and out-of-scope recall on tests/nlu of a logistic regression trained on all of data/nlu."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    test_texts, test_labels = examples(ROOT / "tests" / "nlu")
    model = LogisticRegression(C=10.0, max_iter=3000).fit(embeddings, labels)
    predicted = [str(p) for p in model.predict(encoder.encode(test_texts))]
    oos = [p == t for p, t in zip(predicted, test_labels, strict=True) if t == "out_of_scope"]
    macro = float(f1_score(test_labels, predicted, labels=sorted(set(labels)), average="macro"))
    return macro, sum(oos) / len(oos) if oos else float("nan")


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print the figures as markdown."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("tensorflow", "numpy"), default="tensorflow")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--messages", type=int, default=200, help="messages for the single-message latency")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.backend == "tensorflow":
        import tensorflow  # noqa: F401  (the Rasa server has it loaded before the encoder: time it apart)
    import_seconds = time.perf_counter() - started

    from rasa_addons.encoder.sentence_encoder import load_encoder

    started = time.perf_counter()
    encoder = load_encoder(backend=args.backend)
    load_seconds = time.perf_counter() - started

    texts, labels = examples(ROOT / "data" / "nlu")
    batch = [texts[i % len(texts)] for i in range(4000)]
    started = time.perf_counter()
    encoder.encode(batch)
    batch_seconds = time.perf_counter() - started
    pieces = statistics.mean(len(encoder.tokenizer.encode(t).ids) for t in batch)

    chat, _ = examples(ROOT / "tests" / "nlu")
    messages = random.Random(args.seed).sample(chat, min(args.messages, len(chat)))  # noqa: S311 (a sample, not a secret)
    for text in messages[:5]:
        encoder.encode([text])  # warm up
    latencies = []
    for text in messages:
        started = time.perf_counter()
        encoder.encode([text])
        latencies.append((time.perf_counter() - started) * 1000)

    print(f"# Sentence encoder (all-MiniLM-L6-v2, backend {args.backend})\n")
    print("| figure | value |\n| --- | --- |")
    print(f"| import TensorFlow (already loaded in the Rasa server) | {import_seconds:.1f} s |")
    print(f"| verify (SHA-256) and load the weights | {load_seconds:.1f} s |")
    print(f"| encode 4000 training examples in batches (mean {pieces:.1f} pieces) | {batch_seconds:.1f} s |")
    print(f"| one message, p50 / p99 over {len(latencies)} held-out messages | "
          f"{percentile(latencies, 0.5):.1f} / {percentile(latencies, 0.99):.1f} ms |")  # fmt: skip

    print("\n| text A | text B | kind | cosine |\n| --- | --- | --- | --- |")
    for a, b, kind in PAIRS:
        va, vb = encoder.encode([a, b])
        print(f"| {a} | {b} | {kind} | {float(va @ vb):.3f} |")

    embeddings = encoder.encode(texts)
    scores = separability(embeddings, texts, labels, args.folds, args.seed)
    print(f"\nIntent macro-F1, logistic regression (C=10), {args.folds} stratified folds (seed {args.seed}), "
          f"{len(texts)} examples of {len(set(labels))} intents:\n")  # fmt: skip
    print("| features | macro-F1 |\n| --- | --- |")
    for name, value in scores.items():
        print(f"| {name} | {value:.3f} |")
    macro, oos = held_out(encoder, embeddings, labels)
    print(f"\nEmbeddings only, trained on data/nlu, on the held-out tests/nlu: macro-F1 {macro:.3f}, "
          f"out-of-scope recall {oos:.3f}.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
