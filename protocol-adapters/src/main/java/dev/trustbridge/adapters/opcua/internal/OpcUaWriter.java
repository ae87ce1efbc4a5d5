package dev.trustbridge.adapters.opcua.internal;

import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.DeviceWriteException.Reason;
import dev.trustbridge.adapters.DeviceWriter;
import dev.trustbridge.adapters.opcua.OpcUaComponent;
import dev.trustbridge.adapters.opcua.OpcUaDevice;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * Writes permitted commands to OPC UA nodes through the {@link OpcUaComponent}. Whether a node may
 * be written is the server's to say: its refusal (such as {@code Bad_UserAccessDenied}) is the
 * device's answer in the command result.
 */
public final class OpcUaWriter implements DeviceWriter {

  private final OpcUaComponent component;
  private final Function<String, Optional<OpcUaDevice>> devices;

  public OpcUaWriter(OpcUaComponent component, Function<String, Optional<OpcUaDevice>> devices) {
    this.component = component;
    this.devices = devices;
  }

  @Override
  public TagAccess access(String deviceId, String tag) {
    Optional<OpcUaDevice> device = devices.apply(deviceId);
    if (device.isEmpty()) {
      return TagAccess.UNKNOWN_DEVICE;
    }
    return device.get().tags().stream().anyMatch(t -> t.name().equals(tag))
        ? TagAccess.WRITABLE
        : TagAccess.UNKNOWN_TAG;
  }

  @Override
  public String write(String deviceId, String tag, Object value) throws DeviceWriteException {
    long timeout = devices.apply(deviceId).map(d -> d.timeout().toMillis()).orElse(5_000L);
    StatusCode status;
    try {
      status =
          component
              .write(deviceId, tag, value)
              .toCompletableFuture()
              .get(timeout, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new DeviceWriteException(
          cause instanceof IllegalArgumentException ? Reason.INVALID_VALUE : Reason.DEVICE_ERROR,
          String.valueOf(cause.getMessage()),
          cause);
    } catch (TimeoutException e) {
      throw new DeviceWriteException(
          Reason.DEVICE_ERROR, "no answer from " + deviceId + " within " + timeout + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeviceWriteException(Reason.DEVICE_ERROR, "interrupted while writing", e);
    }
    if (!status.isGood()) {
      throw new DeviceWriteException(
          Reason.DEVICE_ERROR, "the server refused the write: " + status);
    }
    return "wrote " + tag + ": " + status;
  }
}
