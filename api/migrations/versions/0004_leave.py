"""Leave: HR and general-manager roles (the approval chain's later steps), notices about leave

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00.000000

SQLAlchemy stores an enum's member *names* ('HR', 'GENERAL_MANAGER'). On PostgreSQL the ``role`` type
gains the two values; PostgreSQL cannot drop a value, so the downgrade rebuilds the type. On SQLite
the column is a plain string, widened to the longer name. A downgrade is refused while a user holds
one of the new roles: give them another role first.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_ROLES = ("AGENT", "SCHEDULER", "MANAGER")
NEW_ROLES = (*OLD_ROLES, "HR", "GENERAL_MANAGER")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for value in NEW_ROLES[len(OLD_ROLES) :]:
            op.execute(f"ALTER TYPE role ADD VALUE IF NOT EXISTS '{value}'")
    else:
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.alter_column(
                "role",
                existing_type=sa.Enum(*OLD_ROLES, name="role"),
                type_=sa.Enum(*NEW_ROLES, name="role"),
                existing_nullable=False,
            )

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leave_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_notices_leave_id_leave", "leave", ["leave_id"], ["id"])


def downgrade() -> None:
    bind = op.get_bind()
    holders = bind.execute(
        sa.text("SELECT username FROM users WHERE CAST(role AS VARCHAR) IN ('HR', 'GENERAL_MANAGER')")
    ).scalars()
    names = sorted(holders)
    if names:
        raise RuntimeError(
            f"{len(names)} user(s) hold the hr or general_manager role ({', '.join(names[:5])}); "
            "give them another role before downgrading below 0004"
        )

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notices_leave_id_leave", type_="foreignkey")
        batch_op.drop_column("leave_id")

    if bind.dialect.name == "postgresql":
        op.execute("ALTER TYPE role RENAME TO role_0004")
        sa.Enum(*OLD_ROLES, name="role").create(bind)
        op.execute("ALTER TABLE users ALTER COLUMN role TYPE role USING role::text::role")
        op.execute("DROP TYPE role_0004")
    else:
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.alter_column(
                "role",
                existing_type=sa.Enum(*NEW_ROLES, name="role"),
                type_=sa.Enum(*OLD_ROLES, name="role"),
                existing_nullable=False,
            )
