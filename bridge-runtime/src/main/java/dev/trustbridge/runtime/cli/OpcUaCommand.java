package dev.trustbridge.runtime.cli;

import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.adapters.opcua.OpcUaServerCertificates;
import dev.trustbridge.adapters.opcua.OpcUaServerTrust;
import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbridge opcua}: manages which OPC UA server certificates the gateway trusts. */
@Command(
    name = "opcua",
    description = "Manage the trust in OPC UA servers.",
    subcommands = {OpcUaCommand.Trust.class})
final class OpcUaCommand {

  /**
   * {@code trustbridge opcua trust}: puts a server's certificate into the device's trust directory
   * ({@code pki/opcua/<device>/} in the configuration directory, or the device's {@code
   * trust.directory}), where the running gateway finds it at its next connection attempt.
   */
  @Command(
      name = "trust",
      description = {
        "Trust an OPC UA server's application certificate for one device.",
        "With --thumbprint the certificate is fetched from the device's endpoint and must have"
            + " exactly that SHA-256 thumbprint (compare it with the one the device shows);"
            + " with --certificate it is read from a file. It is written as DER into the"
            + " device's trust directory; the gateway uses it at its next connection attempt."
      })
  static final class Trust implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "DIR",
        description = "Configuration directory whose trustbridge.yaml registers the device.")
    Path directory;

    @Option(
        names = "--device",
        required = true,
        paramLabel = "ID",
        description = "The id of an OPC UA device in trustbridge.yaml.")
    String deviceId;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
      @Option(
          names = "--thumbprint",
          paramLabel = "HEX",
          description = "SHA-256 thumbprint the server's certificate must have.")
      String thumbprint;

      @Option(
          names = "--certificate",
          paramLabel = "FILE",
          description = "A DER or PEM file holding the server's certificate.")
      Path certificate;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      GatewayConfig config;
      try {
        config = new ConfigLoader(System.getenv()).load(directory);
      } catch (ConfigException e) {
        err.println("trustbridge opcua trust: " + e.getMessage());
        return TrustBridgeCli.EXIT_CONFIG;
      }
      Optional<OpcUaDevice> device =
          config.opcuaDevices().stream().filter(d -> d.id().equals(deviceId)).findFirst();
      if (device.isEmpty()) {
        err.println(
            "trustbridge opcua trust: no OPC UA device '"
                + deviceId
                + "' in "
                + directory.resolve(ConfigLoader.MAIN_FILE)
                + "; OPC UA devices: "
                + config.opcuaDevices().stream().map(OpcUaDevice::id).toList());
        return TrustBridgeCli.EXIT_CONFIG;
      }
      try {
        X509Certificate certificate =
            source.certificate != null
                ? fromFile(source.certificate)
                : fromServer(device.get(), OpcUaServerTrust.normalize(source.thumbprint), err);
        if (certificate == null) {
          return TrustBridgeCli.EXIT_FAILURE;
        }
        describe(out, certificate);
        Path file = write(device.get(), certificate);
        out.println("trusted for device " + deviceId + ": written to " + file);
        out.println(
            "the gateway uses it at its next connection attempt to "
                + device.get().endpointUrl()
                + "; no restart needed");
        return 0;
      } catch (IOException | CertificateException e) {
        err.println("trustbridge opcua trust: " + e.getMessage());
        return TrustBridgeCli.EXIT_FAILURE;
      }
    }

    private static X509Certificate fromFile(Path file) throws IOException, CertificateException {
      return OpcUaServerCertificates.read(file).get(0);
    }

    private static X509Certificate fromServer(
        OpcUaDevice device, String thumbprint, PrintWriter err) throws IOException {
      List<X509Certificate> presented =
          OpcUaServerCertificates.fetch(device.endpointUrl(), Duration.ofSeconds(10));
      for (X509Certificate certificate : presented) {
        if (OpcUaServerCertificates.sha256(certificate).equals(thumbprint)) {
          return certificate;
        }
      }
      err.println(
          "trustbridge opcua trust: the server at "
              + device.endpointUrl()
              + " presents no certificate with sha256="
              + thumbprint
              + "; nothing trusted. It presents:");
      for (X509Certificate certificate : presented) {
        err.println(
            "  subject='"
                + certificate.getSubjectX500Principal().getName()
                + "' sha256="
                + OpcUaServerCertificates.sha256(certificate));
      }
      return null;
    }

    private static void describe(PrintWriter out, X509Certificate certificate) {
      out.println("subject:        " + certificate.getSubjectX500Principal().getName());
      out.println("issuer:         " + certificate.getIssuerX500Principal().getName());
      out.println("sha256:         " + OpcUaServerCertificates.sha256(certificate));
      out.println(
          "applicationUri: "
              + OpcUaServerCertificates.applicationUri(certificate).orElse("(none)"));
      out.println(
          "valid:          "
              + certificate.getNotBefore().toInstant()
              + " to "
              + certificate.getNotAfter().toInstant());
    }

    private static Path write(OpcUaDevice device, X509Certificate certificate)
        throws IOException, CertificateEncodingException {
      Path trustDirectory =
          device
              .trust()
              .directory()
              .orElseThrow(
                  () -> new IOException("device " + device.id() + " has no trust directory"));
      Files.createDirectories(trustDirectory);
      Path file =
          trustDirectory.resolve(
              OpcUaServerCertificates.sha256(certificate).substring(0, 16) + ".der");
      Files.write(file, certificate.getEncoded());
      return file;
    }
  }
}
