"""Sentences to all-MiniLM-L6-v2 embeddings (and per-token states), in batches, from the pinned local files."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from safetensors.numpy import load as load_safetensors

from rasa_addons.encoder.minilm import BACKENDS, HIDDEN, MiniLM, Weights, mean_pool
from rasa_addons.encoder.model_files import find_model_dir, read_verified
from rasa_addons.encoder.wordpiece import DEFAULT_MAX_LENGTH, Encoding, WordPieceTokenizer

DIMENSION = HIDDEN
# A batch holds at most this many (padded) tokens: big enough for fast matrix products, small enough that
# the attention scores (batch x 12 x length x length floats) stay a few tens of MB for long messages.
DEFAULT_BATCH_TOKENS = 2048
DEFAULT_BATCH_SIZE = 64


class Model(Protocol):
    """A forward pass: MiniLM (NumPy) or MiniLMGraph (TensorFlow)."""

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states (batch, length, 384) for ids and mask of shape (batch, length)."""
        ...


@dataclass(frozen=True)
class EncodedText:
    """One text's unit-length sentence embedding, its last hidden states per piece and each piece's span."""

    sentence: np.ndarray  # (384,) float32
    states: np.ndarray  # (pieces, 384) float32, [CLS] first and [SEP] last
    spans: tuple[tuple[int, int], ...]  # each piece's (start, end) in the text; (0, 0) for [CLS] and [SEP]

    def max_pooled(self) -> np.ndarray:
        """The largest value of each dimension over the word pieces ([CLS] and [SEP] only for an empty text)."""
        pieces = self.states[1:-1] if len(self.states) > 2 else self.states
        return pieces.max(axis=0) if len(pieces) else np.zeros(DIMENSION, np.float32)


class SentenceEncoder:
    """The tokenizer and the model together: what sentence-transformers' `encode` does, in NumPy."""

    def __init__(self, tokenizer: WordPieceTokenizer, model: Model) -> None:
        self.tokenizer = tokenizer
        self.model = model

    def _batches(self, encodings: Sequence[Encoding], batch_size: int, batch_tokens: int) -> list[list[int]]:
        """Indices grouped by similar length (longest first), so little of each batch is padding."""
        order = sorted(range(len(encodings)), key=lambda i: (-len(encodings[i].ids), i))
        batches: list[list[int]] = []
        for index in order:
            # Sorted longest first, so the batch's first text sets its padded length.
            if batches and len(batches[-1]) < batch_size:
                padded = len(encodings[batches[-1][0]].ids)
                if padded * (len(batches[-1]) + 1) <= batch_tokens:
                    batches[-1].append(index)
                    continue
            batches.append([index])
        return batches

    def encode_full(
        self,
        texts: Sequence[str],
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
    ) -> list[EncodedText]:
        """Embeddings and token states of every text, in the order given."""
        encodings = [self.tokenizer.encode(text) for text in texts]
        results: list[EncodedText | None] = [None] * len(texts)
        for batch in self._batches(encodings, max(1, batch_size), batch_tokens):
            length = len(encodings[batch[0]].ids)
            ids = np.full((len(batch), length), self.tokenizer.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.int64)
            for row, index in enumerate(batch):
                pieces = encodings[index].ids
                ids[row, : len(pieces)] = pieces
                mask[row, : len(pieces)] = 1
            states = self.model.hidden_states(ids, mask)
            sentences = mean_pool(states, mask)
            for row, index in enumerate(batch):
                count = len(encodings[index].ids)
                results[index] = EncodedText(sentences[row].copy(), states[row, :count].copy(), encodings[index].spans)
        return [r for r in results if r is not None]

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
    ) -> np.ndarray:
        """Unit-length sentence embeddings, shape (len(texts), 384), as sentence-transformers gives them."""
        encoded = self.encode_full(texts, batch_size, batch_tokens)
        return np.stack([e.sentence for e in encoded]) if encoded else np.zeros((0, DIMENSION), np.float32)


def token_features(encoded: EncodedText, token_spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """One row per (start, end) span: the mean state of the pieces that overlap it; zeros if none does.

    Rasa's whitespace tokens are mapped onto the encoder's pieces by character position, so the
    text is encoded once, as a whole, and punctuation a tokenizer dropped still informs its neighbours.
    """
    rows = np.zeros((len(token_spans), DIMENSION), dtype=np.float32)
    pieces = [(i, s, e) for i, (s, e) in enumerate(encoded.spans) if e > s]
    for row, (start, end) in enumerate(token_spans):
        matched = [i for i, s, e in pieces if s < end and e > start]
        if matched:
            rows[row] = encoded.states[matched].mean(axis=0)
    return rows


@functools.lru_cache(maxsize=4)
def _load(model_dir: Path, max_length: int, backend: str) -> SentenceEncoder:
    if backend not in BACKENDS:
        raise ValueError(f"Unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
    tokenizer = WordPieceTokenizer.from_vocab_text(read_verified(model_dir, "vocab.txt").decode("utf-8"), max_length)
    weights = Weights.from_tensors(load_safetensors(read_verified(model_dir, "model.safetensors")))
    if backend == "numpy":
        return SentenceEncoder(tokenizer, MiniLM(weights))
    from rasa_addons.encoder.minilm_tf import MiniLMGraph  # TensorFlow only when asked for

    encoder = SentenceEncoder(tokenizer, MiniLMGraph(weights))
    encoder.encode(["hello"])  # trace the graph now, not on the first message
    return encoder


def load_encoder(
    model_dir: Path | None = None, max_length: int = DEFAULT_MAX_LENGTH, backend: str = "tensorflow"
) -> SentenceEncoder:
    """The encoder from the installed package (or model_dir), verified and loaded once per process."""
    return _load((model_dir or find_model_dir()).resolve(), max_length, backend)
