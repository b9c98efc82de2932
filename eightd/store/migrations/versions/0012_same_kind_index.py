"""The same-kind lookup reads only cases of the same product.

The same-kind rule (ES-2) counts the other cases of one product received within a window
around a case, for every ``show``, report and save that can escalate. The lookup narrowed
by receipt time (``ix_cases_received_at``) and then read every case of the window to
compare products: about 10,000 rows at 100,000 complaints. An index on the product number
as the lookup compares it (trimmed, lower case) and the receipt time finds those of the
same product directly.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEX = "ix_cases_product_received"


def upgrade() -> None:
    op.create_index(INDEX, "cases", [sa.text("lower(trim(product_number))"), "received_at"])


def downgrade() -> None:
    op.drop_index(INDEX, "cases")
