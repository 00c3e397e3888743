#!/usr/bin/env bash
# Writes the seed inputs of every fuzz target into fuzz/corpus/<target>/ (committed; run again
# only to add seeds). Certificate seeds are real files made by openssl, and pfx_inner's are the
# authenticated safes inside them, so that the fuzzer starts from what Windows, macOS and
# openssl export. Answers follow the examples on Microsoft's documentation pages.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
corpus="$repo/fuzz/corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seed() { mkdir -p "$corpus/$1"; printf '%s' "$3" > "$corpus/$1/$2"; }

# Certificates: PFX with AES (Windows 10+, openssl 3), legacy RC2/3DES, no encryption; PEM; DER.
(
  cd "$work"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 30 -subj /CN=Fuzz 2>/dev/null
  openssl pkcs12 -export -in c.pem -inkey k.pem -out aes.pfx -passout pass:password \
    -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256
  openssl pkcs12 -export -legacy -in c.pem -inkey k.pem -out legacy.pfx -passout pass:password
  openssl pkcs12 -export -in c.pem -inkey k.pem -out plain.pfx -passout pass:password \
    -keypbe NONE -certpbe NONE -macalg sha256
)
mkdir -p "$corpus/certificate_import" "$corpus/pfx_inner"
for pfx in aes legacy plain; do
  cp "$work/$pfx.pfx" "$corpus/certificate_import/$pfx.pfx"
  # The authenticated safe: the content of the first OCTET STRING at depth 3.
  offset=$(openssl asn1parse -inform DER -in "$work/$pfx.pfx" | awk -F: '/d=3 .*OCTET STRING/ {print $1+0; exit}')
  openssl asn1parse -inform DER -in "$work/$pfx.pfx" -strparse "$offset" -noout -out "$corpus/pfx_inner/$pfx.der"
done
cat "$work/c.pem" "$work/k.pem" > "$corpus/certificate_import/combined.pem"
openssl x509 -in "$work/c.pem" -outform DER -out "$corpus/certificate_import/cert.der"

seed validators thumbprint '3b:7e:11:5a:90:c4:d2:e8:1f:00:aa:bb:cc:dd:ee:ff:01:23:45:67'
seed validators guid '{1B2C3D4E-5F60-4A1B-8C9D-0E1F2A3B4C5D}'
seed validators mailbox 'migration@contoso.com'

seed custom_cloud us-gov $'https://login.microsoftonline.us\nhttps://graph.microsoft.us'
seed custom_cloud loopback $'http://127.0.0.1:8400/\nhttp://[::1]:8400'
seed custom_cloud user-info $'https://login.microsoftonline.com@evil.example\nhttps://graph.microsoft.com'
seed custom_cloud path $'https://login.contoso.example/tenant-proxy\nhttps://graph.contoso.example:8443/root'

seed loopback_request code $'GET /?code=0.AVYA1x&state=Wq3sT1vX9kLm&session_state=5f2c HTTP/1.1\r\nHost: localhost:53127\r\nUser-Agent: Mozilla/5.0\r\n\r\n'
seed loopback_request consent-error $'GET /?admin_consent=True&error=access_denied&error_description=AADSTS65004%3a+User+declined+to+consent&state=Wq3sT1vX9kLm HTTP/1.1\r\nHost: localhost\r\n\r\n'
seed loopback_request favicon $'GET /favicon.ico HTTP/1.1\r\nHost: localhost\r\n\r\n'
seed loopback_request other-state $'GET /?code=x&state=other HTTP/1.1\r\n\r\n'

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"typ":"JWT","alg":"RS256","kid":"k1"}' | b64url)
app=$(printf '{"aud":"https://graph.microsoft.com","iss":"https://sts.windows.net/6babcaad-604b-40ac-a9d7-9fd97c0b779f/","tid":"6babcaad-604b-40ac-a9d7-9fd97c0b779f","appid":"11111111-2222-3333-4444-555555555555","roles":["User.Read.All","Mail.Read"]}' | b64url)
admin=$(printf '{"tid":"6babcaad-604b-40ac-a9d7-9fd97c0b779f","upn":"admin@contoso.onmicrosoft.com","preferred_username":"admin@contoso.onmicrosoft.com","wids":["62e90394-69f5-4237-9190-012177145e10"]}' | b64url)
seed token_answer app-token "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"$header.$app.c2lnbmF0dXJl\"}"
seed token_answer admin-token "{\"token_type\":\"Bearer\",\"scope\":\"Application.ReadWrite.All\",\"expires_in\":\"4739\",\"access_token\":\"$header.$admin.c2lnbmF0dXJl\",\"refresh_token\":\"0.AVYA\"}"
seed token_answer invalid-secret '401 {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.","error_codes":[7000215],"timestamp":"2026-12-01 10:00:00Z","trace_id":"0000aaaa-11bb-cccc-dd22-eeeeee333333","correlation_id":"aaaa0000-bb11-2222-33cc-444444dddddd","error_uri":"https://login.microsoftonline.com/error?code=7000215"}'
seed token_answer device-code '{"user_code":"GQ4FV7WXM","device_code":"GAQABAAEAAAB","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5,"message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code GQ4FV7WXM to authenticate."}'
seed token_answer pending '400 {"error":"authorization_pending","error_description":"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.","error_codes":[70016]}'

seed metadata_answer global '{"token_endpoint":"https://login.microsoftonline.com/6babcaad-604b-40ac-a9d7-9fd97c0b779f/oauth2/v2.0/token","issuer":"https://login.microsoftonline.com/6babcaad-604b-40ac-a9d7-9fd97c0b779f/v2.0","tenant_region_scope":"NA","cloud_instance_name":"microsoftonline.com","cloud_graph_host_name":"graph.windows.net","msgraph_host":"graph.microsoft.com"}'
seed metadata_answer no-tenant '400 {"error":"invalid_tenant","error_description":"AADSTS90002: Tenant '"'"'contoso.example'"'"' not found.","error_codes":[90002]}'

seed graph_page users-next '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,mail)","@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$select=id,userPrincipalName,mail&$top=999&$skiptoken=RFNwdAIAAQAAAD8","value":[{"id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","userPrincipalName":"AdeleV@contoso.com","mail":"AdeleV@contoso.com"}]}'
seed graph_page last-page '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[]}'
seed graph_page foreign-next '{"@odata.nextLink":"https://graph.microsoft.com.evil.example/v1.0/users?$skiptoken=x","value":[]}'
seed graph_page denied '403 {"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-12-01T10:00:00","request-id":"c1b1d9ab-8f1c-4b2b-9d6e-7c2f6b1f0a11","client-request-id":"c1b1d9ab-8f1c-4b2b-9d6e-7c2f6b1f0a11"}}}'

seed batch_answer mixed '{"responses":[{"id":"1","status":200,"headers":{"Cache-Control":"no-cache","Content-Type":"application/json"},"body":{"value":[{"id":"6babcaad-604b-40ac-a9d7-9fd97c0b779f","displayName":"Contoso"}]}},{"id":"3","status":429,"headers":{"Retry-After":"5"},"body":{"error":{"code":"TooManyRequests","message":"Too many requests"}}},{"id":"2","status":404,"headers":{},"body":{"error":{"code":"Request_ResourceNotFound","message":"Resource does not exist.","innerError":{"request-id":"1f2e3d4c-5b6a-4789-8abc-def012345678"}}}}]}'
seed batch_answer empty-code '{"responses":[{"id":"1","status":403,"body":{"error":{"code":"","message":"Access denied","details":[{"code":"ErrorAccessDenied","message":"Access is denied."}]}}}]}'

seed export plain $'1.0.0\0Contoso source\0custom\0https://login.contoso.example\0https://graph.contoso.example\0contoso.onmicrosoft.com\0Contoso\0contoso.com\0'
seed export hostile $'=cmd|\' /C calc\'!A0\0<script>alert(1)</script>\0"quoted" & \'single\'\0-2+3\0@SUM(A1)\0\tTab\0\rReturn\0line\nbreak\0'
echo "fuzz corpus written to $corpus"
