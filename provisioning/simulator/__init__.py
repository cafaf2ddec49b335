"""A RouterOS API simulator: the router stand-in of the demo and of the provisioning tests."""

from provisioning.simulator.faults import Faults
from provisioning.simulator.server import RouterSimulator, SimulatorStats
from provisioning.simulator.state import SystemInfo
from provisioning.simulator.traps import Trap

__all__ = ["Faults", "RouterSimulator", "SimulatorStats", "SystemInfo", "Trap"]
