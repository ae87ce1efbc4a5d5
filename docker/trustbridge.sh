#!/bin/sh
# The trustbridge command inside the image: the CLI on the jars the build copied.
exec java ${TRUSTBRIDGE_JAVA_OPTS:-} -cp "/opt/trustbridge/lib/*" \
  dev.trustbridge.runtime.cli.TrustBridgeCli "$@"
