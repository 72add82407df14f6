"""Named rule sets per team, and the soft weights in force on each team

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 15:00:00.000000

"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# solver.SoftWeights() as it was when this revision was written: existing teams keep what they ran with.
DEFAULT_WEIGHTS = {
    "short_minute": 10,
    "deep_short_minute": 30,
    "shallow_share": 0.2,
    "surplus_minute": 1,
    "paid_minute": 1,
    "fairness_late": 300,
    "fairness_weekend": 300,
    "request_unit": 100,
    "stability_change": 500,
    "zigzag": 50,
}


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weights", sa.JSON(), nullable=True))
    teams = sa.table("teams", sa.column("weights", sa.JSON()))
    op.execute(teams.update().values(weights=DEFAULT_WEIGHTS))
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.alter_column("weights", existing_type=sa.JSON(), nullable=False)

    op.create_table(
        "rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "name"),
    )
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_sets_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_sets_team_id"))

    op.drop_table("rule_sets")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("weights")
