"""Record a synthetic federation with planted borrower behaviour (app/synthetic.py) into the
configured database, through the services, meeting by meeting.

    .venv/bin/python scripts/generate_synthetic.py [--shgs 20] [--members 12] [--months 24]
                                                   [--seed 7]     # into BAHI_DATABASE_URL
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.synthetic import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shgs", type=int, default=20)
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    app = create_app()
    with app.app_context(), app.extensions["bahi.sessions"]() as session:
        fed = generate(session, args.shgs, args.members, args.months, args.seed)
        session.commit()
    print(
        f"state {fed.state_id}: {args.shgs} SHGs, {args.shgs * args.members} members,"
        f" {args.months} monthly meetings each, seed {args.seed}"
    )


if __name__ == "__main__":
    main()
