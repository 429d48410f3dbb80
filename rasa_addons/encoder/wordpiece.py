"""BERT's uncased WordPiece tokenizer, as all-MiniLM-L6-v2's tokenizer.json describes it, in plain Python.

It follows Hugging Face `tokenizers` (BertNormalizer with lowercase and accent stripping, BertPreTokenizer,
WordPiece with `##`), so ids match the model's training. Each piece keeps the character span it came from in
the original text, so the encoder's token states can be mapped onto Rasa's whitespace tokens.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CLS, SEP, UNK, PAD = "[CLS]", "[SEP]", "[UNK]", "[PAD]"
MAX_CHARS_PER_WORD = 100  # longer words become [UNK], as in tokenizer.json
DEFAULT_MAX_LENGTH = 256  # sentence_bert_config.json's max_seq_length, [CLS] and [SEP] included


@dataclass(frozen=True)
class Encoding:
    """Token ids with [CLS] and [SEP], and each piece's (start, end) in the original text (special: (0, 0))."""

    ids: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]


def _is_control(char: str) -> bool:
    # tokenizers drops every "other" character (Cc, Cf, Cn, Co, Cs) but tab, newline and return.
    return char not in "\t\n\r" and unicodedata.category(char).startswith("C")


def _is_whitespace(char: str) -> bool:
    return char in "\t\n\r " or char.isspace()


def _is_punctuation(char: str) -> bool:
    # BERT counts every ASCII symbol as punctuation ("$", "+", "^", "`"), not only Unicode's P* classes.
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _normalise(char: str) -> str:
    """One original character as the model sees it: accents stripped (NFD, no Mn), then lower case."""
    if char == "\0" or char == "\ufffd" or _is_control(char):
        return ""
    if _is_whitespace(char):
        return " "
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def split_words(text: str) -> list[tuple[str, list[int]]]:
    """The pre-tokenized words, each with the original index of every one of its characters."""
    words: list[tuple[str, list[int]]] = []
    chars: list[str] = []
    origins: list[int] = []

    def flush() -> None:
        if chars:
            words.append(("".join(chars), list(origins)))
            chars.clear()
            origins.clear()

    for index, original in enumerate(text):
        for char in _normalise(original):
            if _is_whitespace(char):
                flush()
            elif _is_punctuation(char) or _is_cjk(char):
                flush()
                words.append((char, [index]))
            else:
                chars.append(char)
                origins.append(index)
    flush()
    return words


class WordPieceTokenizer:
    """Text to the model's token ids, with the span of each piece."""

    def __init__(self, vocab: dict[str, int], max_length: int = DEFAULT_MAX_LENGTH) -> None:
        if max_length < 2:
            raise ValueError("max_length must leave room for [CLS] and [SEP]")
        self.vocab = vocab
        self.max_length = max_length
        self.cls_id, self.sep_id, self.unk_id, self.pad_id = (vocab[t] for t in (CLS, SEP, UNK, PAD))

    @classmethod
    def from_vocab_text(cls, text: str, max_length: int = DEFAULT_MAX_LENGTH) -> WordPieceTokenizer:
        """From vocab.txt's text: one token a line, the id is the line number."""
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls({token: index for index, token in enumerate(lines)}, max_length)

    def _word_pieces(self, word: str) -> list[tuple[int, int, int]]:
        """Greedy longest-match-first pieces of one word as (id, start, end) in the word; [UNK] if one fails."""
        if len(word) > MAX_CHARS_PER_WORD:
            return [(self.unk_id, 0, len(word))]
        pieces: list[tuple[int, int, int]] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [(self.unk_id, 0, len(word))]
            pieces.append((found, start, end))
            start = end
        return pieces

    def encode(self, text: str) -> Encoding:
        """[CLS] pieces [SEP], truncated to max_length, with the original span of every piece."""
        ids = [self.cls_id]
        spans = [(0, 0)]
        limit = self.max_length - 1
        for word, origins in split_words(text):
            for token_id, start, end in self._word_pieces(word)[: limit - len(ids)]:
                ids.append(token_id)
                spans.append((origins[start], origins[end - 1] + 1))
            if len(ids) >= limit:
                break
        ids.append(self.sep_id)
        spans.append((0, 0))
        return Encoding(tuple(ids), tuple(spans))

    def tokenize(self, text: str) -> list[str]:
        """The pieces as strings (for tests and debugging)."""
        inverse = {index: token for token, index in self.vocab.items()}  # tests only: not worth keeping
        return [inverse[i] for i in self.encode(text).ids]
