#!/bin/sh
# Provisions the TPM-backed demo gateway once: a tpm2-pkcs11 token on swtpm, the identity key
# generated inside it, a certificate from the demo CA. Runs in the gateway image (compose service
# gateway-tpm-provision); the data volume keeps the token store and the PIN.
set -eu
export TPM2_PKCS11_TCTI="${TPM2_PKCS11_TCTI:-swtpm:host=swtpm,port=2321}"
export TPM2_PKCS11_STORE=/var/lib/trustbridge/tpm2-pkcs11
config=/etc/trustbridge
if [ -f /var/lib/trustbridge/provisioned ]; then
  echo "TPM gateway already provisioned"; exit 0
fi
mkdir -p "$TPM2_PKCS11_STORE"
umask 077
[ -f /var/lib/trustbridge/token-pin ] || openssl rand -hex 8 > /var/lib/trustbridge/token-pin
so_pin="$(openssl rand -hex 8)"
tpm2_ptool init --path="$TPM2_PKCS11_STORE"
tpm2_ptool addtoken --pid=1 --label=trustbridge --userpin="$(cat /var/lib/trustbridge/token-pin)" \
  --sopin="$so_pin" --path="$TPM2_PKCS11_STORE"
trustbridge keys init --config "$config"
trustbridge keys csr --config "$config" --out /tmp/gw-tpm.csr
openssl x509 -req -in /tmp/gw-tpm.csr -CA /pki/ca.pem -CAkey /pki/ca.key -CAcreateserial \
  -days 825 -extfile /dev/stdin -out /tmp/gw-tpm.pem <<'EXT'
basicConstraints=critical,CA:true,pathlen:0
keyUsage=critical,keyCertSign,digitalSignature
extendedKeyUsage=clientAuth
EXT
cat /tmp/gw-tpm.pem /pki/ca.pem > /tmp/gw-tpm-chain.pem
trustbridge keys import --config "$config" --chain /tmp/gw-tpm-chain.pem
trustbridge keys show --config "$config"
touch /var/lib/trustbridge/provisioned
