package dev.trustbridge.sim.modbus.internal;

import com.ghgande.j2mod.modbus.net.AbstractModbusListener;
import com.ghgande.j2mod.modbus.procimg.ProcessImage;

/**
 * Hands one device's process image to j2mod's request classes, which look it up through a listener.
 * It listens to nothing itself: {@link DeviceServer} owns the sockets, because j2mod's listener
 * cannot take a free port (it turns port 0 into 502) and its slave registry is static, keyed by
 * port.
 */
final class ImageListener extends AbstractModbusListener {

  private final ProcessImage processImage;

  ImageListener(ProcessImage processImage) {
    this.processImage = processImage;
  }

  @Override
  public ProcessImage getProcessImage(int unitId) {
    return processImage;
  }

  @Override
  public void run() {
    throw new UnsupportedOperationException("DeviceServer accepts the connections");
  }

  @Override
  public void stop() {
    throw new UnsupportedOperationException("DeviceServer accepts the connections");
  }
}
