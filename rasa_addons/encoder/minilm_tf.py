"""minilm.py's forward pass, step for step, as one TensorFlow graph: what the Rasa server runs by default.

Why not NumPy: the numpy 1.23.5 wheel Rasa pins bundles OpenBLAS 0.3.20, which does not know recent Xeons
(this machine's family 6 model 207) and falls back to its SSE3 "Prescott" kernels, about 4 GFLOPS on two
cores. TensorFlow is a Rasa dependency the server has already loaded; as one graph (traced once, for any
batch and length) it encoded a 12-piece message in 12 ms against 21 ms for NumPy with TensorFlow's matrix
products and several times that for plain NumPy, and the training examples about twice as fast again.
Tests check that both backends give the same embeddings to 1e-5; minilm.py is the reference.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from rasa_addons.encoder.minilm import HEAD_SIZE, HEADS, HIDDEN, LAYER_NORM_EPS, MASK_VALUE, MAX_POSITIONS, Weights

_SIGNATURE = (tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None, None], tf.int32))


def _layer_norm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) -> tf.Tensor:
    centred = x - tf.reduce_mean(x, axis=-1, keepdims=True)
    variance = tf.reduce_mean(centred * centred, axis=-1, keepdims=True)
    return centred / tf.sqrt(variance + LAYER_NORM_EPS) * weight + bias


class MiniLMGraph:
    """The encoder as a TensorFlow graph: token ids and attention mask in, last hidden states out."""

    def __init__(self, weights: Weights) -> None:
        def const(array: np.ndarray) -> tf.Tensor:
            return tf.constant(array, dtype=tf.float32)

        self._embeddings = [const(weights.word_embeddings), const(weights.position_embeddings)]
        self._embeddings += [const(weights.token_type_embedding), *map(const, weights.embedding_norm)]
        self._layers = [
            [
                const(layer.qkv), const(layer.qkv_bias), const(layer.attention_out), const(layer.attention_out_bias),
                *map(const, layer.attention_norm), const(layer.intermediate), const(layer.intermediate_bias),
                const(layer.output), const(layer.output_bias), *map(const, layer.output_norm),
            ]
            for layer in weights.layers
        ]  # fmt: skip
        self._run = tf.function(self._forward, input_signature=_SIGNATURE)

    def _forward(self, ids: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
        batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
        words, positions, token_type, norm_weight, norm_bias = self._embeddings
        x = tf.gather(words, ids) + positions[:length] + token_type
        x = _layer_norm(x, norm_weight, norm_bias)
        mask_bias = tf.where(mask[:, None, None, :] > 0, 0.0, float(MASK_VALUE))  # padding keys get no attention
        for layer in self._layers:
            qkv_w, qkv_b, out_w, out_b, norm1_w, norm1_b, inner_w, inner_b, ffn_w, ffn_b, norm2_w, norm2_b = layer
            qkv = tf.reshape(tf.reshape(x, [-1, HIDDEN]) @ qkv_w + qkv_b, [batch, length, 3, HEADS, HEAD_SIZE])
            query, key, value = tf.unstack(tf.transpose(qkv, [2, 0, 3, 1, 4]))
            scores = tf.matmul(query, key, transpose_b=True) * float(1.0 / np.sqrt(HEAD_SIZE)) + mask_bias
            context = tf.transpose(tf.matmul(tf.nn.softmax(scores, axis=-1), value), [0, 2, 1, 3])
            attention = tf.reshape(tf.reshape(context, [-1, HIDDEN]) @ out_w + out_b, [batch, length, HIDDEN])
            x = _layer_norm(x + attention, norm1_w, norm1_b)
            inner = tf.reshape(x, [-1, HIDDEN]) @ inner_w + inner_b
            inner = 0.5 * inner * (1.0 + tf.math.erf(inner * float(np.sqrt(0.5))))  # exact GELU
            out = tf.reshape(inner @ ffn_w + ffn_b, [batch, length, HIDDEN])
            x = _layer_norm(x + out, norm2_w, norm2_b)
        return x

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states (batch, length, 384) for ids and mask of shape (batch, length)."""
        if ids.shape[1] > MAX_POSITIONS:
            raise ValueError(f"at most {MAX_POSITIONS} tokens, got {ids.shape[1]}")
        return self._run(tf.constant(ids, tf.int32), tf.constant(mask, tf.int32)).numpy()
