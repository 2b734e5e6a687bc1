"""Reward coins: earned by taking part, redeemed for prizes, kept in an append-only ledger.

Importing this package subscribes the earning rules to the domain events (`handlers`);
`forum.app.create_app` imports it and registers `ROUTE_HANDLERS`."""

from . import handlers  # noqa: F401  (event subscriptions)
from .controllers import ROUTE_HANDLERS
from .service import CoinRules, CoinService

__all__ = ("ROUTE_HANDLERS", "CoinRules", "CoinService")
