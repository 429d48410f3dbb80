"""all-MiniLM-L6-v2's forward pass in NumPy float32: a six-layer BERT encoder, as Hugging Face's BertModel runs it.

No torch: the weights come from safetensors' NumPy API, and each step below is the BertModel step of the
same name (post-LayerNorm blocks, exact erf GELU, padding masked out of attention). This is the reference
(`backend: numpy`); minilm_tf.py runs the same steps as one TensorFlow graph, which the Rasa server uses
by default because it is several times faster here (see its docstring).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BACKENDS = ("tensorflow", "numpy")

HIDDEN = 384
HEADS = 12
HEAD_SIZE = HIDDEN // HEADS
LAYERS = 6
LAYER_NORM_EPS = 1e-12
MAX_POSITIONS = 512
# Added to the attention scores of padding: exp() of it is exactly 0 in float32, so padding gets no weight.
MASK_VALUE = np.float32(-1e9)

# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, below float32's resolution of GELU's output.
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))
_SQRT_HALF = np.float32(np.sqrt(0.5))


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, in float32."""
    sign = np.sign(x)
    a = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + _ERF_P * a)
    a1, a2, a3, a4, a5 = _ERF_A
    poly = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))))
    return sign * (np.float32(1.0) - poly * np.exp(-a * a))


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU: x * Φ(x), with Φ from erf (not the tanh approximation)."""
    return np.float32(0.5) * x * (np.float32(1.0) + erf(x * _SQRT_HALF))


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """LayerNorm over the hidden axis (biased variance, eps 1e-12), as torch computes it."""
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(LAYER_NORM_EPS)) * weight + bias


@dataclass(frozen=True)
class Layer:
    """One transformer block's weights, with linear maps stored as (in, out) for x @ W."""

    qkv: np.ndarray  # (384, 1152): query, key and value side by side, one matrix product for all three
    qkv_bias: np.ndarray
    attention_out: np.ndarray
    attention_out_bias: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: np.ndarray
    intermediate_bias: np.ndarray
    output: np.ndarray
    output_bias: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Weights:
    """The checkpoint's tensors in the shapes the forward pass uses (the pooler is not used)."""

    word_embeddings: np.ndarray
    position_embeddings: np.ndarray
    token_type_embedding: np.ndarray  # one segment: type 0's row
    embedding_norm: tuple[np.ndarray, np.ndarray]
    layers: tuple[Layer, ...]

    @classmethod
    def from_tensors(cls, tensors: dict[str, np.ndarray]) -> Weights:
        """From BertModel's state dict names (as in model.safetensors)."""

        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(tensors[name], dtype=np.float32)

        def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            # torch's Linear keeps (out, in); transpose once here rather than at every call.
            return np.ascontiguousarray(get(f"{prefix}.weight").T), get(f"{prefix}.bias")

        def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            return get(f"{prefix}.weight"), get(f"{prefix}.bias")

        layers = []
        for index in range(LAYERS):
            prefix = f"encoder.layer.{index}"
            parts = [linear(f"{prefix}.attention.self.{name}") for name in ("query", "key", "value")]
            layers.append(
                Layer(
                    np.ascontiguousarray(np.concatenate([w for w, _ in parts], axis=1)),
                    np.concatenate([b for _, b in parts]),
                    *linear(f"{prefix}.attention.output.dense"),
                    norm(f"{prefix}.attention.output.LayerNorm"),
                    *linear(f"{prefix}.intermediate.dense"),
                    *linear(f"{prefix}.output.dense"),
                    norm(f"{prefix}.output.LayerNorm"),
                )
            )
        weights = cls(
            get("embeddings.word_embeddings.weight"),
            get("embeddings.position_embeddings.weight"),
            get("embeddings.token_type_embeddings.weight")[0],
            norm("embeddings.LayerNorm"),
            tuple(layers),
        )
        if weights.word_embeddings.shape[1] != HIDDEN or weights.position_embeddings.shape[0] != MAX_POSITIONS:
            raise ValueError(f"Not a MiniLM-L6-H384 checkpoint: embeddings {weights.word_embeddings.shape}")
        return weights


class MiniLM:
    """The encoder in NumPy: token ids and attention mask in, last hidden states out."""

    def __init__(self, weights: Weights) -> None:
        self.weights = weights

    @staticmethod
    def _attention(layer: Layer, x: np.ndarray, mask_bias: np.ndarray) -> np.ndarray:
        batch, length, _ = x.shape
        qkv = x.reshape(batch * length, HIDDEN) @ layer.qkv + layer.qkv_bias
        # (batch, length, 3, heads, head) -> three of (batch, heads, length, head)
        query, key, value = qkv.reshape(batch, length, 3, HEADS, HEAD_SIZE).transpose(2, 0, 3, 1, 4)
        scores = query @ key.transpose(0, 1, 3, 2)
        scores *= np.float32(1.0 / np.sqrt(HEAD_SIZE))
        scores += mask_bias  # (batch, 1, 1, length): padding keys get no attention
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch * length, HIDDEN)
        return (context @ layer.attention_out + layer.attention_out_bias).reshape(batch, length, HIDDEN)

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states (batch, length, 384) for ids and mask of shape (batch, length)."""
        w = self.weights
        batch, length = ids.shape
        if length > MAX_POSITIONS:
            raise ValueError(f"at most {MAX_POSITIONS} tokens, got {length}")
        x = w.word_embeddings[ids] + w.position_embeddings[:length] + w.token_type_embedding
        x = layer_norm(x, *w.embedding_norm)
        mask_bias = np.where(mask[:, None, None, :] > 0, np.float32(0.0), MASK_VALUE).astype(np.float32)
        for layer in w.layers:
            x = layer_norm(x + self._attention(layer, x, mask_bias), *layer.attention_norm)
            inner = gelu(x.reshape(batch * length, HIDDEN) @ layer.intermediate + layer.intermediate_bias)
            out = (inner @ layer.output + layer.output_bias).reshape(batch, length, HIDDEN)
            x = layer_norm(x + out, *layer.output_norm)
        return x


def mean_pool(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' Pooling (mean over real tokens) then Normalize (unit length), per row."""
    weights = mask.astype(np.float32)[:, :, None]
    summed = (states * weights).sum(axis=1)
    counts = np.maximum(weights.sum(axis=1), np.float32(1e-9))
    pooled = summed / counts
    norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
    return (pooled / norms).astype(np.float32)
