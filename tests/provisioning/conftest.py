from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from provisioning.router import RouterClient, RouterConfig
from provisioning.simulator import RouterSimulator
from tests.provisioning.helpers import HOST, PASSWORD, USERNAME, OpenRaw, RawConnection


def new_simulator(ssl_context: ssl.SSLContext | None = None) -> RouterSimulator:
    return RouterSimulator(
        host=HOST,
        port=0,
        username=USERNAME,
        password=PASSWORD,
        profiles=("default", "tamu"),
        servers=("hotspot1", "hotspot2"),
        ssl_context=ssl_context,
    )


@pytest.fixture
async def sim() -> AsyncIterator[RouterSimulator]:
    simulator = new_simulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
def router_config(sim: RouterSimulator) -> RouterConfig:
    return RouterConfig(host=HOST, port=sim.port, username=USERNAME, password=PASSWORD, timeout=2.0)


@pytest.fixture
async def client(router_config: RouterConfig) -> AsyncIterator[RouterClient]:
    router_client = RouterClient(router_config)
    yield router_client
    await router_client.close()


@pytest.fixture
async def open_raw(sim: RouterSimulator) -> AsyncIterator[OpenRaw]:
    """Opens word-level connections to `sim`, all closed at the end of the test."""
    opened: list[RawConnection] = []

    async def connect() -> RawConnection:
        connection = await RawConnection.open(sim)
        opened.append(connection)
        return connection

    yield connect
    for connection in opened:
        await connection.close()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, like the one a router makes for api-ssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "router.crt", folder / "router.key"
    request = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
    names = ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}"]
    subprocess.run(
        [openssl, *request.split(), "-keyout", str(key), "-out", str(cert), *names],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
async def tls_sim(tls_files: tuple[Path, Path]) -> AsyncIterator[RouterSimulator]:
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    simulator = new_simulator(context)
    await simulator.start()
    yield simulator
    await simulator.stop()
