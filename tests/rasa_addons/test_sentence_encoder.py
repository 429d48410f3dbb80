"""The sentence encoder (rasa_addons/encoder) and its Rasa component, checked in the Rasa environment.

The encoder needs numpy, safetensors, TensorFlow, Rasa and the weights, which only `.venv-rasa` has, while
pytest runs in `.venv`. So each group of tests runs tests/rasa_addons/encoder_probe.py once with the Rasa
environment's Python (network refused inside it) and asserts here on the JSON it prints.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.rasa_addons.probes import run_probe as run_rasa_probe

PROBE = Path(__file__).with_name("encoder_probe.py")

REPORT = "how do I report a crime"
REPORT_PARAPHRASE = "I want to report a crime to the police"
TIP = "what time does the tip open"
PHONE = "my phone was stolen"
PHONE_PARAPHRASE = "someone nicked my mobile"
STATION = "where is my nearest police station"
MESSAGE = "Someone nicked my mobile, what do I do?"  # the component's test message
TEXTS = [REPORT, REPORT_PARAPHRASE, TIP, PHONE, PHONE_PARAPHRASE, STATION, MESSAGE]

# First six dimensions of sentence-transformers' own all-MiniLM-L6-v2 embeddings (torch, same weights).
REFERENCE_PREFIX = {
    REPORT: [0.03478, 0.06404, -0.10174, -0.03005, 0.05097, 0.08986],
    PHONE_PARAPHRASE: [-0.10195, 0.08816, 0.06456, -0.05013, 0.04008, -0.08723],
    STATION: [0.01728, -0.01787, -0.04429, -0.04234, 0.06828, 0.07545],
}
# Ids from the model's tokenizer.json through Hugging Face `tokenizers`.
EXPECTED_IDS = {
    "How do I report a crime?": [101, 2129, 2079, 1045, 3189, 1037, 4126, 1029, 102],
    "someone nicked my mobile": [101, 2619, 4172, 2098, 2026, 4684, 102],
    "Héllo, naïve café!": [101, 7592, 1010, 15743, 7668, 999, 102],
    "crime ref 41/12345/24, postcode AL1 3AB": [
        101, 4126, 25416, 4601, 1013, 13138, 19961, 1013, 2484, 1010, 2695, 16044, 2632, 2487, 23842, 2497, 102,
    ],
    "£50 stolen 😀": [101, 27813, 2692, 7376, 100, 102],
    "thankyou": [101, 4067, 29337, 102],
    "Ｆｕｌｌ\u3000ｗｉｄｔｈ 中文": [101, 100, 100, 1746, 1861, 102],
    "": [101, 102],
}  # fmt: skip


def run_probe(kind: str, request: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Run the probe with the Rasa environment's Python and return its JSON answer."""
    request_path = tmp_path / f"{kind}.json"
    request_path.write_text(json.dumps(request), encoding="utf-8")
    return run_rasa_probe(PROBE, kind, str(request_path), timeout=900)


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    request = {
        "texts": TEXTS,
        "tokenize": list(EXPECTED_IDS),
        "token_text": "someone nicked my mobile!",
        "token_spans": [[0, 7], [8, 14], [15, 17], [18, 25], [30, 35]],
        "long_text": "word " * 400,
    }
    return run_probe("encoder", request, tmp_path_factory.mktemp("encoder"))


@pytest.fixture(scope="module")
def component(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    request = {
        "text": MESSAGE,
        "training_texts": [MESSAGE, REPORT, "hi"],
        "invalid_configs": [
            {"backend": "torch"},
            {"batch_size": 0},
            {"max_length": 1000},
            {"sequence_features": "yes"},
            {"max_pooled_alias": "SentenceEncoderFeaturizer"},  # the featurizer's own alias
            {"max_pooled_alias": ""},
        ],
    }
    return run_probe("component", request, tmp_path_factory.mktemp("component"))


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def embedding(encoder: dict[str, Any], text: str) -> list[float]:
    return encoder["embeddings"][TEXTS.index(text)]


def test_tokenizer_gives_the_models_token_ids(encoder: dict[str, Any]) -> None:
    assert encoder["ids"] == EXPECTED_IDS


def test_embeddings_match_sentence_transformers(encoder: dict[str, Any]) -> None:
    for text, prefix in REFERENCE_PREFIX.items():
        assert embedding(encoder, text)[:6] == pytest.approx(prefix, abs=2e-5), text
    for vector in encoder["embeddings"]:
        assert len(vector) == 384
        assert math.sqrt(sum(x * x for x in vector)) == pytest.approx(1.0, abs=1e-5)
    assert encoder["dtype"] == "float32"


def test_paraphrases_are_closer_than_unrelated_questions(encoder: dict[str, Any]) -> None:
    report = cosine(embedding(encoder, REPORT), embedding(encoder, REPORT_PARAPHRASE))
    phone = cosine(embedding(encoder, PHONE), embedding(encoder, PHONE_PARAPHRASE))
    unrelated = [
        cosine(embedding(encoder, a), embedding(encoder, b))
        for a in (REPORT, REPORT_PARAPHRASE, PHONE, PHONE_PARAPHRASE)
        for b in (TIP,)
    ]
    assert report > 0.8  # sentence-transformers gives 0.886
    assert phone > 0.45  # and 0.515
    assert max(unrelated) < 0.15
    assert cosine(embedding(encoder, PHONE), embedding(encoder, PHONE_PARAPHRASE)) > cosine(
        embedding(encoder, PHONE), embedding(encoder, STATION)
    )


def test_encoding_is_deterministic(encoder: dict[str, Any], component: dict[str, Any]) -> None:
    first, second = encoder["digests"]
    assert first == second
    # Another process, through the Rasa component, encodes the same text to the same bytes.
    assert component["default"]["sentence"][0] == encoder["singles"][TEXTS.index(MESSAGE)]


def test_batching_and_backends_change_only_rounding(encoder: dict[str, Any]) -> None:
    assert encoder["batch_vs_single"] < 1e-5
    assert encoder["numpy_vs_tensorflow"] < 1e-5


def test_gelu_is_exact_to_float32_precision(encoder: dict[str, Any]) -> None:
    # Largest near x = 4, where one float32 step of the output is 4.8e-7.
    assert encoder["gelu_max_error"] < 5e-7


def test_long_texts_are_truncated_as_sentence_transformers_does(encoder: dict[str, Any]) -> None:
    assert encoder["long_text_pieces"] == 256


def test_token_states_map_onto_whitespace_tokens(encoder: dict[str, Any]) -> None:
    states, spans, rows = encoder["states"], encoder["piece_spans"], encoder["token_features"]
    # [CLS] someone nick ##ed my mobile ! [SEP]
    assert spans == [[0, 0], [0, 7], [8, 12], [12, 14], [15, 17], [18, 24], [24, 25], [0, 0]]
    assert encoder["states_shape"] == [8, 384]
    assert rows[0] == states[1]  # "someone": one piece
    nicked = [(a + b) / 2 for a, b in zip(states[2], states[3], strict=True)]
    assert rows[1] == pytest.approx(nicked, abs=1e-6)  # "nicked": the mean of its two pieces
    mobile = [(a + b) / 2 for a, b in zip(states[5], states[6], strict=True)]
    assert rows[3] == pytest.approx(mobile, abs=1e-6)  # "mobile!" covers "mobile" and "!"
    assert rows[4] == [0.0] * 384  # beyond the text: no piece, zeros


def test_files_that_differ_from_the_published_ones_are_refused(encoder: dict[str, Any]) -> None:
    for name, error in encoder["refused"].items():
        assert name in error and "refusing to load it" in error, (name, error)
    assert set(encoder["refused"]) == {"model.safetensors", "vocab.txt"}
    assert encoder["copy_matches"]  # an exact copy elsewhere loads and gives the same embeddings


def test_nothing_touches_the_network(encoder: dict[str, Any], component: dict[str, Any]) -> None:
    for answer in (encoder, component):
        assert answer["guard_refused"]  # the probe's own connection attempt was refused: the guard works
        assert answer["network_attempts"] == []


def test_component_adds_384_dimensional_sentence_features(component: dict[str, Any]) -> None:
    default = component["default"]
    assert default["tokens"] == ["Someone", "nicked", "my", "mobile", "what", "do", "I", "do"]
    assert default["features"] == [["sentence", "text", "SentenceEncoderFeaturizer"]]  # no sequence by default
    assert len(default["sentence"]) == 1 and len(default["sentence"][0]) == 384


def test_component_adds_one_token_row_per_rasa_token_when_asked(component: dict[str, Any]) -> None:
    with_sequence = component["sequence"]
    assert with_sequence["features"] == [["sequence", "text", "minilm"], ["sentence", "text", "minilm"]]
    assert len(with_sequence["sequence"]) == len(with_sequence["tokens"]) == 8
    assert all(len(row) == 384 and any(row) for row in with_sequence["sequence"])
    assert with_sequence["sentence"] == component["default"]["sentence"]


def test_component_adds_the_maximum_over_word_pieces_under_its_own_alias_when_asked(component: dict[str, Any]) -> None:
    first, cached = component["max_pooled"]
    assert set(first) == {"sentence:SentenceEncoderFeaturizer", "sentence:minilm_max"}
    assert first["sentence:SentenceEncoderFeaturizer"] == component["default"]["sentence"]
    pooled = first["sentence:minilm_max"][0]
    assert pooled == pytest.approx(component["piece_maximum"], abs=1e-6)
    assert pooled != pytest.approx(component["piece_mean"], abs=1e-3)
    assert cached == first  # the cache keeps the maximum though it drops the piece states


def test_component_cache_returns_the_same_features(component: dict[str, Any]) -> None:
    assert component["sequence_again"] == component["sequence"]
    assert component["cache_size"] == 1
    assert component["cache_size_when_off"] == 0


def test_component_featurizes_training_data_like_messages(component: dict[str, Any]) -> None:
    training = component["training"]
    assert [m["features"] for m in training] == [[["sentence", "text", "SentenceEncoderFeaturizer"]]] * 3
    batched, single = training[0]["sentence"][0], component["default"]["sentence"][0]
    assert max(abs(a - b) for a, b in zip(batched, single, strict=True)) < 1e-5


def test_component_rejects_bad_options(component: dict[str, Any]) -> None:
    for options, error in component["invalid"].items():
        assert error, f"{options} was accepted"


def test_rasa_training_cache_sees_changes_to_the_encoder_code(component: dict[str, Any]) -> None:
    # Rasa fingerprints a component by its class's source only; the addon covers rasa_addons/encoder/ too.
    installed, again, edited = component["fingerprints"]
    assert installed == again != ""
    assert edited != installed
