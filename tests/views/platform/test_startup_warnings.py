"""Starting the app (what `make run`'s web app, worker and scheduler each do) logs no FAB
"Filter type not supported" warning: the weekly-pattern view's Time column has filters."""
import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_creating_the_app_logs_no_filter_warning(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/start.db",
               TESSERA_INSTANCE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", "import run"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Filter type not supported" not in result.stderr + result.stdout


def test_the_pattern_view_filters_its_start_time(app, caplog):
    from app.views.timetable.pages import GroupView, LessonPatternView

    with app.app_context(), caplog.at_level(logging.WARNING):
        filters = LessonPatternView.datamodel.get_filters()
        GroupView.datamodel.get_filters()
    assert "start_time" in filters._all_filters
    assert not [r for r in caplog.records if "Filter type not supported" in r.getMessage()]
