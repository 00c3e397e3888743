"""Every Graph resource Mailferry reads or writes, through the Microsoft Graph SDK for Python
(kiota models, msgraph-core's default middleware and batch support). App-only calls sign in
with azure-identity (ClientSecretCredential, MSAL underneath); the admin's calls carry the
delegated token MSAL got by auth code. A shape the SDK cannot parse, or parses into empty
fields, fails here."""

import asyncio
import base64
import datetime
import hashlib
import json
import time
import urllib.parse
import uuid

import httpx
import jwt
import msal
import pytest
import requests
from azure.identity import ClientSecretCredential
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator, BaseBearerTokenAuthenticationProvider
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.admin.exchange.mailboxes.item.export_items.export_items_post_request_body import ExportItemsPostRequestBody
from msgraph.generated.applications.applications_request_builder import ApplicationsRequestBuilder
from msgraph.generated.applications.item.add_key.add_key_post_request_body import AddKeyPostRequestBody
from msgraph.generated.applications.item.add_password.add_password_post_request_body import AddPasswordPostRequestBody
from msgraph.generated.applications.item.application_item_request_builder import ApplicationItemRequestBuilder
from msgraph.generated.applications.item.remove_key.remove_key_post_request_body import RemoveKeyPostRequestBody
from msgraph.generated.applications.item.remove_password.remove_password_post_request_body import RemovePasswordPostRequestBody
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.app_credential_restriction_type import AppCredentialRestrictionType
from msgraph.generated.models.app_key_credential_restriction_type import AppKeyCredentialRestrictionType
from msgraph.generated.models.application import Application
from msgraph.generated.models.key_credential import KeyCredential
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.password_credential import PasswordCredential
from msgraph.generated.models.required_resource_access import RequiredResourceAccess
from msgraph.generated.models.resource_access import ResourceAccess
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.models.user import User
from msgraph.generated.service_principals.service_principals_request_builder import ServicePrincipalsRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph_core import GraphClientFactory
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem
from kiota_abstractions.request_information import RequestInformation
from kiota_abstractions.method import Method
from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory

from conftest import (
    ADMIN,
    DOMAIN,
    GENERATED_USERS,
    GRAPH_APP_ID,
    GRAPH_DEFAULT,
    REGISTRATION_SCOPES,
    SIGN_IN_CLIENT_ID,
    TENANT_ID,
    Certificate,
)

PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000"
USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"


class StaticToken(AccessTokenProvider):
    """A bearer the caller already holds (the admin's delegated token)."""

    def __init__(self, token, host):
        self.token = token
        self.validator = AllowedHostsValidator([host])

    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return self.token

    def get_allowed_hosts_validator(self):
        return self.validator


def graph(sim, auth_provider):
    http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient(verify=sim.ca, timeout=30))
    adapter = GraphRequestAdapter(auth_provider, client=http)
    adapter.base_url = f"{sim.url}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def host(sim):
    return urllib.parse.urlsplit(sim.url).hostname


def app_credential(sim):
    """azure-identity's client secret credential (MSAL underneath), pointed at the simulator."""
    return ClientSecretCredential(
        TENANT_ID,
        sim.app["appId"],
        sim.app["secret"],
        authority=sim.url,
        disable_instance_discovery=True,
        connection_verify=sim.ca,
    )


@pytest.fixture
def app_only(sim):
    """Graph as the application: azure-identity signs in with the client secret."""
    credential = app_credential(sim)
    return graph(sim, AzureIdentityAuthenticationProvider(credential, scopes=[GRAPH_DEFAULT], allowed_hosts=[host(sim)]))


@pytest.fixture
def admin(sim):
    """Graph as the signed-in administrator: MSAL's auth code flow, then the delegated token."""
    return admin_client(sim)


def admin_client(sim):
    sim.api("PUT", "auto-approve", {"user": ADMIN})
    app = msal.PublicClientApplication(SIGN_IN_CLIENT_ID, authority=sim.authority, verify=sim.ca, instance_discovery=False)
    flow = app.initiate_auth_code_flow(REGISTRATION_SCOPES, redirect_uri="http://localhost:8400/")
    answer = requests.get(flow["auth_uri"], allow_redirects=False, verify=sim.ca, timeout=10)
    response = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["location"]).query))
    result = app.acquire_token_by_auth_code_flow(flow, response)
    assert "access_token" in result, result
    return graph(sim, BaseBearerTokenAuthenticationProvider(StaticToken(result["access_token"], host(sim))))


# One event loop for the module: the SDK's httpx client keeps connections bound to the loop
# that opened them.
LOOP = asyncio.new_event_loop()


def run(coroutine):
    return LOOP.run_until_complete(coroutine)


def odata_error(coroutine) -> ODataError:
    with pytest.raises(ODataError) as refused:
        run(coroutine)
    return refused.value


def test_organization(app_only):
    organizations = run(app_only.organization.get())
    assert len(organizations.value) == 1
    organization = organizations.value[0]
    assert organization.id == TENANT_ID
    assert organization.display_name == "Conformance"
    domains = {d.name: d for d in organization.verified_domains}
    assert domains[DOMAIN].is_initial is True
    assert domains["conformance.example"].is_default is True


def test_users_page_by_page_to_the_end(app_only):
    config = RequestConfiguration(
        query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
            top=100, select=["id", "userPrincipalName", "mail", "provisionedPlans"]
        )
    )
    page = run(app_only.users.get(config))
    seen, pages = [], 0
    while True:
        pages += 1
        seen.extend(page.value)
        if not page.odata_next_link:
            break
        page = run(app_only.users.with_url(page.odata_next_link).get())
    assert pages == 3
    assert len(seen) == GENERATED_USERS + 3
    assert len({u.id for u in seen}) == len(seen)
    assert all(u.user_principal_name and uuid.UUID(u.id) for u in seen)
    with_exchange = [u for u in seen if any(p.service == "exchange" and p.capability_status == "Enabled" for p in u.provisioned_plans)]
    assert len(with_exchange) == len(seen) - GENERATED_USERS // 10 - 1  # every tenth generated, and nomailbox@


def test_a_user_by_principal_name_and_its_inbox(app_only):
    user = run(app_only.users.by_user_id(f"migration@{DOMAIN}").get())
    assert user.user_principal_name == f"migration@{DOMAIN}"
    assert user.mail == "migration@conformance.example"
    inbox = run(app_only.users.by_user_id(user.id).mail_folders.by_mail_folder_id("inbox").get())
    assert inbox.id and isinstance(inbox.total_item_count, int)


def test_the_mailbox_import_and_export_api_from_mailbox_id_to_export_and_import_session(sim, app_only):
    """What a full fidelity connection's check reads, as the Graph SDK's own models read it."""
    settings = run(app_only.users.by_user_id(f"migration@{DOMAIN}").settings.exchange.get())
    mailbox_id = settings.primary_mailbox_id
    assert mailbox_id.startswith("MBX:") and mailbox_id.endswith(f"@{TENANT_ID}")
    mailbox = app_only.admin.exchange.mailboxes.by_mailbox_id(mailbox_id)

    folders = run(mailbox.folders.get()).value
    inbox = next(f for f in folders if f.well_known_name == "inbox")
    assert inbox.id and inbox.display_name == "Inbox" and inbox.type == "IPF.Note"
    assert isinstance(inbox.total_item_count, int) and inbox.total_item_count > 0
    assert isinstance(inbox.child_folder_count, int) and inbox.parent_folder_id

    # By well-known name, as Microsoft's example does, and by id.
    items = run(mailbox.folders.by_mailbox_folder_id("inbox").items.get()).value
    assert items and all(i.id and i.type == "IPM.Note" and isinstance(i.size, int) for i in items)
    assert [i.id for i in run(mailbox.folders.by_mailbox_folder_id(inbox.id).items.get()).value] == [i.id for i in items]

    exported = run(mailbox.export_items.post(ExportItemsPostRequestBody(item_ids=[items[0].id]))).value
    assert exported[0].item_id == items[0].id and exported[0].change_key
    assert isinstance(exported[0].data, bytes) and exported[0].data and exported[0].error is None

    session = run(mailbox.create_import_session.post())
    assert session.import_url.startswith("https://") and "authtoken=" in session.import_url
    assert session.expiration_date_time > datetime.datetime.now(datetime.timezone.utc)

    too_many = ExportItemsPostRequestBody(item_ids=[i.id for i in items] * 21)
    assert odata_error(mailbox.export_items.post(too_many)).response_status_code == 400


def test_an_item_in_an_auxiliary_archive_answers_the_archive_error_and_its_url(sim, app_only):
    ids = sim.api("PUT", f"tenants/{TENANT_ID}/users/migration@{DOMAIN}/exchange", {"itemsInAuxiliaryArchive": True})
    try:
        mailbox = app_only.admin.exchange.mailboxes.by_mailbox_id(ids["primaryMailboxId"])
        item = run(mailbox.folders.by_mailbox_folder_id("inbox").items.get()).value[0]
        moved = run(mailbox.export_items.post(ExportItemsPostRequestBody(item_ids=[item.id]))).value[0]
        assert moved.data is None
        assert moved.error.code == "ErrorArchiveFolderMovedPermanently"
        assert moved.error.message.endswith(f"/admin/exchange/mailboxes/{ids['auxiliaryArchiveMailboxId']}/exportItems")
        aux = app_only.admin.exchange.mailboxes.by_mailbox_id(ids["auxiliaryArchiveMailboxId"])
        again = run(aux.export_items.post(ExportItemsPostRequestBody(item_ids=[item.id]))).value[0]
        assert again.data and again.error is None
    finally:
        sim.api("PUT", f"tenants/{TENANT_ID}/users/migration@{DOMAIN}/exchange", {"itemsInAuxiliaryArchive": False})


def test_a_folder_redirected_to_an_auxiliary_archive_is_followed_by_the_sdk(sim, app_only):
    ids = sim.api("PUT", f"tenants/{TENANT_ID}/users/migration@{DOMAIN}/exchange", {})
    location = f"{sim.url}/v1.0/admin/exchange/mailboxes/{ids['auxiliaryArchiveMailboxId']}/folders"
    sim.api("PUT", "faults", {"rules": [{"route": "/folders", "method": "GET", "status": 308, "location": location, "times": 1}]})
    try:
        folders = run(app_only.admin.exchange.mailboxes.by_mailbox_id(ids["primaryMailboxId"]).folders.get()).value
        assert any(f.well_known_name == "inbox" for f in folders)
    finally:
        sim.api("DELETE", "faults")


def test_a_scope_group_and_its_user_members_as_the_sdk_reads_them(sim, app_only):
    """What a scoped connection reads: its group (by id and by mail) and its direct members."""
    group_id = "6f0e1d2c-3b4a-4596-8877-665544332211"
    sim.api("PUT", f"tenants/{TENANT_ID}/groups/{group_id}", {
        "displayName": "Wave 1", "mail": f"wave1@{DOMAIN}", "members": [f"migration@{DOMAIN}", f"nomailbox@{DOMAIN}"],
    })
    group = run(app_only.groups.by_group_id(group_id).get())
    assert group.display_name == "Wave 1" and group.mail_enabled is True and group.security_enabled is True
    from msgraph.generated.groups.groups_request_builder import GroupsRequestBuilder
    query = GroupsRequestBuilder.GroupsRequestBuilderGetQueryParameters(filter=f"mail eq 'wave1@{DOMAIN}'", select=["id"])
    found = run(app_only.groups.get(RequestConfiguration(query_parameters=query))).value
    assert [g.id for g in found] == [group_id]
    members = run(app_only.groups.by_group_id(group_id).members.graph_user.get()).value
    assert sorted(m.user_principal_name for m in members) == [f"migration@{DOMAIN}", f"nomailbox@{DOMAIN}"]
    assert all(isinstance(m, User) for m in members)


def test_a_missing_user_is_an_odata_error_with_microsofts_ids(app_only):
    error = odata_error(app_only.users.by_user_id(f"nobody@{DOMAIN}").get())
    assert error.response_status_code == 404
    assert error.error.code == "Request_ResourceNotFound"
    assert error.error.message
    assert uuid.UUID(error.error.inner_error.request_id)
    assert error.error.inner_error.date is not None


def test_a_user_without_a_mailbox_is_mailbox_not_enabled(app_only):
    error = odata_error(app_only.users.by_user_id(f"nomailbox@{DOMAIN}").mail_folders.by_mail_folder_id("inbox").get())
    assert error.response_status_code == 404
    assert error.error.code == "MailboxNotEnabledForRESTAPI"


def test_applications_with_their_credentials(sim, app_only):
    config = RequestConfiguration(
        query_parameters=ApplicationsRequestBuilder.ApplicationsRequestBuilderGetQueryParameters(
            filter=f"appId eq '{sim.app['appId']}'", select=["id", "appId", "displayName", "keyCredentials", "passwordCredentials"]
        )
    )
    listed = run(app_only.applications.get(config)).value
    assert len(listed) == 1
    app = listed[0]
    assert app.app_id == sim.app["appId"] and app.display_name == "Conformance app"
    # In a list, Graph never returns the certificate itself.
    assert app.key_credentials[0].key is None
    # customKeyIdentifier is Binary: the SDK decodes it; Entra's value is the hex thumbprint.
    identifier = app.key_credentials[0].custom_key_identifier
    assert base64.b64encode(identifier).decode() == sim.certificate.sha1
    assert app.key_credentials[0].type == "AsymmetricX509Cert" and app.key_credentials[0].usage == "Verify"
    assert app.key_credentials[0].end_date_time == sim.certificate.not_after
    secrets = {str(p.key_id): p for p in app.password_credentials}
    ours = secrets[sim.app["secretKeyId"]]
    assert ours.hint == sim.app["secret"][:3] and ours.secret_text is None
    assert ours.end_date_time > datetime.datetime.now(datetime.timezone.utc)

    # One object with keyCredentials selected: now each certificate's bytes come too.
    config = RequestConfiguration(
        query_parameters=ApplicationItemRequestBuilder.ApplicationItemRequestBuilderGetQueryParameters(select=["keyCredentials"])
    )
    one = run(app_only.applications.by_application_id(app.id).get(config))
    assert one.key_credentials[0].key == sim.certificate.der


def proof(certificate: Certificate, object_id: str) -> str:
    now = int(time.time())
    return jwt.encode(
        {"aud": PROOF_AUDIENCE, "iss": object_id, "nbf": now, "exp": now + 600},
        certificate.key_pem,
        algorithm="RS256",
        headers={"x5t": base64.urlsafe_b64encode(hashlib.sha1(certificate.der).digest()).decode().rstrip("=")},
    )


def key_credential(certificate: Certificate) -> KeyCredential:
    return KeyCredential(
        type="AsymmetricX509Cert",
        usage="Verify",
        key=certificate.der,
        display_name="CN=Rolled",
        start_date_time=certificate.not_before,
        end_date_time=certificate.not_after,
    )


def created_once_replicated(admin, app_id):
    """The service principal, asked for again as Mailferry does until the application has
    replicated (a refusal is NoBackingApplicationObject, as above)."""
    deadline = time.monotonic() + 15
    while True:
        try:
            return run(admin.service_principals.post(ServicePrincipal(app_id=app_id)))
        except ODataError as refused:
            codes = [d.code for d in (refused.error.details or [])]
            if codes != ["NoBackingApplicationObject"] or time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def test_registration_as_the_administrator(sim, admin):
    """What automatic registration does: create the application with its certificate, add a
    secret, create the service principal once the application has replicated, read Microsoft
    Graph's roles, grant one, roll the certificate with proofs."""
    certificate = Certificate("CN=Mailferry Migration Source")
    # Longer than the SDK's first answer takes to arrive when this test runs first (2.5 s
    # measured: its models load on first use), so the refusal below is seen.
    sim.consistency(applicationSecs=6)
    body = Application(
        display_name="Mailferry Migration Source",
        sign_in_audience="AzureADMyOrg",
        tags=["mailferry"],
        required_resource_access=[
            RequiredResourceAccess(resource_app_id=GRAPH_APP_ID, resource_access=[ResourceAccess(id=uuid.UUID(USER_READ_ALL), type="Role")])
        ],
        key_credentials=[key_credential(certificate)],
    )
    app = run(admin.applications.post(body))
    assert uuid.UUID(app.id) and uuid.UUID(app.app_id)
    # Replication: Microsoft's answer, as the SDK reads it, asked at once (the window starts
    # when the application is created; the SDK's first calls may be slow to warm up).
    error = odata_error(admin.service_principals.post(ServicePrincipal(app_id=app.app_id)))
    assert error.response_status_code == 400
    assert error.error.code == "Request_BadRequest"
    assert [(d.code, d.target) for d in error.error.details] == [("NoBackingApplicationObject", "appId")]
    assert "does not reference a valid application object" in error.error.details[0].message
    assert app.key_credentials[0].key_id is not None
    assert base64.b64encode(app.key_credentials[0].custom_key_identifier).decode() == certificate.sha1

    secret = run(
        admin.applications.by_application_id(app.id).add_password.post(
            AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="Mailferry"))
        )
    )
    assert secret.secret_text and secret.hint == secret.secret_text[:3] and secret.key_id is not None
    # removePassword by keyId: gone from the application, a second removal is a 404.
    run(admin.applications.by_application_id(app.id).remove_password.post(RemovePasswordPostRequestBody(key_id=secret.key_id)))
    assert run(admin.applications.by_application_id(app.id).get()).password_credentials == []
    error = odata_error(admin.applications.by_application_id(app.id).remove_password.post(RemovePasswordPostRequestBody(key_id=secret.key_id)))
    assert error.response_status_code == 404

    sp = created_once_replicated(admin, app.app_id)
    assert uuid.UUID(sp.id) and sp.app_id == app.app_id

    config = RequestConfiguration(
        query_parameters=ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(
            filter=f"appId eq '{GRAPH_APP_ID}'", select=["id", "appRoles"]
        )
    )
    graph_sp = run(admin.service_principals.get(config)).value[0]
    roles = {r.value: r.id for r in graph_sp.app_roles}
    assert str(roles["User.Read.All"]) == USER_READ_ALL
    grant = run(
        admin.service_principals.by_service_principal_id(graph_sp.id).app_role_assigned_to.post(
            AppRoleAssignment(principal_id=uuid.UUID(sp.id), resource_id=uuid.UUID(graph_sp.id), app_role_id=uuid.UUID(USER_READ_ALL))
        )
    )
    assert grant.id and str(grant.principal_id) == sp.id and str(grant.app_role_id) == USER_READ_ALL
    granted = run(admin.service_principals.by_service_principal_id(graph_sp.id).app_role_assigned_to.get()).value
    assert any(str(g.principal_id) == sp.id for g in granted)

    # Rolling the certificate: addKey proven by the current one, removeKey by the new one.
    rolled = Certificate("CN=Mailferry Migration Source")
    added = run(
        admin.applications.by_application_id(app.id).add_key.post(
            AddKeyPostRequestBody(key_credential=key_credential(rolled), proof=proof(certificate, app.id))
        )
    )
    assert added.key_id is not None and added.end_date_time == rolled.not_after
    old_key = app.key_credentials[0].key_id
    run(admin.applications.by_application_id(app.id).remove_key.post(RemoveKeyPostRequestBody(key_id=old_key, proof=proof(rolled, app.id))))
    left = run(admin.applications.by_application_id(app.id).get()).key_credentials
    assert [k.key_id for k in left] == [added.key_id]
    run(admin.applications.by_application_id(app.id).delete())


def test_the_app_management_policy_and_its_refusals(sim):
    """The tenant's default app management policy as the SDK's tenantAppManagementPolicy model
    reads it (with Policy.Read.All consented earlier to the sign-in client), and the refusals
    of credentials it forbids: ODataErrors whose error.code is what Microsoft's Teams Toolkit
    reads (CredentialTypeNotAllowedAsPerAppPolicy, CredentialInvalidLifetimeAsPerAppPolicy)."""
    since = "2019-01-01T00:00:00Z"
    sim.api("PATCH", f"tenants/{TENANT_ID}", {"consentedScopes": ["Policy.Read.All"]})
    sim.api(
        "PUT",
        f"tenants/{TENANT_ID}/app-management-policies",
        {
            "default": {
                "isEnabled": True,
                "applicationRestrictions": {
                    "passwordCredentials": [{"restrictionType": "passwordAddition", "maxLifetime": None, "restrictForAppsCreatedAfterDateTime": since}],
                    "keyCredentials": [{"restrictionType": "asymmetricKeyLifetime", "maxLifetime": "P400D", "restrictForAppsCreatedAfterDateTime": since}],
                },
            }
        },
    )
    try:
        admin = admin_client(sim)
        policy = run(admin.policies.default_app_management_policy.get())
        assert policy.is_enabled is True and policy.id == "00000000-0000-0000-0000-000000000000"
        key = policy.application_restrictions.key_credentials[0]
        assert key.restriction_type == AppKeyCredentialRestrictionType.AsymmetricKeyLifetime
        assert key.max_lifetime == datetime.timedelta(days=400)
        assert key.restrict_for_apps_created_after_date_time == datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc)
        password = policy.application_restrictions.password_credentials[0]
        assert password.restriction_type == AppCredentialRestrictionType.PasswordAddition

        app = run(admin.applications.post(Application(display_name="Policy probe", key_credentials=[key_credential(Certificate("CN=Probe"))])))
        error = odata_error(
            admin.applications.by_application_id(app.id).add_password.post(
                AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="Mailferry"))
            )
        )
        assert (error.response_status_code, error.error.code) == (400, "CredentialTypeNotAllowedAsPerAppPolicy")
        long_lived = key_credential(Certificate("CN=Probe", days=401))
        error = odata_error(admin.applications.post(Application(display_name="Policy probe 2", key_credentials=[long_lived])))
        assert (error.response_status_code, error.error.code) == (400, "CredentialInvalidLifetimeAsPerAppPolicy")
        assert "as per assigned policy" in error.error.message
        run(admin.applications.by_application_id(app.id).delete())
    finally:
        sim.api("PUT", f"tenants/{TENANT_ID}/app-management-policies", {"default": {"isEnabled": False}})
        sim.api("PATCH", f"tenants/{TENANT_ID}", {"consentedScopes": []})


def test_batch_with_a_refusal_inside(sim, app_only):
    content = BatchRequestContent()
    for url in ["/organization?$select=id,displayName", f"/users/migration@{DOMAIN}?$select=id,mail", f"/users/nomailbox@{DOMAIN}/mailFolders/inbox"]:
        info = RequestInformation(method=Method.GET)
        info.url = f"{app_only.request_adapter.base_url}{url}"
        info.headers.add("Accept", "application/json")
        content.add_request(None, BatchRequestItem(request_information=info))
    responses = run(app_only.batch.post(batch_request_content=content))
    ids = list(content.requests.keys())
    statuses = [responses.get_response_by_id(i).status for i in ids]
    assert statuses == [200, 200, 404]
    assert all(responses.get_response_by_id(i).content_type.startswith("application/json") for i in ids)


def test_batch_bodies_are_inline_json_that_the_sdks_models_read(sim):
    """Microsoft's JSON batching puts a JSON answer's body inline as an object (a base64
    string only for other content types). msgraph-core 1.5's `response_body` reads only the
    base64 form, so the inline bodies are read here with the SDK's own JSON parse nodes."""
    token = app_credential(sim).get_token(GRAPH_DEFAULT).token
    requests_ = [
        {"id": "1", "method": "GET", "url": f"/users/migration@{DOMAIN}?$select=id,mail"},
        {"id": "2", "method": "GET", "url": f"/users/nomailbox@{DOMAIN}/mailFolders/inbox"},
    ]
    answer = requests.post(
        f"{sim.url}/v1.0/$batch", json={"requests": requests_}, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 200
    by_id = {r["id"]: r for r in answer.json()["responses"]}
    factory = JsonParseNodeFactory()
    parse = lambda body, model: factory.get_root_parse_node("application/json", json.dumps(body).encode()).get_object_value(model)
    user = parse(by_id["1"]["body"], User)
    assert user.mail == "migration@conformance.example" and uuid.UUID(user.id)
    refused = parse(by_id["2"]["body"], ODataError)
    assert by_id["2"]["status"] == 404
    assert refused.error.code == "MailboxNotEnabledForRESTAPI" and refused.error.message
