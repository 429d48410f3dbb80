"""NLU benchmark: k-fold cross-validated figures for the real pipeline, candidates and a simple baseline.

Run from the repository root with the Rasa environment (it trains each pipeline per fold):
    PYTHONPATH=. .venv-rasa/bin/python bench/nlu.py --out bench/results/nlu.md
    ... --candidates bench/candidates/*.yml   # other pipelines on the same folds (e.g. DIET with the encoder)
Same folds (stratified, seeded) for every model.

Figures (issue 18's targets):
- intent macro-F1: every intent counts the same. A message that fell back ("Did you mean ...?") counts as its
  top-ranked topic, as `rasa test nlu` does, so this measures the classifier; the fallbacks are counted apart;
- out-of-scope recall: out_of_scope examples predicted out_of_scope (a fallback is not a recall);
- in-scope answered: examples of every other intent answered without a "Did you mean ...?";
- emergency recall: emergency examples predicted emergency (the risk classifier decides that);
- training time per fold (the whole NLU pipeline, the encoder included), and the classifier's share.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Rasa is imported only when the benchmark runs (it is slow to import)
    from rasa.shared.nlu.training_data.training_data import TrainingData

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"macro_f1": 0.95, "oos_recall": 0.90, "in_scope_answered": 0.95, "emergency_recall": 1.00}
OOS, EMERGENCY, FALLBACK = "out_of_scope", "emergency", "nlu_fallback"


@dataclass
class Scores:
    """Predictions of one model over all folds, and the figures made from them."""

    name: str
    truth: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    fell_back: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # training time per fold

    def macro_f1(self) -> float:
        """Intent macro-F1 over the intents in the data."""
        from sklearn.metrics import f1_score

        return float(f1_score(self.truth, self.predicted, labels=sorted(set(self.truth)), average="macro"))

    def recall(self, intent: str) -> float:
        """Share of `intent` examples predicted as `intent` (and not fallen back)."""
        rows = [(p, f) for t, p, f in zip(self.truth, self.predicted, self.fell_back, strict=True) if t == intent]
        return sum(p == intent and not f for p, f in rows) / len(rows) if rows else float("nan")

    def in_scope_answered(self) -> float:
        """Share of in-scope examples answered without a "Did you mean ...?"."""
        rows = [f for t, f in zip(self.truth, self.fell_back, strict=True) if t != OOS]
        return 1.0 - sum(rows) / len(rows) if rows else float("nan")

    def figures(self) -> dict[str, float]:
        """The figures TARGETS names."""
        return {"macro_f1": self.macro_f1(), "oos_recall": self.recall(OOS),
                "in_scope_answered": self.in_scope_answered(), "emergency_recall": self.recall(EMERGENCY)}  # fmt: skip

    def worst(self, n: int = 5) -> list[tuple[str, float]]:
        """The n intents with the lowest F1."""
        from sklearn.metrics import f1_score

        labels = sorted(set(self.truth))
        scores = f1_score(self.truth, self.predicted, labels=labels, average=None)
        return sorted(zip(labels, (float(s) for s in scores), strict=True), key=lambda x: x[1])[:n]

    def confusions(self, n: int = 10) -> list[tuple[str, str, int]]:
        """The n most frequent (truth, predicted) mistakes."""
        counts = Counter((t, p) for t, p in zip(self.truth, self.predicted, strict=True) if t != p)
        return [(t, p, c) for (t, p), c in counts.most_common(n)]


def load_nlu() -> TrainingData:
    """data/nlu: the intent examples, regexes and lookup tables."""
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(ROOT / "data" / "nlu"))


def folds(labels: Sequence[str], k: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """Stratified, seeded train/test index splits."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [(list(a), list(b)) for a, b in splitter.split([[0]] * len(labels), labels)]


def train_pipeline(train: list, nlu: TrainingData, config: Path, workdir: Path) -> Path:
    """Train an NLU-only model of `config` on the fold's examples (and all of nlu's regexes); return the model."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = workdir / "nlu.yml"
    fold = TrainingData(training_examples=train, regex_features=nlu.regex_features, lookup_tables=nlu.lookup_tables)
    RasaYAMLWriter().dump(data, fold)
    model = train_nlu(str(config), str(data), str(workdir / "models"), fixed_model_name="fold")
    if not model:
        raise RuntimeError("NLU training failed")
    return Path(model)


def predict(model: Path, texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """Predicted intents (a fallback counts as its top topic) and, for each message, whether it fell back."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    predicted, fell_back = [], []
    for result in asyncio.run(parse_all()):
        name = result["intent"]["name"]
        fell_back.append(name == FALLBACK)
        if name == FALLBACK:
            ranking = [r["name"] for r in result.get("intent_ranking", []) if r["name"] != FALLBACK]
            name = ranking[0] if ranking else FALLBACK
        predicted.append(name)
    return predicted, fell_back


def baseline(train_texts: list[str], train_labels: list[str], test_texts: list[str]) -> list[str]:
    """TF-IDF (words 1-2 and character 2-4 grams) + logistic regression: the linear baseline issue 3 set."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
    )
    model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=3000))
    model.fit(train_texts, train_labels)
    return [str(p) for p in model.predict(test_texts)]


def report(pipelines: list[Scores], base: Scores, args: argparse.Namespace) -> str:
    """The results as a markdown table, with the targets."""
    ours = pipelines[0]
    lines = [
        f"## NLU: {args.folds}-fold stratified cross-validation (seed {args.seed})",
        "",
        f"{len(ours.truth)} examples, {len(set(ours.truth))} intents, data/nlu/*.yml. Command: "
        f"`PYTHONPATH=. .venv-rasa/bin/python bench/nlu.py{' --candidates ...' if len(pipelines) > 1 else ''}`.",
        "",
        "| figure | " + " | ".join(p.name for p in pipelines) + " | TF-IDF + logistic regression | target |",
        "| --- |" + " --- |" * (len(pipelines) + 2),
    ]
    base_figures = {"macro_f1": base.macro_f1(), "oos_recall": base.recall(OOS), "in_scope_answered": 1.0,
                    "emergency_recall": base.recall(EMERGENCY)}  # fmt: skip
    for key, target in TARGETS.items():
        cells = " | ".join(f"{p.figures()[key]:.3f}" for p in pipelines)
        lines.append(f"| {key.replace('_', ' ')} | {cells} | {base_figures[key]:.3f} | >= {target:.2f} |")
    per_fold = " | ".join(f"{max(p.seconds) / 60:.1f} min" for p in pipelines)
    lines.append(f"| slowest fold's training | {per_fold} | {max(base.seconds):.0f} s | <= 8 min |")
    met = {key: ours.figures()[key] >= target for key, target in TARGETS.items()}
    ahead = ours.macro_f1() > base.macro_f1()
    lines += [
        "",
        f"- {ours.name}: targets met: {', '.join(k for k, ok in met.items() if ok) or 'none'}; missed: "
        f"{', '.join(k for k, ok in met.items() if not ok) or 'none'}; ahead of the baseline on macro-F1: "
        f"{'yes' if ahead else 'NO'}.",
        f"- Fallbacks (\"Did you mean ...?\"): {sum(ours.fell_back)} of {len(ours.truth)} messages "
        f"({sum(ours.fell_back) / len(ours.truth):.1%}).",
        f"- Lowest F1: {', '.join(f'{i} {s:.2f}' for i, s in ours.worst())}.",
        f"- Most frequent mistakes (said → predicted): {', '.join(f'{t} → {p} {c}' for t, p, c in ours.confusions())}.",
        "",
    ]
    return "\n".join(lines)


def run(config: Path, name: str, nlu: TrainingData, splits: list, examples: list) -> Scores:
    """Train and test one pipeline on every fold."""
    from rasa.shared.nlu.constants import INTENT, TEXT

    scores = Scores(name)
    for number, (train_idx, test_idx) in enumerate(splits, start=1):
        with tempfile.TemporaryDirectory(prefix="nlu-bench-") as tmp:
            started = time.monotonic()
            model = train_pipeline([examples[i] for i in train_idx], nlu, config, Path(tmp))
            scores.seconds.append(time.monotonic() - started)
            predicted, fell_back = predict(model, [examples[i].get(TEXT) for i in test_idx])
        scores.truth += [examples[i].get(INTENT) for i in test_idx]
        scores.predicted += predicted
        scores.fell_back += fell_back
        print(f"{name}: fold {number}/{len(splits)}, macro-F1 so far {scores.macro_f1():.3f}", flush=True)
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write the markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "nlu.md")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--candidates", type=Path, nargs="*", default=[], help="other pipelines' config files")
    parser.add_argument("--reuse-cache", action="store_true",
                        help="let Rasa reuse cached component outputs (faster reruns; training times then mean little)")
    args = parser.parse_args(argv)

    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    if not args.reuse_cache:  # each fold trained from scratch, so its training time is the real one
        os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    logging.basicConfig(level=logging.WARNING)
    sys.path.insert(0, str(ROOT))  # so config.yml's rasa_addons components import
    from rasa.shared.nlu.constants import INTENT, TEXT

    nlu = load_nlu()
    examples = list(nlu.intent_examples)
    texts, labels = [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples]
    splits = folds(labels, args.folds, args.seed)
    pipelines = [run(ROOT / "config.yml", "config.yml", nlu, splits, examples)]
    pipelines += [run(path, path.stem, nlu, splits, examples) for path in args.candidates]
    base = Scores("baseline")
    for train_idx, test_idx in splits:
        started = time.monotonic()
        base.predicted += baseline([texts[i] for i in train_idx], [labels[i] for i in train_idx],
                                   [texts[i] for i in test_idx])  # fmt: skip
        base.seconds.append(time.monotonic() - started)
        base.truth += [labels[i] for i in test_idx]
        base.fell_back += [False] * len(test_idx)
    text = report(pipelines, base, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
