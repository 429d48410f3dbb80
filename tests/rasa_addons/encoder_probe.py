"""Runs in the Rasa environment (numpy, safetensors, TensorFlow, Rasa, the encoder's weights) for
tests/rasa_addons/test_sentence_encoder.py, which runs in `.venv` and asserts on what this prints.

    PYTHONPATH=. .venv-rasa/bin/python tests/rasa_addons/encoder_probe.py encoder|component REQUEST.json

The request names the texts to work on; the answer (one JSON object on the last line of stdout) holds raw
observations: ids, embeddings, errors, connection attempts. The assertions are all in the test file.
Every socket connection and name lookup is refused, and recorded, before anything else is imported.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

ATTEMPTS: list[str] = []


def _refuse(name: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        ATTEMPTS.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
        raise OSError(f"network use refused by the test ({name})")

    return refuse


def block_network() -> None:
    """No connection and no DNS from this process: a download attempt fails and is recorded."""
    socket.socket.connect = _refuse("socket.connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse("socket.connect_ex")  # type: ignore[method-assign]
    socket.create_connection = _refuse("create_connection")
    socket.getaddrinfo = _refuse("getaddrinfo")


def guard_refuses() -> bool:
    """Check the guard itself: a connection attempt fails and is recorded (then forgotten)."""
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1).close()
    except OSError:
        refused = ATTEMPTS == ["create_connection(('127.0.0.1', 9),)"]
        ATTEMPTS.clear()
        return refused
    return False


def _digest(array: Any) -> str:
    return hashlib.sha256(array.tobytes()).hexdigest()


def _copy(model_dir: Path, target: Path, tamper: str | None) -> Path:
    """A copy of the model's files, with one byte of the file `tamper` changed (same size)."""
    target.mkdir()
    for file in ("model.safetensors", "vocab.txt"):
        shutil.copyfile(model_dir / file, target / file)
    if tamper:
        data = bytearray((target / tamper).read_bytes())
        data[len(data) // 2] ^= 0x01
        (target / tamper).write_bytes(bytes(data))
    return target


def probe_encoder(request: dict[str, Any]) -> dict[str, Any]:
    """Tokenizer ids, embeddings, determinism, both backends, the SHA check and the erf approximation."""
    import numpy as np
    from scipy.special import erf as scipy_erf

    from rasa_addons.encoder.minilm import gelu
    from rasa_addons.encoder.model_files import ModelFilesError, find_model_dir
    from rasa_addons.encoder.sentence_encoder import load_encoder, token_features

    texts: list[str] = request["texts"]
    encoder = load_encoder()
    first = encoder.encode(texts)
    second = encoder.encode(texts)
    singles = np.stack([encoder.encode([text])[0] for text in texts])
    numpy_backend = load_encoder(backend="numpy").encode(texts)
    pieces = encoder.encode_full([request["token_text"]])[0]
    tokens = token_features(pieces, [tuple(span) for span in request["token_spans"]])

    refused: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("model.safetensors", "vocab.txt"):
            copy = _copy(find_model_dir(), Path(tmp) / name, tamper=name)
            try:
                load_encoder(copy)
                refused[name] = ""
            except ModelFilesError as exc:
                refused[name] = str(exc)
        untouched = _copy(find_model_dir(), Path(tmp) / "untouched", tamper=None)
        # The same batch as `first`: a text encoded alone may differ in the last bit from the same text in a
        # padded batch on some CPUs (an AMD EPYC here), since the matrix products then take other kernels.
        copy_matches = bool(np.array_equal(load_encoder(untouched).encode(texts), first))

    grid = np.linspace(-10, 10, 400_001, dtype=np.float32)
    exact_gelu = 0.5 * grid.astype(np.float64) * (1 + scipy_erf(grid.astype(np.float64) / np.sqrt(2)))
    return {
        "ids": {text: list(encoder.tokenizer.encode(text).ids) for text in request["tokenize"]},
        "embeddings": first.tolist(),
        "dtype": str(first.dtype),
        "digests": [_digest(first), _digest(second)],
        "singles": singles.tolist(),
        "batch_vs_single": float(np.abs(first - singles).max()),
        "numpy_vs_tensorflow": float(np.abs(first - numpy_backend).max()),
        "states_shape": list(pieces.states.shape),
        "piece_spans": [list(span) for span in pieces.spans],
        "states": pieces.states.tolist(),
        "token_features": tokens.tolist(),
        "long_text_pieces": len(encoder.tokenizer.encode(request["long_text"]).ids),
        "refused": refused,
        "copy_matches": copy_matches,
        "gelu_max_error": float(np.abs(gelu(grid) - exact_gelu).max()),
    }


def probe_component(request: dict[str, Any]) -> dict[str, Any]:
    """The Rasa component on real Rasa messages, tokenized by Rasa's WhitespaceTokenizer."""
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.exceptions import InvalidConfigException
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from rasa_addons.encoder_component import SentenceEncoderFeaturizer

    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())

    def featurizer(**options: Any) -> SentenceEncoderFeaturizer:
        config = {**SentenceEncoderFeaturizer.get_default_config(), **options}
        return SentenceEncoderFeaturizer("SentenceEncoderFeaturizer", config)

    def observe(message: Message) -> dict[str, Any]:
        found: dict[str, Any] = {"tokens": [token.text for token in message.get("text_tokens")], "features": []}
        for features in message.features:
            found["features"].append([features.type, features.attribute, features.origin])
            found[features.type] = features.features.tolist()
        return found

    def featurized(component: SentenceEncoderFeaturizer, text: str) -> Message:
        message = Message(data={TEXT: text})
        tokenizer.process([message])
        component.process([message])
        return message

    def run(component: SentenceEncoderFeaturizer, text: str) -> dict[str, Any]:
        return observe(featurized(component, text))

    def by_origin(component: SentenceEncoderFeaturizer, text: str) -> dict[str, Any]:
        return {f"{f.type}:{f.origin}": f.features.tolist() for f in featurized(component, text).features}

    text = request["text"]
    with_sequence = featurizer(sequence_features=True, alias="minilm")
    observed = {
        "default": run(featurizer(), text),
        "sequence": run(with_sequence, text),
        "sequence_again": run(with_sequence, text),
        "cache_size": len(with_sequence._cache),
    }
    pooled = featurizer(max_pooled_alias="minilm_max")
    observed["max_pooled"] = [by_origin(pooled, text), by_origin(pooled, text)]  # the second from the cache
    states = pooled._encoder.encode_full([text])[0].states
    observed["piece_maximum"] = states[1:-1].max(axis=0).tolist()
    observed["piece_mean"] = states[1:-1].mean(axis=0).tolist()
    uncached = featurizer(cache_size=0)
    run(uncached, text)
    observed["cache_size_when_off"] = len(uncached._cache)

    training = TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in request["training_texts"]])
    tokenizer.process_training_data(training)
    featurizer().process_training_data(training)
    observed["training"] = [observe(m) for m in training.training_examples]

    invalid: dict[str, str] = {}
    for options in request["invalid_configs"]:
        try:
            featurizer(**options)
            invalid[json.dumps(options)] = ""
        except InvalidConfigException as exc:
            invalid[json.dumps(options)] = str(exc)
    observed["invalid"] = invalid
    observed["fingerprints"] = fingerprints()
    return observed


def fingerprints() -> list[str]:
    """The component's training-cache addon: twice as installed, then with one encoder source file edited."""
    import rasa_addons.encoder_component as component

    config = component.SentenceEncoderFeaturizer.get_default_config()
    found = [component.SentenceEncoderFeaturizer.fingerprint_addon(config) or "" for _ in range(2)]
    installed = component.ENCODER_SOURCES
    with tempfile.TemporaryDirectory() as tmp:
        edited = Path(tmp) / "encoder"
        shutil.copytree(installed, edited, ignore=shutil.ignore_patterns("__pycache__"))
        with (edited / "minilm.py").open("a", encoding="utf-8") as file:
            file.write("# a change to the forward pass\n")
        component.ENCODER_SOURCES = edited
        try:
            found.append(component.SentenceEncoderFeaturizer.fingerprint_addon(config) or "")
        finally:
            component.ENCODER_SOURCES = installed
    return found


def main(argv: list[str]) -> int:
    """Answer one probe with JSON on the last line of stdout."""
    block_network()
    guard_refused = guard_refuses()
    request = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    answer = probe_encoder(request) if argv[1] == "encoder" else probe_component(request)
    answer["guard_refused"] = guard_refused
    answer["network_attempts"] = ATTEMPTS
    sys.stdout.write("\n" + json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
