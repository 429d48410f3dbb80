"""Feature blocks for the linear classifiers: TF-IDF-weighted sparse counts beside dense sentence vectors.

Rasa's CountVectorsFeaturizer gives raw counts; a linear model does much better on TF-IDF (sublinear term
frequency, smoothed inverse document frequency, each block L2-normalised), as scikit-learn's TfidfVectorizer
computes them. Dense blocks (the sentence encoder) are L2-normalised and weighted. Everything a trained model
needs is plain arrays, persisted without pickle. NumPy and SciPy only, as in the Rasa environment.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


class MissingFeaturesError(ValueError):
    """A message lacks the features a block was configured to read (a featurizer missing from the pipeline)."""


def _l2_rows(matrix: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return scipy.sparse.csr_matrix(matrix.multiply(1.0 / norms[:, None]))


def _sparse_sentence(message: Message, featurizer: str) -> scipy.sparse.spmatrix | None:
    _, sentence = message.get_sparse_features(TEXT, [featurizer])
    return None if sentence is None else sentence.features


def _dense_sentence(message: Message, featurizer: str) -> np.ndarray | None:
    _, sentence = message.get_dense_features(TEXT, [featurizer])
    return None if sentence is None else np.asarray(sentence.features, dtype=np.float64).reshape(-1)


@dataclass
class FeatureBlocks:
    """Which featurizers feed the model, and the inverse document frequencies learnt for the sparse ones."""

    sparse: Sequence[str]
    dense: Sequence[str]
    dense_weight: float = 1.0
    idf: list[np.ndarray] | None = None

    @classmethod
    def of(cls, config: dict[str, Any]) -> FeatureBlocks:
        """The blocks a classifier's config names (`sparse_featurizers`, `dense_featurizers`, `dense_weight`)."""
        return cls(config["sparse_featurizers"], config["dense_featurizers"], config["dense_weight"])

    def _counts(self, messages: Sequence[Message], featurizer: str) -> scipy.sparse.csr_matrix:
        rows = []
        width = 0
        for message in messages:
            counts = _sparse_sentence(message, featurizer)
            if counts is None:
                raise MissingFeaturesError(f"no sparse sentence features from {featurizer!r}")
            width = counts.shape[1]
            rows.append(scipy.sparse.csr_matrix(counts))
        if not rows:
            return scipy.sparse.csr_matrix((0, width))
        return scipy.sparse.csr_matrix(scipy.sparse.vstack(rows))

    def fit(self, messages: Sequence[Message]) -> FeatureBlocks:
        """Learn each sparse block's document frequencies (smoothed, as TfidfVectorizer(smooth_idf=True))."""
        self.idf = []
        for featurizer in self.sparse:
            counts = self._counts(messages, featurizer)
            documents = counts.shape[0]
            width = counts.shape[1]
            frequency = np.bincount(counts.indices, minlength=width) if counts.nnz else np.zeros(width)
            self.idf.append(np.log((1.0 + documents) / (1.0 + frequency)) + 1.0)
        return self

    def transform(self, messages: Sequence[Message]) -> scipy.sparse.csr_matrix:
        """One row per message: every block, each L2-normalised, side by side."""
        if self.idf is None:
            raise RuntimeError("FeatureBlocks.fit must run before transform")
        blocks: list[scipy.sparse.spmatrix] = []
        for featurizer, idf in zip(self.sparse, self.idf, strict=True):
            counts = self._counts(messages, featurizer).astype(np.float64)
            counts.data = 1.0 + np.log(counts.data)  # sublinear term frequency
            blocks.append(_l2_rows(scipy.sparse.csr_matrix(counts.multiply(idf[None, :]))))
        for featurizer in self.dense:
            vectors = []
            for message in messages:
                vector = _dense_sentence(message, featurizer)
                if vector is None:
                    raise MissingFeaturesError(f"no dense sentence features from {featurizer!r}")
                vectors.append(vector)
            dense = np.vstack(vectors) if vectors else np.zeros((0, 0))
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            norms[norms == 0.0] = 1.0
            blocks.append(scipy.sparse.csr_matrix(dense / norms * self.dense_weight))
        return scipy.sparse.csr_matrix(scipy.sparse.hstack(blocks))

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The learnt state as named arrays (for np.savez)."""
        return {f"{prefix}idf_{index}": idf for index, idf in enumerate(self.idf or [])}

    def load_arrays(self, arrays: dict[str, np.ndarray], prefix: str) -> FeatureBlocks:
        """Restore what to_arrays saved."""
        self.idf = [np.asarray(arrays[f"{prefix}idf_{index}"]) for index in range(len(self.sparse))]
        return self


def transposed(weights: np.ndarray | None) -> np.ndarray | None:
    """A weight matrix's transpose, laid out for `features @ it`.

    scipy copies a transposed view (`coef.T`) into a contiguous array on every product. With the trained model
    (53,088 features by 58 intents) that copy doubled the NLU parse: p50 11.6-12.8 ms against 5.8-6.5 ms
    (an A/B on one loaded agent, three rounds of 42 messages each); the product itself takes well under a ms.
    """
    return None if weights is None else np.ascontiguousarray(weights.T)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, numerically stable."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def save_weights(storage: ModelStorage, resource: Resource, arrays: dict[str, np.ndarray], labels: list[str]) -> None:
    """Write a linear model's arrays (weights and feature blocks) and its label names to the model storage."""
    with storage.write_to(resource) as directory:
        np.savez(directory / "weights.npz", **arrays)
        (directory / "labels.json").write_text(json.dumps(labels))


def load_weights(storage: ModelStorage, resource: Resource) -> tuple[dict[str, np.ndarray], list[str]] | None:
    """What save_weights wrote, or None when the model storage holds nothing for this resource."""
    try:
        with storage.read_from(resource) as directory:
            with np.load(directory / "weights.npz", allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
            labels = json.loads((directory / "labels.json").read_text())
    except (ValueError, FileNotFoundError):
        return None
    return arrays, [str(label) for label in labels]
