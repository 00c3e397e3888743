"""entra-sim checked by Microsoft's own client libraries.

Starts the entra-sim binary over HTTPS (MSAL takes only an https authority) with a tenant made
for these tests: an administrator, users with and without a mailbox, enough generated users to
page, and one application with a client secret, an expired secret and a certificate whose key
is made here. Every test talks to it through MSAL for Python, azure-identity or the Microsoft
Graph SDK for Python, never by hand, so a shape those libraries cannot read fails here.
"""

import datetime
import json
import os
import pathlib
import subprocess
import uuid

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

REPO = pathlib.Path(__file__).resolve().parents[2]
TENANT_ID = "5c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
DOMAIN = "conformance.onmicrosoft.com"
PASSWORD = "Passw0rd!"
ADMIN = f"admin@{DOMAIN}"
SIGN_IN_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"  # Microsoft Graph Command Line Tools
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_DEFAULT = "https://graph.microsoft.com/.default"
REGISTRATION_SCOPES = [
    "https://graph.microsoft.com/Application.ReadWrite.All",
    "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All",
]
GENERATED_USERS = 250
APP_ROLES = [
    "User.Read.All",
    "Organization.Read.All",
    "Mail.Read",
    "Application.Read.All",
    # Microsoft Graph's mailbox import and export API.
    "MailboxFolder.Read.All",
    "MailboxItem.Read.All",
    "MailboxItem.ImportExport.All",
    # The members of a scoped connection's group.
    "GroupMember.Read.All",
]


class Certificate:
    """An RSA-2048 certificate with its key, as an admin would make one for an application."""

    def __init__(self, name: str, days: int = 365):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=days))
            .sign(self.key, hashes.SHA256())
        )
        self.der = self.cert.public_bytes(serialization.Encoding.DER)
        self.pem = self.cert.public_bytes(serialization.Encoding.PEM).decode()
        self.key_pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.sha1 = self.cert.fingerprint(hashes.SHA1()).hex().upper()
        self.not_before = self.cert.not_valid_before_utc
        self.not_after = self.cert.not_valid_after_utc


class Sim:
    """The running simulator and what it was seeded with."""

    def __init__(self, url, ca, app, certificate, foreign_certificate):
        self.url = url
        self.ca = ca
        self.app = app
        self.certificate = certificate
        self.foreign_certificate = foreign_certificate
        self.authority = f"{url}/{TENANT_ID}"

    def api(self, method, path, body=None):
        """The simulator's own /_sim API (faults, auto-approve, inspection)."""
        response = requests.request(method, f"{self.url}/_sim/{path}", json=body, verify=self.ca, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def consistency(self, **windows):
        self.api("PUT", "faults", {"rules": [], "consistency": windows})


def user(upn, name, mailbox=True, roles=()):
    return {
        "userPrincipalName": upn,
        "displayName": name,
        "mail": upn.replace(DOMAIN, "conformance.example"),
        "mailbox": mailbox,
        "password": PASSWORD,
        "roles": list(roles),
    }


@pytest.fixture(scope="session")
def sim(tmp_path_factory):
    binary = pathlib.Path(os.environ.get("ENTRA_SIM_BIN", REPO / "target" / "debug" / "entra-sim"))
    if not binary.exists():
        pytest.fail(f"{binary} is missing: build it first with `cargo build -p entra-sim`")
    work = tmp_path_factory.mktemp("entra-sim")
    certificate = Certificate("CN=Conformance app")
    foreign = Certificate("CN=Not uploaded")
    app = {
        "appId": str(uuid.uuid4()),
        "displayName": "Conformance app",
        "secret": "Kx7" + "8Q~" + uuid.uuid4().hex[:34],
        "secretKeyId": str(uuid.uuid4()),
        "expiredSecret": "Ex1" + "8Q~" + uuid.uuid4().hex[:34],
    }
    yesterday = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    seed = {
        "tenants": [
            {
                "id": TENANT_ID,
                "displayName": "Conformance",
                "domains": [
                    {"name": DOMAIN, "isInitial": True},
                    {"name": "conformance.example", "isDefault": True},
                ],
                "users": [
                    user(ADMIN, "Conformance Admin", roles=["Global Administrator"]),
                    user(f"migration@{DOMAIN}", "Migration Mailbox"),
                    user(f"nomailbox@{DOMAIN}", "No Mailbox", mailbox=False),
                ],
                "applications": [
                    {
                        "appId": app["appId"],
                        "displayName": app["displayName"],
                        "secrets": [
                            {"keyId": app["secretKeyId"], "value": app["secret"]},
                            {"value": app["expiredSecret"], "endDateTime": yesterday},
                        ],
                        "certificates": [certificate.pem],
                        "grantedRoles": APP_ROLES,
                    }
                ],
                "generatedUsers": {"count": GENERATED_USERS, "withoutMailboxEvery": 10},
            }
        ]
    }
    seed_file = work / "seed.json"
    seed_file.write_text(json.dumps(seed))
    ca = work / "ca.pem"
    process = subprocess.Popen(
        [str(binary), "--port", "0", "--tenant-file", str(seed_file), "--tls-ca-out", str(ca)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("https://"):
            pytest.fail(f"entra-sim did not start over HTTPS (it printed {url!r})")
        # requests and httpx prefer these variables to a client's own `verify` when they are
        # set (as on many machines): point them at the simulator's authority, the only server
        # these tests may reach.
        for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
            os.environ[variable] = str(ca)
        os.environ.pop("SSL_CERT_DIR", None)
        yield Sim(url, str(ca), app, certificate, foreign)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def clean_faults(sim):
    """Each test starts without faults or consistency windows, and without auto-approval."""
    sim.api("DELETE", "faults")
    sim.api("PUT", "auto-approve", {"user": None})
    yield
    sim.api("DELETE", "faults")
