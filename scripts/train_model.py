"""Train a readiness model, validate it out of time, and store it with its model card.

    .venv/bin/python scripts/train_model.py --version v2026-11 --observed-on 2025-03-31 \\
        --validate-on 2025-09-30          # labels from the ledger (BAHI_DATABASE_URL)
    .venv/bin/python scripts/train_model.py --version synthetic-1 --synthetic 20000

From the ledger: members are observed on `--observed-on` (training) and `--validate-on`
(out of time), each labelled bad if she went 90+ days past due in the next 12 months.
`--synthetic N` trains on planted synthetic members instead (scoring/synthetic.py), with a
drifted out-of-time sample, to check the pipeline end to end.

The model is stored inactive; an admin activates it (`POST /api/v1/scoring/models/{version}/
activate`), which is refused unless it passes every gate and beats the active model.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.services.credit.scoring_models import labelled_rows, train  # noqa: E402
from app.services.shared.principal import cli_principal  # noqa: E402
from scoring.synthetic import synthetic_members  # noqa: E402
from scoring.validation import GroupMinimum  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--observed-on", type=date.fromisoformat)
    parser.add_argument("--validate-on", type=date.fromisoformat)
    parser.add_argument("--synthetic", type=int, default=0)
    args = parser.parse_args()
    app = create_app()
    with app.app_context(), app.extensions["bahi.sessions"]() as session:
        if args.synthetic:
            train_rows = synthetic_members(args.synthetic, seed=11)
            validation_rows = synthetic_members(args.synthetic // 2, seed=12, drift=0.1)
            groups = ("district", "social_category")
        else:
            if not (args.observed_on and args.validate_on):
                parser.error("give --observed-on and --validate-on, or --synthetic N")
            train_rows = labelled_rows(session, args.observed_on)
            validation_rows = labelled_rows(session, args.validate_on)
            groups = ("district", "social_category")
        minimum = GroupMinimum(
            app.config["ADVERSE_IMPACT_MIN_MEMBERS"], app.config["ADVERSE_IMPACT_MIN_APPROVALS"]
        )
        model = train(
            session,
            cli_principal("train_model"),
            args.version,
            train_rows,
            validation_rows,
            groups,
            minimum,
        )
        session.commit()
        card = model.card
        print(f"model {model.version}: stored, inactive")
        for name in ("train_rows", "validation_rows", "bad_rate", "auc", "ks", "brier"):
            print(
                f"  {name:<20} {card[name]:.4f}"
                if isinstance(card[name], float)
                else f"  {name:<20} {card[name]}"
            )
        print(f"  {'calibration_slope':<20} {card['calibration_slope']:.3f}")
        ratio = card["adverse_impact_ratio"]
        print(f"  {'adverse impact':<20} {'not judged' if ratio is None else f'{ratio:.3f}'}")
        for column, groups_too_small in card["adverse_impact_too_small"].items():
            for group, why in groups_too_small.items():
                print(f"  {column} {group}: {why}")
        print(f"  {'psi':<20} {card['psi']}")
        print(f"  gate failures        {json.dumps(card['gate_failures'])}")
        print(f"  gates not judged     {json.dumps(card['gates_not_judged'])}")


if __name__ == "__main__":
    main()
