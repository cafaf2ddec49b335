"""The stand-ins' fixtures: the RouterOS simulator ones are shared with tests/provisioning."""

from tests.provisioning.conftest import open_raw, sim

__all__ = ["open_raw", "sim"]
