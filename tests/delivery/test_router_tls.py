"""api-ssl: the settings reach the router client, and the certificate is checked."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_settings
from bot.demo.stage import ROUTER_PASSWORD, ROUTER_USER, LocalStage
from bot.runtime import router_config
from provisioning.simulator import RouterSimulator
from tests.delivery.conftest import GUEST, QUICK, Certificate
from tests.delivery.support import alerts_to, approved, run, ticket_of, users_of


def test_tls_uses_port_8729_unless_told_otherwise(tmp_path: Path) -> None:
    assert router_config(load_settings(_env_file=None)).resolved_port == 8728
    ca_file = tmp_path / "router.crt"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n")
    config = router_config(
        load_settings(_env_file=None, router_tls=True, router_ca_file=str(ca_file))
    )
    assert config.resolved_port == 8729
    assert config.use_tls and config.tls_verify and config.ca_file == str(ca_file)
    assert router_config(load_settings(_env_file=None, router_port=18729)).resolved_port == 18729


def _tls_stage(tmp_path: Path, sqlite_url: str, server: Certificate, trusted: Path) -> LocalStage:
    stage = LocalStage(
        tmp_path,
        database_url=sqlite_url,
        router_tls=True,
        router_ca_file=str(trusted),
        **QUICK,
    )
    stage.router = RouterSimulator(
        username=ROUTER_USER,
        password=ROUTER_PASSWORD,
        profiles=("default", "tamu"),
        servers=("hotspot1",),
        ssl_context=server.server_context(),
    )
    return stage


async def test_the_routers_own_certificate_trusted_through_the_ca_file(
    tmp_path: Path, sqlite_url: str, certificate: Certificate
) -> None:
    async with _tls_stage(tmp_path, sqlite_url, certificate, certificate.cert) as stage:
        stage.emulator.add_user(GUEST, "Siti", "Aminah")
        request = await approved(stage.runtime.ctx, GUEST)
        await run(stage)
        assert (await ticket_of(stage, request.ticket_id)).status == "closed"
        assert len(users_of(stage, request.number)) == 1


async def test_a_certificate_not_trusted_is_refused_and_alerts(
    tmp_path: Path,
    sqlite_url: str,
    certificate: Certificate,
    stranger_certificate: Certificate,
) -> None:
    trusted = stranger_certificate.cert
    async with _tls_stage(tmp_path, sqlite_url, certificate, trusted) as stage:
        stage.emulator.add_user(GUEST, "Siti", "Aminah")
        request = await approved(stage.runtime.ctx, GUEST)
        await run(stage)
        assert (await ticket_of(stage, request.ticket_id)).status == "approved"
        assert stage.router.users == []
        [alert] = alerts_to(stage)
        assert "certificate" in alert and "HOTSPOT_ROUTER_CA_FILE" in alert
