#!/bin/sh
# Creates the demo PKI of compose.yaml in $1 (once; an existing CA is kept): a CA, the broker's
# server certificate for host "mosquitto", the gateway identity gw-01 in the profile that lets it
# certify its session keys (CA with path length 0, keyCertSign + digitalSignature, clientAuth,
# CN = gateway id, OU = site id) as a PKCS#12 key store, and a client certificate for subscribers.
# Development only: the keys are files.
set -eu
dir="$1"
mkdir -p "$dir"
cd "$dir"
[ -f ca.pem ] && { echo "demo PKI exists in $dir"; exit 0; }
umask 077
openssl rand -hex 16 > keystore-password

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/CN=TrustBridge demo CA" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign"

issue() { # name subject extensions-file
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" \
    -keyout "$1.key" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
    -extfile "$3" -out "$1.pem"
  rm "$1.csr"
}

cat > broker.ext <<'EXT'
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:mosquitto,DNS:localhost,IP:127.0.0.1
EXT
issue broker "/CN=mosquitto" broker.ext

cat > identity.ext <<'EXT'
basicConstraints=critical,CA:true,pathlen:0
keyUsage=critical,keyCertSign,digitalSignature
extendedKeyUsage=clientAuth
EXT
issue gw-01 "/OU=demo-site/CN=gw-01" identity.ext
openssl pkcs12 -export -name gw-01 -inkey gw-01.key -in gw-01.pem -certfile ca.pem \
  -passout file:keystore-password -out gw-01.p12

cat > client.ext <<'EXT'
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
EXT
issue subscriber "/CN=subscriber" client.ext

rm -f ./*.ext ca.srl gw-01.key
# the broker (uid 1883) and the gateway (uid 10001) read what they need; the CA key stays private
chmod 644 ca.pem broker.pem gw-01.pem subscriber.pem
chmod 640 broker.key gw-01.p12 keystore-password subscriber.key
chgrp 1883 broker.key 2>/dev/null || true
chgrp 10001 gw-01.p12 keystore-password 2>/dev/null || true
# the TPM demo's provisioning (uid 10001) signs its identity with the demo CA
chmod 640 ca.key && chgrp 10001 ca.key 2>/dev/null || true
echo "demo PKI created in $dir"
