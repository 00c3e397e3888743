"""Every token flow entra-sim serves, driven by MSAL for Python, and each refusal Mailferry
explains, as MSAL reads it (`error`, `error_codes`, `error_description`, trace and
correlation ids)."""

import urllib.parse
import uuid

import jwt
import msal
import pytest
import requests

from conftest import ADMIN, APP_ROLES, GRAPH_DEFAULT, PASSWORD, REGISTRATION_SCOPES, SIGN_IN_CLIENT_ID, TENANT_ID

REDIRECT_URI = "http://localhost:8400/"


def confidential(sim, credential, client_id=None, authority=None):
    return msal.ConfidentialClientApplication(
        client_id or sim.app["appId"],
        client_credential=credential,
        authority=authority or sim.authority,
        verify=sim.ca,
        instance_discovery=False,
    )


def public(sim):
    return msal.PublicClientApplication(
        SIGN_IN_CLIENT_ID, authority=sim.authority, verify=sim.ca, instance_discovery=False
    )


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def assert_app_only(sim, result):
    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    assert isinstance(result["expires_in"], int) and result["expires_in"] > 3000
    token = claims(result["access_token"])
    assert token["tid"] == TENANT_ID
    assert token["appid"] == sim.app["appId"]
    assert token["idtyp"] == "app"
    assert sorted(token["roles"]) == sorted(APP_ROLES)


def assert_refused(result, error, code):
    """A refusal as MSAL hands it on: Microsoft's OAuth error, its AADSTS code in error_codes and
    in the description, and the ids support asks for."""
    assert "access_token" not in result, result
    assert result["error"] == error, result
    assert result["error_codes"] == [code], result
    assert result["error_description"].startswith(f"AADSTS{code}:"), result
    assert uuid.UUID(result["trace_id"]) and uuid.UUID(result["correlation_id"])
    assert result["timestamp"]


def test_discovery_gives_msal_the_endpoints_of_the_tenant(sim):
    app = public(sim)
    # MSAL read the OpenID metadata: its endpoints are the simulator's own, for this tenant.
    authority = app.authority
    assert authority.token_endpoint == f"{sim.url}/{TENANT_ID}/oauth2/v2.0/token"
    assert authority.authorization_endpoint == f"{sim.url}/{TENANT_ID}/oauth2/v2.0/authorize"
    assert authority.device_authorization_endpoint == f"{sim.url}/{TENANT_ID}/oauth2/v2.0/devicecode"


def test_client_secret(sim):
    assert_app_only(sim, confidential(sim, sim.app["secret"]).acquire_token_for_client([GRAPH_DEFAULT]))


def test_certificate_assertion_sha1_rs256(sim):
    # A thumbprint given: MSAL signs RS256 with the SHA-1 `x5t`, the older form.
    credential = {"private_key": sim.certificate.key_pem, "thumbprint": sim.certificate.sha1}
    assert_app_only(sim, confidential(sim, credential).acquire_token_for_client([GRAPH_DEFAULT]))


def test_certificate_assertion_sha256_ps256(sim):
    # The certificate given: MSAL signs PS256 with `x5t#S256` and sends `x5c`, the current form.
    credential = {"private_key": sim.certificate.key_pem, "public_certificate": sim.certificate.pem}
    assert_app_only(sim, confidential(sim, credential).acquire_token_for_client([GRAPH_DEFAULT]))


def test_a_cached_assertion_is_accepted_again(sim):
    # MSAL keeps one assertion for its lifetime and sends it for each token request.
    app = confidential(sim, {"private_key": sim.certificate.key_pem, "public_certificate": sim.certificate.pem})
    first = app.acquire_token_for_client([GRAPH_DEFAULT])
    app.remove_tokens_for_client()  # the token goes, the assertion stays: the next call sends it again
    second = app.acquire_token_for_client([GRAPH_DEFAULT])
    assert_app_only(sim, first)
    assert_app_only(sim, second)
    assert second["access_token"] != first["access_token"]


def sign_in_with_auth_code(sim, app, scopes):
    sim.api("PUT", "auto-approve", {"user": ADMIN})
    flow = app.initiate_auth_code_flow(scopes, redirect_uri=REDIRECT_URI, prompt="select_account")
    assert flow["code_verifier"] and "code_challenge=" in flow["auth_uri"]
    # The browser's part: the authorize endpoint redirects to the loopback address.
    answer = requests.get(flow["auth_uri"], allow_redirects=False, verify=sim.ca, timeout=10)
    assert answer.status_code in (302, 303), answer.text
    location = urllib.parse.urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    response = dict(urllib.parse.parse_qsl(location.query))
    return app.acquire_token_by_auth_code_flow(flow, response)


def test_auth_code_with_pkce_then_refresh(sim):
    app = public(sim)
    result = sign_in_with_auth_code(sim, app, REGISTRATION_SCOPES)
    assert "access_token" in result, result
    assert result["refresh_token"]
    assert result["id_token_claims"]["preferred_username"] == ADMIN
    assert result["id_token_claims"]["tid"] == TENANT_ID
    token = claims(result["access_token"])
    assert set(token["scp"].split()) >= {"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"}
    assert token["upn"] == ADMIN

    accounts = app.get_accounts(username=ADMIN)
    assert len(accounts) == 1, accounts
    refreshed = app.acquire_token_silent(REGISTRATION_SCOPES, account=accounts[0], force_refresh=True)
    assert refreshed and "access_token" in refreshed, refreshed
    assert refreshed["access_token"] != result["access_token"]
    assert claims(refreshed["access_token"])["upn"] == ADMIN


def test_a_code_redeemed_with_the_wrong_verifier_is_refused(sim):
    app = public(sim)
    sim.api("PUT", "auto-approve", {"user": ADMIN})
    flow = app.initiate_auth_code_flow(REGISTRATION_SCOPES, redirect_uri=REDIRECT_URI)
    answer = requests.get(flow["auth_uri"], allow_redirects=False, verify=sim.ca, timeout=10)
    response = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["location"]).query))
    flow["code_verifier"] = "x" * 43
    assert_refused(app.acquire_token_by_auth_code_flow(flow, response), "invalid_grant", 50148)


def test_device_code(sim):
    sim.api("PUT", "settings", {"deviceCodeIntervalSecs": 1, "deviceCodeLifetimeSecs": 60})
    app = public(sim)
    flow = app.initiate_device_flow(REGISTRATION_SCOPES)
    assert flow["user_code"] and flow["device_code"] and flow["verification_uri"], flow
    assert flow["user_code"] in flow["message"]
    # The admin types the code on another device.
    typed = requests.post(
        flow["verification_uri"],
        data={"user_code": flow["user_code"], "username": ADMIN, "password": PASSWORD, "action": "accept"},
        verify=sim.ca,
        timeout=10,
    )
    assert typed.status_code == 200
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    assert claims(result["access_token"])["upn"] == ADMIN


def test_a_declined_device_code_is_reported_as_declined(sim):
    sim.api("PUT", "settings", {"deviceCodeIntervalSecs": 1, "deviceCodeLifetimeSecs": 60})
    app = public(sim)
    flow = app.initiate_device_flow(REGISTRATION_SCOPES)
    requests.post(
        flow["verification_uri"], data={"user_code": flow["user_code"], "action": "cancel"}, verify=sim.ca, timeout=10
    )
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "authorization_declined", result


def test_a_wrong_secret_is_7000215(sim):
    assert_refused(
        confidential(sim, "not-the-secret").acquire_token_for_client([GRAPH_DEFAULT]), "invalid_client", 7000215
    )


def test_the_secret_id_instead_of_its_value_is_7000215(sim):
    result = confidential(sim, sim.app["secretKeyId"]).acquire_token_for_client([GRAPH_DEFAULT])
    assert_refused(result, "invalid_client", 7000215)
    assert "client secret value, not the client secret ID" in result["error_description"]


def test_an_expired_secret_is_7000222(sim):
    result = confidential(sim, sim.app["expiredSecret"]).acquire_token_for_client([GRAPH_DEFAULT])
    assert_refused(result, "invalid_client", 7000222)


def test_a_certificate_not_on_the_application_is_700027(sim):
    credential = {"private_key": sim.foreign_certificate.key_pem, "public_certificate": sim.foreign_certificate.pem}
    result = confidential(sim, credential).acquire_token_for_client([GRAPH_DEFAULT])
    assert_refused(result, "invalid_client", 700027)


def test_an_unknown_client_is_700016(sim):
    result = confidential(sim, "secret", client_id=str(uuid.uuid4())).acquire_token_for_client([GRAPH_DEFAULT])
    assert_refused(result, "unauthorized_client", 700016)


def test_an_unknown_tenant_is_90002_at_discovery(sim):
    # MSAL reads the tenant's OpenID metadata first; an unknown tenant fails there, with
    # Microsoft's answer (400 invalid_tenant, AADSTS90002) in the exception.
    with pytest.raises(ValueError, match="Unable to get authority configuration"):
        confidential(sim, "secret", authority=f"{sim.url}/nobody.onmicrosoft.com")
    # What MSAL read there: Microsoft's error body for an unknown tenant.
    answer = requests.get(f"{sim.url}/nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration", timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_tenant"
    assert answer.json()["error_codes"] == [90002]
