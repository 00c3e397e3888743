#!/usr/bin/env bash
# Seeds the fuzz corpora with real files made by openssl: PFX (AES and legacy), PEM, DER.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
import="$repo/fuzz/corpus/certificate_import" validators="$repo/fuzz/corpus/validators"
mkdir -p "$import" "$validators"
[ -e "$import/aes.pfx" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 30 -subj /CN=Fuzz 2>/dev/null
openssl pkcs12 -export -in c.pem -inkey k.pem -out "$import/aes.pfx" -passout pass:password -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256
openssl pkcs12 -export -legacy -in c.pem -inkey k.pem -out "$import/legacy.pfx" -passout pass:password
cat c.pem k.pem > "$import/combined.pem"
openssl x509 -in c.pem -outform DER -out "$import/cert.der"
printf '3b:7e:11:5a:90:c4:d2:e8:1f:00:aa:bb:cc:dd:ee:ff:01:23:45:67' > "$validators/thumbprint"
printf '{1B2C3D4E-5F60-4A1B-8C9D-0E1F2A3B4C5D}' > "$validators/guid"
printf 'migration@contoso.com' > "$validators/mailbox"
