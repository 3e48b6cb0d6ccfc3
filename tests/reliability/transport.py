"""Transport: no clear-text request leaves the machine, and TLS certificates are checked.

A non-loopback ``http://`` endpoint is refused with a clear ``ConfigurationError`` on every
surface, before any name is resolved (a guard records every non-loopback resolution). A local
HTTPS server with a self-signed certificate is refused without one request reaching it, and the
code never turns certificate checks off.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import ssl
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from alicloud_flink import errors
from alicloud_flink.lookup import ClusterQuery, clear_cache, find_clusters
from alicloud_flink.settings import resolve_settings

from .network import loopback_only
from .report import Row, check
from .scenarios import NAMESPACE, WORKSPACE

SUITE = "transport"
CLEAR_TEXT = "http://10.1.2.3:80"
REPO = Path(__file__).resolve().parents[2]
#: Spellings that would turn certificate verification off.
UNSAFE = re.compile(r"ignore_ssl|ignoreSSL|verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False")


def _refused_clear_text(row: Row, failure: BaseException | str) -> None:
    text = str(failure)
    row.expect("plain http" in text and "https" in text, f"unclear refusal: {text[:300]}")


def clear_text_rows() -> list[Row]:
    """``http://10.1.2.3`` on the core, the functions, the provider and the CLI."""

    def core(row: Row) -> None:
        with loopback_only() as sent:
            try:
                resolve_settings(
                    env={}, endpoint=CLEAR_TEXT, access_key_id="k", access_key_secret="s"
                )
                row.fail("a non-loopback http endpoint was accepted")
            except errors.ConfigurationError as refused:
                _refused_clear_text(row, refused)
        row.expect(not sent, f"resolved {sent}")

    def functions(row: Row) -> None:
        import pulumi
        from pulumi_alicloud_flink import get_session_clusters
        from sdk.harness import start_program

        clear_cache()
        start_program({"alicloud-flink:endpoint": CLEAR_TEXT, "alicloud:accessKey": "k",
                       "alicloud:secretKey": "s"})  # fmt: skip
        with loopback_only() as sent:
            try:
                get_session_clusters(WORKSPACE, NAMESPACE)
                row.fail("a non-loopback http endpoint was accepted")
            except errors.ConfigurationError as refused:
                _refused_clear_text(row, refused)
            finally:
                pulumi.runtime.set_all_config({})
        row.expect(not sent, f"resolved {sent}")

    def provider(row: Row) -> None:
        import grpc
        from provider.harness import ProviderProcess, program_inputs

        config = {"alicloud-flink:endpoint": CLEAR_TEXT, "alicloud:accessKey": "k",
                  "alicloud:secretKey": "s"}  # fmt: skip
        process = ProviderProcess(config)  # the plugin configures on its first request
        try:
            process.check({}, program_inputs(WORKSPACE, NAMESPACE, "c"))
            row.fail("Check accepted a non-loopback http endpoint")
        except grpc.RpcError as refused:
            _refused_clear_text(row, refused.details() or "")
            row.expect(
                "ConfigurationError" in (refused.details() or ""), "not a ConfigurationError"
            )
        finally:
            process.stop()

    def cli(row: Row) -> None:
        from cli.helpers import clean_environment, run

        env = clean_environment(
            ALIBABA_CLOUD_ACCESS_KEY_ID="k", ALIBABA_CLOUD_ACCESS_KEY_SECRET="s"
        )
        done = run(
            env, "clusters", "list", "-w", WORKSPACE, "-n", NAMESPACE, "--endpoint", CLEAR_TEXT
        )
        row.expect(done.returncode == 1, f"exit {done.returncode}")
        _refused_clear_text(row, done.stderr)

    return [
        check(SUITE, f"endpoint {CLEAR_TEXT} refused", surface, body)
        for surface, body in (("core", core), ("functions", functions), ("provider", provider),
                              ("cli", cli))
    ]  # fmt: skip


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key: (certificate, key) PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    address = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([address]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def untrusted_https() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTPS server with a self-signed certificate: (host:port, paths requested)."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            body = b'{"success": true, "data": []}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = self_signed(Path(folder))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"127.0.0.1:{server.server_port}", requested
        finally:
            server.shutdown()
            server.server_close()


def certificate_rows() -> list[Row]:
    """The project's client and CLI refuse an untrusted certificate; nothing turns checks off."""

    def core(row: Row) -> None:
        with untrusted_https() as (endpoint, requested):
            settings = resolve_settings(
                env={}, endpoint=endpoint, access_key_id="k", access_key_secret="s", max_attempts=3
            )
            clear_cache()
            try:
                find_clusters(ClusterQuery.build(WORKSPACE, NAMESPACE), settings)
                row.fail("an untrusted certificate was accepted")
            except errors.FlinkLookupError as refused:
                text = str(refused)
                row.expect("CERTIFICATE_VERIFY_FAILED" in text, f"unclear: {text[:300]}")
                row.counts["error"] = type(refused).__name__
            row.expect(not requested, f"{len(requested)} requests got through the TLS handshake")

    def cli(row: Row) -> None:
        from cli.helpers import clean_environment, run

        with untrusted_https() as (endpoint, requested):
            env = clean_environment(
                ALICLOUD_FLINK_ENDPOINT=endpoint,
                ALIBABA_CLOUD_ACCESS_KEY_ID="k",
                ALIBABA_CLOUD_ACCESS_KEY_SECRET="s",
            )
            done = run(env, "clusters", "list", "-w", WORKSPACE, "-n", NAMESPACE)
            row.expect(done.returncode == 1, f"exit {done.returncode}")
            row.expect("certificate" in done.stderr, f"unclear: {done.stderr[:300]}")
            row.expect(not requested, "a request got through the TLS handshake")

    def source(row: Row) -> None:
        files = sorted((REPO / "provider").rglob("*.py")) + sorted((REPO / "sdk").rglob("*.py"))
        found = [
            f"{path.relative_to(REPO)}:{number}"
            for path in files
            for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
            if UNSAFE.search(line)
        ]
        row.counts["files"] = len(files)
        row.expect(not found, f"certificate checks turned off at {found}")

    return [
        check(SUITE, "self-signed HTTPS certificate refused", "core", core),
        check(SUITE, "self-signed HTTPS certificate refused", "cli", cli),
        check(SUITE, "no code turns certificate checks off", "source", source),
    ]


def run_transport() -> list[Row]:
    """Every transport row."""
    return clear_text_rows() + certificate_rows()
