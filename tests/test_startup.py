"""Start-up stays light: building the app imports none of the heavy libraries.

Every `flask` command, every gunicorn worker and the scheduler build the app. Importing the
modelling stack (scikit-learn, optbinning, pandas, SciPy, Matplotlib, NumPy, joblib), ReportLab
or Alembic there took `flask --help` from under 2 s to 4-8 s; they are imported where they are
used (training and scoring with a trained model, PDFs, migrations). A fresh interpreter is the
only place this can be seen: the test session itself has imported all of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KEPT_OUT = (
    "sklearn",
    "optbinning",
    "pandas",
    "scipy",
    "matplotlib",
    "numpy",
    "joblib",
    "reportlab",
    "alembic",
)

PROBE = f"""
import json, sys
import wsgi
assert wsgi.app.name == "app"
print(json.dumps(sorted(m for m in {KEPT_OUT!r} if m in sys.modules)))
"""


def test_building_the_app_imports_no_heavy_library(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BAHI_ENV": "development",
        "BAHI_DATABASE_URL": f"sqlite:///{tmp_path / 'never-opened.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
