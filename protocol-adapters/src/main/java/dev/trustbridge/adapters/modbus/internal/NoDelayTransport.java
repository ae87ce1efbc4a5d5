package dev.trustbridge.adapters.modbus.internal;

import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import java.io.IOException;
import java.net.Socket;

/**
 * j2mod's TCP transport on a socket with {@code TCP_NODELAY}: j2mod leaves Nagle's algorithm on, so
 * a request written in more than one segment waits for the device's delayed acknowledgement, up to
 * tens of milliseconds per read. Handed to a {@code TCPMasterConnection} before it connects, which
 * then gives it the new socket.
 */
final class NoDelayTransport extends ModbusTCPTransport {

  @Override
  public void setSocket(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    super.setSocket(socket);
  }

  /** Whether the socket in use sends without delay; false before it has one. */
  boolean noDelay() throws IOException {
    return socket != null && socket.getTcpNoDelay();
  }
}
