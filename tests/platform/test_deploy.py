"""deploy/: the systemd units run the commands the app really has, restart on failure, belong
to tessera.target, and the README's production section names each of them."""
import configparser
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROCESSES = ("tessera-web.service", "tessera-worker@.service", "tessera-cron.service")


def _unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(DEPLOY / name)
    return parser


@pytest.mark.parametrize("name", PROCESSES)
def test_process_units(name):
    unit = _unit(name)
    assert unit["Unit"]["PartOf"] == "tessera.target"
    assert unit["Install"]["WantedBy"] == "tessera.target"
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert service["EnvironmentFile"] == "/etc/tessera/tessera.env"
    assert service["User"] == "tessera"
    assert service["ExecStart"].startswith("/srv/tessera/.venv/bin/")


def test_the_commands_exist(app):
    commands = {name: shlex.split(_unit(name)["Service"]["ExecStart"]) for name in PROCESSES}
    web = commands["tessera-web.service"]
    assert web[0].endswith("/gunicorn") and web[-1] == "run:app"
    assert "\napp = create_app()" in (ROOT / "run.py").read_text()  # what run:app names
    for name in ("tessera-worker@.service", "tessera-cron.service"):
        argv = commands[name]
        assert argv[0].endswith("/flask") and argv[1:3] == ["--app", "run.py"]
        assert argv[3] in app.cli.commands, argv
    queues = commands["tessera-worker@.service"][5].split(",")
    from app.services.platform.queue import QUEUES

    assert sorted(queues) == sorted(QUEUES)  # no queue left without a worker
    backup = shlex.split(_unit("tessera-backup.service")["Service"]["ExecStart"])
    assert backup[3:5] == ["backup", "create"]


def test_the_target_wants_every_process():
    wants = _unit("tessera.target")["Unit"]["Wants"].split()
    assert {w.replace("@1", "@").replace("@2", "@") for w in wants} == set(PROCESSES)
    assert sum(w.startswith("tessera-worker@") for w in wants) == 2


def test_readme_names_every_unit():
    readme = (ROOT / "README.md").read_text()
    production = readme.split("### Production")[1].split("\n## ")[0]
    for path in DEPLOY.iterdir():
        if path.suffix in (".service", ".target", ".timer"):
            assert f"`{path.name}`" in production, path.name
