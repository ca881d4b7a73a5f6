"""The dispatch classifier: which department handles a ticket, learnt from closed tickets.

Training reads closed tickets (title + description → the department that closed them), segments
the text with ``ecity.core.chinese.segment`` (words and word pairs), weighs the features with
TF-IDF and fits a multinomial logistic regression (scikit-learn), whose probabilities are the
scores of the top three departments.

The trained model is stored as plain arrays (``numpy.savez_compressed``: vocabulary, IDF
weights, coefficients, department codes) in ``<ECITY_DATA_DIR>/hotline/classifier.npz`` and
read back with ``allow_pickle=False``: no pickle is ever loaded, so a file put there by someone
else can at worst give bad suggestions, never run code. Prediction needs only numpy; the
model is reloaded when the file changes (``manage.py hotline_classifier train``, the demo).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from ecity.core.chinese import segment
from ecity.hotline.models import Ticket

FORMAT_VERSION = 1
TOP = 3
#: Fewer closed tickets than this: no model (the suggestions fall back on rules and history).
MIN_TRAINING_TICKETS = 20
#: Regularisation of the logistic regression (larger: fits the training texts more closely).
REGULARISATION_C = 10.0


@dataclass(frozen=True)
class Prediction:
    """One department the classifier suggests, with its probability (0–1)."""

    department_code: str
    score: float


@dataclass(frozen=True)
class Evaluation:
    """Accuracy on a held-out split: how often the right department is first / in the top 3."""

    top1: float
    top3: float
    train_size: int
    test_size: int
    departments: int


def ticket_text(title: str, description: str) -> str:
    """The text the classifier reads for a ticket."""
    return f"{title or ''}\n{description or ''}"


def features(text: str) -> list[str]:
    """The features of ``text``: its words and adjacent word pairs (多次 施工, 施工 噪音)."""
    words = segment(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class TrainedModel:
    """A trained classifier as plain arrays (what is stored)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (classes, features), or (1, features) for two classes
    intercept: np.ndarray
    classes: tuple[str, ...]  # department codes
    trained_on: int  # number of tickets

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(len(self.vocabulary))
        for feature, count in Counter(features(text)).items():
            index = self.vocabulary.get(feature)
            if index is not None:
                vector[index] = (1.0 + math.log(count)) * self.idf[index]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def probabilities(self, text: str) -> np.ndarray:
        """The probability of each class (in ``classes`` order) for ``text``."""
        scores = self.coef @ self._vector(text) + self.intercept
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + math.exp(-float(scores[0])))
            return np.array([1.0 - positive, positive])
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def predict(self, text: str, *, top: int = TOP) -> list[Prediction]:
        """The ``top`` most probable departments for ``text``, best first."""
        probabilities = self.probabilities(text)
        order = np.argsort(-probabilities, kind="stable")[:top]
        return [
            Prediction(department_code=self.classes[i], score=float(probabilities[i]))
            for i in order
        ]


def training_rows() -> list[tuple[str, str]]:
    """(text, department code) of every closed ticket with a handling department."""
    rows = (
        Ticket.objects.filter(status=Ticket.Status.CLOSED, department__isnull=False)
        .order_by("pk")
        .values_list("title", "description", "department__code")
    )
    return [(ticket_text(title, description), code) for title, description, code in rows]


def train(rows: Sequence[tuple[str, str]]) -> TrainedModel:
    """Fit a model on (text, department code) rows; needs at least two departments."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    if len(set(labels)) < 2:
        raise ValueError("the classifier needs closed tickets of at least two departments")
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=REGULARISATION_C, max_iter=2000)
    model.fit(matrix, labels)
    return TrainedModel(
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=np.asarray(vectorizer.idf_, dtype=float),
        coef=np.asarray(model.coef_, dtype=float),
        intercept=np.asarray(model.intercept_, dtype=float),
        classes=tuple(str(c) for c in model.classes_),
        trained_on=len(rows),
    )


def evaluate(
    rows: Sequence[tuple[str, str]], *, test_share: float = 0.2, seed: int = 0
) -> Evaluation:
    """Train on a random (1 − ``test_share``) of ``rows``, measure on the held-out rest.

    The split is stratified by department when every department has at least two tickets.
    """
    from sklearn.model_selection import train_test_split

    labels = [label for _, label in rows]
    counts = Counter(labels)
    stratify = labels if min(counts.values(), default=0) >= 2 else None
    try:
        train_rows, test_rows = train_test_split(
            list(rows), test_size=test_share, random_state=seed, stratify=stratify
        )
    except ValueError:  # too few rows per department for a stratified split
        train_rows, test_rows = train_test_split(
            list(rows), test_size=test_share, random_state=seed
        )
    model = train(train_rows)
    top1 = top3 = 0
    for text, label in test_rows:
        predicted = [p.department_code for p in model.predict(text, top=TOP)]
        top1 += bool(predicted) and predicted[0] == label
        top3 += label in predicted
    total = len(test_rows) or 1
    return Evaluation(
        top1=top1 / total,
        top3=top3 / total,
        train_size=len(train_rows),
        test_size=len(test_rows),
        departments=len(counts),
    )


# --- storage --------------------------------------------------------------------------------


def model_path() -> Path:
    """Where the trained model is kept: ``<ECITY_DATA_DIR>/hotline/classifier.npz``."""
    return Path(settings.DATA_DIR) / "hotline" / "classifier.npz"


def model_save(model: TrainedModel, path: Path | None = None) -> Path:
    """Write ``model`` as plain arrays (atomically: a reader sees the old or the new file)."""
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    terms = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    partial = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(
        partial,
        format_version=np.array([FORMAT_VERSION]),
        terms=np.array(terms, dtype=str),
        idf=model.idf,
        coef=model.coef,
        intercept=model.intercept,
        classes=np.array(model.classes, dtype=str),
        trained_on=np.array([model.trained_on]),
    )
    partial.replace(path)
    return path


def model_load(path: Path | None = None) -> TrainedModel | None:
    """Read a stored model (None when there is none or it is not one of ours).

    ``allow_pickle=False``: only arrays of numbers and strings are read, never objects.
    """
    path = path or model_path()
    try:
        with np.load(path, allow_pickle=False) as stored:
            if int(stored["format_version"][0]) != FORMAT_VERSION:
                return None
            terms = [str(t) for t in stored["terms"]]
            return TrainedModel(
                vocabulary={term: index for index, term in enumerate(terms)},
                idf=stored["idf"].astype(float),
                coef=stored["coef"].astype(float),
                intercept=stored["intercept"].astype(float),
                classes=tuple(str(c) for c in stored["classes"]),
                trained_on=int(stored["trained_on"][0]),
            )
    except (OSError, KeyError, ValueError):
        return None


_lock = threading.Lock()
_cached: dict[str, Any] = {}


def current_model() -> TrainedModel | None:
    """The stored model, read once and again only when its file changes."""
    path = model_path()
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return None
    with _lock:
        if _cached.get("stamp") != stamp:
            _cached["stamp"], _cached["model"] = stamp, model_load(path)
        return _cached["model"]


def classifier_predict(title: str, description: str, *, top: int = TOP) -> list[Prediction]:
    """The stored model's top departments for a ticket's text ([] without a model)."""
    model = current_model()
    if model is None:
        return []
    return model.predict(ticket_text(title, description), top=top)


def classifier_train(rows: Iterable[tuple[str, str]] | None = None) -> TrainedModel | None:
    """Train on ``rows`` (default: every closed ticket) and store the model; return it.

    Returns None, storing nothing, with fewer than ``MIN_TRAINING_TICKETS`` rows or fewer
    than two departments (the suggestions then rely on rules and history alone).
    """
    rows = list(training_rows() if rows is None else rows)
    if len(rows) < MIN_TRAINING_TICKETS or len({label for _, label in rows}) < 2:
        return None
    model = train(rows)
    model_save(model)
    return model
