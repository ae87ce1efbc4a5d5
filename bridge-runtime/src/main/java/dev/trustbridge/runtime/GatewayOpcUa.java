package dev.trustbridge.runtime;

import dev.trustbridge.adapters.opcua.OpcUaApplicationIdentity;
import dev.trustbridge.adapters.opcua.OpcUaComponent;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.runtime.config.SecurityMode;
import dev.trustbridge.trust.atrest.DataKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;

/**
 * Builds the gateway's {@code opcua:} component: the configured servers, the gateway's OPC UA
 * application certificate (created in the state directory on first use, its key encrypted under the
 * gateway's data key) and the security mode. Public so that a baseline pipeline measured against
 * the gateway reads its OPC UA servers the same way.
 */
public final class GatewayOpcUa {

  private GatewayOpcUa() {}

  /** The component of {@code config}'s OPC UA devices; empty of devices when there are none. */
  public static OpcUaComponent component(GatewayConfig config, DataKey dataKey) {
    OpcUaComponent opcua = new OpcUaComponent();
    opcua.setDevelopmentMode(config.securityMode() == SecurityMode.DEVELOPMENT);
    opcua.setConfigDirectory(config.directory().toAbsolutePath().toString());
    opcua.setMaxSamplesPerBatch(config.envelopes().maxSamples());
    if (!config.opcuaDevices().isEmpty()) {
      try {
        opcua.setApplicationIdentity(
            OpcUaApplicationIdentity.loadOrCreate(
                config.envelopes().stateDirectory(), config.site(), config.gatewayId(), dataKey));
      } catch (IOException e) {
        throw new UncheckedIOException("OPC UA application certificate not usable", e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("OPC UA application certificate not usable: " + e, e);
      }
      config.opcuaDevices().forEach(opcua::addDevice);
    }
    return opcua;
  }
}
