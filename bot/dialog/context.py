"""What the dialog needs from the rest of the product, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.config import SELF_SERVICE_CATEGORIES, Settings
from bot.texts.catalog import Catalog
from db.uow import Database, UnitOfWork
from handlers.actors import StaffDirectory
from handlers.form.definition import FormDefinition
from handlers.form.validators import Limits


@dataclass(frozen=True)
class DeskContext:
    settings: Settings
    db: Database
    clock: Clock
    texts: Catalog
    form: FormDefinition
    staff: StaffDirectory

    @property
    def self_service(self) -> frozenset[str]:
        return SELF_SERVICE_CATEGORIES

    def unit(self) -> UnitOfWork:
        return self.db.unit(self.clock.now())

    def today(self) -> date:
        return self.clock.now().astimezone(self.settings.zone).date()

    def limits(self, category: str | None) -> Limits:
        policy = self.settings.categories.get(category or "")
        return Limits(
            today=self.today(),
            category_max_days=policy.max_days if policy else 1,
            choices=tuple(self.settings.host_units),
        )
