"""``flask users create-admin``: the first Admin holds the Admin role on an empty database."""
from sqlalchemy import delete

from app.extensions import appbuilder


def test_create_admin_on_a_database_without_roles_gives_the_admin_role(app, db):
    sm = appbuilder.sm
    db.session.execute(delete(sm.role_model))
    db.session.commit()
    assert sm.find_role("Admin") is None
    result = app.test_cli_runner().invoke(args=[
        "users", "create-admin", "--username", "boss", "--firstname", "Ada", "--lastname", "Boss",
        "--email", "boss@centre.example", "--password", "a long passphrase 42"])
    assert result.exit_code == 0, result.output
    assert "role(s): Admin" in result.output
    user = sm.find_user(username="boss")
    assert [role.name for role in user.roles] == ["Admin"]
    assert sm.find_role("Manager") is not None  # every builtin role now exists


def test_create_admin_refuses_an_existing_username(app, db):
    runner = app.test_cli_runner()
    args = ["users", "create-admin", "--username", "twice", "--firstname", "A", "--lastname", "B",
            "--email", "twice@centre.example", "--password", "a long passphrase 42"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "already exists" in again.output
