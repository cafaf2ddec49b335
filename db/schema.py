"""Every table of the product, imported in one place so the metadata is complete
(for Alembic, for the tests' clean-up) whichever module is imported first."""

from __future__ import annotations

from db import models, models_delivery, models_dialog, models_staff
from db.models import Base

__all__ = ["Base", "models", "models_delivery", "models_dialog", "models_staff"]
