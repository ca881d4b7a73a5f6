"""``manage.py hotline_classifier train|evaluate``: the dispatch classifier of the hotline.

``train`` learns from every closed ticket and stores the model used by the dispatch
suggestions; ``evaluate`` trains on 80 % of the closed tickets and prints the top-1 and top-3
accuracy on the held-out 20 % (the stored model is left alone).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecity.hotline.classifier import (
    MIN_TRAINING_TICKETS,
    classifier_train,
    evaluate,
    model_path,
    training_rows,
)


class Command(BaseCommand):
    help = (
        "Train the hotline's dispatch classifier on closed tickets (train), or print its top-1 "
        "and top-3 accuracy on a held-out 20 % split (evaluate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["train", "evaluate"])
        parser.add_argument(
            "--test-share",
            type=float,
            default=0.2,
            help="share of the closed tickets held out by evaluate (default 0.2)",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="seed of the random split (default 0)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = training_rows()
        departments = len({label for _, label in rows})
        if len(rows) < MIN_TRAINING_TICKETS or departments < 2:
            raise CommandError(
                f"Too few closed tickets to learn from: {len(rows)} of {departments} "
                f"department(s); at least {MIN_TRAINING_TICKETS} of two departments are needed."
            )
        if options["action"] == "train":
            model = classifier_train(rows)
            if model is None:
                raise CommandError("Too few closed tickets to learn from.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Trained on {model.trained_on} closed tickets of {len(model.classes)} "
                    f"departments ({len(model.vocabulary)} features); stored in {model_path()}."
                )
            )
            return
        share = options["test_share"]
        if not 0 < share < 1:
            raise CommandError("--test-share must lie between 0 and 1.")
        result = evaluate(rows, test_share=share, seed=options["seed"])
        self.stdout.write(
            f"Trained on {result.train_size} tickets, tested on {result.test_size} held-out "
            f"tickets of {result.departments} departments.\n"
            f"top-1 accuracy: {result.top1:.1%}\n"
            f"top-3 accuracy: {result.top3:.1%}"
        )
