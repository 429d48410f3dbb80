"""NLU benchmark: k-fold cross-validated intent figures for the real pipeline, beside a simple baseline.

Run from the repository root with the Rasa environment (it trains the real config.yml per fold):
    PYTHONPATH=. .venv-rasa/bin/python bench/nlu.py --out bench/results/nlu.md
A quick look: --folds 2 --epochs-scale 0.25. Same folds (stratified, seeded) for both models.

Figures:
- intent macro-F1: every intent counts the same, however many examples it has. For DIET the
  FallbackClassifier's nlu_fallback is undone (its second-ranked intent is used), as `rasa test nlu`
  does, so this measures the classifier; how often it falls back is reported separately.
- out-of-scope recall: out_of_scope examples predicted out_of_scope.
- emergency recall: emergency examples predicted emergency, the safety net (in config.yml) included.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Rasa is imported only when the benchmark runs (it is slow to import)
    from rasa.shared.nlu.training_data.training_data import TrainingData

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"macro_f1": 0.95, "oos_recall": 0.90, "emergency_recall": 1.00}
OOS, EMERGENCY, FALLBACK = "out_of_scope", "emergency", "nlu_fallback"


@dataclass
class Scores:
    """Predictions of one model over all folds, and the figures made from them."""

    truth: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    fell_back: list[bool] = field(default_factory=list)
    seconds: float = 0.0

    def macro_f1(self) -> float:
        """Intent macro-F1 over the intents in the data."""
        from sklearn.metrics import f1_score

        return float(f1_score(self.truth, self.predicted, labels=sorted(set(self.truth)), average="macro"))

    def recall(self, intent: str) -> float:
        """Share of `intent` examples predicted as `intent`."""
        pairs = [(t, p) for t, p in zip(self.truth, self.predicted, strict=True) if t == intent]
        return sum(t == p for t, p in pairs) / len(pairs) if pairs else float("nan")

    @property
    def fallbacks(self) -> int:
        """How many messages fell back (nlu_fallback)."""
        return sum(self.fell_back)

    def oos_not_answered(self) -> float:
        """Share of out_of_scope examples given no topic: predicted out_of_scope, or fell back (asks)."""
        pairs = [(p, f) for t, p, f in zip(self.truth, self.predicted, self.fell_back, strict=True) if t == OOS]
        return sum(p == OOS or f for p, f in pairs) / len(pairs) if pairs else float("nan")

    def worst(self, n: int = 5) -> list[tuple[str, float]]:
        """The n intents with the lowest F1."""
        from sklearn.metrics import f1_score

        labels = sorted(set(self.truth))
        scores = f1_score(self.truth, self.predicted, labels=labels, average=None)
        return sorted(zip(labels, (float(s) for s in scores), strict=True), key=lambda x: x[1])[:n]


def load_nlu() -> TrainingData:
    """data/nlu: the intent examples (entities kept for training), regexes and lookup tables."""
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(ROOT / "data" / "nlu"))


def folds(labels: Sequence[str], k: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """Stratified, seeded train/test index splits."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [(list(a), list(b)) for a, b in splitter.split([[0]] * len(labels), labels)]


def scaled_config(epochs_scale: float, workdir: Path) -> Path:
    """config.yml with DIET's epochs scaled (1.0 leaves it as it is)."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text())
    for component in config.get("pipeline", []):
        if component.get("name") == "DIETClassifier" and epochs_scale != 1.0:
            component["epochs"] = max(1, round(component.get("epochs", 100) * epochs_scale))
    path = workdir / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def train_diet(train: list, nlu: TrainingData, config: Path, workdir: Path) -> Path:
    """Train an NLU-only model on the fold's training examples (and all of nlu's regexes); return the model."""
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


def predict_diet(model: Path, texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """Predicted intents (fallback undone) and, for each message, whether it fell back."""
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
    """TF-IDF (words 1-2 and character 2-4 grams, like the pipeline's featurizers) + logistic regression."""
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


def report(
    diet: Scores, base: Scores, net_recall: float, net_false_alarms: tuple[int, int], args: argparse.Namespace
) -> str:
    """The results as a markdown table, with the targets."""
    rows = [
        ("intent macro-F1", "macro_f1", diet.macro_f1(), base.macro_f1()),
        ("out-of-scope recall", "oos_recall", diet.recall(OOS), base.recall(OOS)),
        ("emergency recall", "emergency_recall", diet.recall(EMERGENCY), base.recall(EMERGENCY)),
    ]
    lines = [
        f"## NLU: {args.folds}-fold stratified cross-validation (seed {args.seed}, DIET epochs x{args.epochs_scale})",
        "",
        f"{len(diet.truth)} examples, {len(set(diet.truth))} intents, data/nlu/*.yml.",
        "",
        "| figure | DIET pipeline (config.yml, with safety net) | TF-IDF + logistic regression | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for title, key, d, b in rows:
        lines.append(
            f"| {title} | {d:.3f} | {b:.3f} | >= {TARGETS[key]:.2f} | {'yes' if d >= TARGETS[key] else 'NO'} |"
        )
    ahead = diet.macro_f1() > base.macro_f1()
    lines += [
        f"| DIET ahead of the baseline (macro-F1) | | | DIET > baseline | {'yes' if ahead else 'NO'} |",
        "",
        f"- DIET fell back (nlu_fallback, two-stage fallback asks) on {diet.fallbacks} of {len(diet.truth)} "
        f"messages; the figures above use its second-ranked intent for those, as `rasa test nlu` does.",
        f"- Out-of-scope examples given no topic (predicted out_of_scope, or fell back and asked): "
        f"{diet.oos_not_answered():.3f} for DIET. Not the target figure, which is the strict recall above.",
        f"- Safety net alone: emergency recall {net_recall:.3f}; it fired on {net_false_alarms[0]} of "
        f"{net_false_alarms[1]} non-emergency examples.",
        f"- Lowest DIET F1: {', '.join(f'{i} {s:.2f}' for i, s in diet.worst())}.",
        f"- Time: DIET {diet.seconds / 60:.1f} min (training and parsing), baseline {base.seconds:.1f} s.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write the markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "nlu.md")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs-scale", type=float, default=1.0, help="scale DIET's epochs (quick runs)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.basicConfig(level=logging.WARNING)
    sys.path.insert(0, str(ROOT))  # so config.yml's rasa_addons component imports
    from rasa.shared.nlu.constants import INTENT, TEXT

    from rasa_addons.safety_net import detect_danger

    nlu = load_nlu()
    examples = list(nlu.intent_examples)
    texts = [m.get(TEXT) for m in examples]
    labels = [m.get(INTENT) for m in examples]
    diet, base = Scores(), Scores()
    for number, (train_idx, test_idx) in enumerate(folds(labels, args.folds, args.seed), start=1):
        test_texts = [texts[i] for i in test_idx]
        test_labels = [labels[i] for i in test_idx]
        with tempfile.TemporaryDirectory(prefix="nlu-bench-") as tmp:
            workdir = Path(tmp)
            started = time.monotonic()
            config = scaled_config(args.epochs_scale, workdir)
            model = train_diet([examples[i] for i in train_idx], nlu, config, workdir)
            predicted, fell_back = predict_diet(model, test_texts)
            diet.seconds += time.monotonic() - started
        diet.truth += test_labels
        diet.predicted += predicted
        diet.fell_back += fell_back
        started = time.monotonic()
        base.predicted += baseline([texts[i] for i in train_idx], [labels[i] for i in train_idx], test_texts)
        base.seconds += time.monotonic() - started
        base.truth += test_labels
        print(f"fold {number}/{args.folds}: DIET macro-F1 so far {diet.macro_f1():.3f}", flush=True)

    emergencies = [t for t, label in zip(texts, labels, strict=True) if label == EMERGENCY]
    others = [t for t, label in zip(texts, labels, strict=True) if label != EMERGENCY]
    net_recall = sum(detect_danger(t) is not None for t in emergencies) / len(emergencies)
    false_alarms = (sum(detect_danger(t) is not None for t in others), len(others))
    text = report(diet, base, net_recall, false_alarms, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
