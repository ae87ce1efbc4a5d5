package dev.trustbridge.adapters.opcua;

import dev.trustbridge.adapters.opcua.internal.ApplicationKeyFile;
import dev.trustbridge.adapters.opcua.internal.Certificates;
import dev.trustbridge.adapters.opcua.internal.Providers;
import dev.trustbridge.trust.atrest.DataKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.core.util.validation.CertificateValidationUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OPC UA application instance certificate and key: RSA 2048, self-signed, with the
 * ApplicationUri {@code urn:trustbridge:<site>:<gateway>} and the host's name as subject
 * alternative names. Created on first use and kept in {@code
 * <stateDirectory>/opcua/application.p12}, readable by the gateway's user only; servers trust the
 * gateway by this certificate.
 *
 * <p>Security note: the key lives in a file, not in the vault: Milo's secure channel decrypts with
 * RSA-OAEP and signs with RSA-PSS under names the JDK's SunPKCS11 provider does not serve for token
 * keys.
 */
public final class OpcUaApplicationIdentity {

  private static final Logger LOG = LoggerFactory.getLogger(OpcUaApplicationIdentity.class);
  private static final String FILE = "opcua/application.p12";
  private static final String CERTIFICATE_FILE = "opcua/application.der";
  private static final Period VALIDITY = Period.ofYears(2);

  private final String applicationUri;
  private final KeyPair keys;
  private final X509Certificate certificate;

  private OpcUaApplicationIdentity(
      String applicationUri, KeyPair keys, X509Certificate certificate) {
    this.applicationUri = applicationUri;
    this.keys = keys;
    this.certificate = certificate;
  }

  /**
   * The identity stored under {@code stateDirectory}, or a new one stored there when there is none,
   * it names another ApplicationUri, or it expires within a day. The key is stored encrypted under
   * {@code dataKey}; the certificate alone is also written as {@code opcua/application.der} for the
   * server administrators who must trust it (see {@link #publishedCertificate}).
   *
   * @throws IOException if the file cannot be read or written
   * @throws GeneralSecurityException if the stored file is damaged or a key cannot be generated
   */
  public static OpcUaApplicationIdentity loadOrCreate(
      Path stateDirectory, String site, String gateway, DataKey dataKey)
      throws IOException, GeneralSecurityException {
    Providers.ensureBouncyCastle();
    String uri = applicationUri(site, gateway);
    ApplicationKeyFile file = new ApplicationKeyFile(stateDirectory.resolve(FILE), dataKey);
    Optional<ApplicationKeyFile.Stored> stored = file.read();
    if (stored.isPresent() && usable(stored.get().certificate(), uri)) {
      publish(stateDirectory, stored.get().certificate());
      LOG.info(
          "opcua application certificate loaded applicationUri={} sha256={} notAfter={} file={}",
          uri,
          Certificates.sha256(stored.get().certificate()),
          stored.get().certificate().getNotAfter().toInstant(),
          file.path());
      return new OpcUaApplicationIdentity(uri, stored.get().keys(), stored.get().certificate());
    }
    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate certificate;
    try {
      SelfSignedCertificateBuilder builder =
          new SelfSignedCertificateBuilder(keys)
              .setCommonName("TrustBridge " + site + "/" + gateway)
              .setOrganization("TrustBridge")
              .setApplicationUri(uri)
              .setValidityPeriod(VALIDITY);
      hostNames().forEach(builder::addDnsName);
      certificate = builder.build();
    } catch (GeneralSecurityException e) {
      throw e;
    } catch (Exception e) {
      throw new GeneralSecurityException("cannot build the OPC UA application certificate", e);
    }
    file.write(keys, certificate);
    publish(stateDirectory, certificate);
    LOG.info(
        "opcua application certificate created applicationUri={} sha256={} notAfter={} file={}",
        uri,
        Certificates.sha256(certificate),
        certificate.getNotAfter().toInstant(),
        file.path());
    return new OpcUaApplicationIdentity(uri, keys, certificate);
  }

  /** Writes the certificate alone, for the server administrators who must trust it. */
  private static void publish(Path stateDirectory, X509Certificate certificate)
      throws IOException, GeneralSecurityException {
    Path target = stateDirectory.resolve(CERTIFICATE_FILE);
    byte[] encoded = certificate.getEncoded();
    if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), encoded)) {
      Files.write(target, encoded);
    }
  }

  /** The certificate that {@link #loadOrCreate} wrote for administrators, if it has run. */
  public static Optional<X509Certificate> publishedCertificate(Path stateDirectory)
      throws IOException, GeneralSecurityException {
    Path file = stateDirectory.resolve(CERTIFICATE_FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Optional.of(
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
  }

  /** {@code urn:trustbridge:<site>:<gateway>}. */
  public static String applicationUri(String site, String gateway) {
    return "urn:trustbridge:" + site + ":" + gateway;
  }

  /** The ApplicationUri the gateway presents to servers, also in its certificate. */
  public String applicationUri() {
    return applicationUri;
  }

  /** The application instance certificate that servers must trust. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** SHA-256 over the certificate's DER encoding, lowercase hex. */
  public String certificateSha256() {
    return Certificates.sha256(certificate);
  }

  KeyPair keys() {
    return keys;
  }

  private static boolean usable(X509Certificate certificate, String uri) {
    try {
      CertificateValidationUtil.checkApplicationUri(certificate, uri);
    } catch (Exception e) {
      return false;
    }
    return certificate.getNotAfter().toInstant().isAfter(Instant.now().plus(1, ChronoUnit.DAYS));
  }

  private static Set<String> hostNames() {
    Set<String> names = new LinkedHashSet<>();
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      LOG.debug("opcua host name unknown, certificate names localhost only error={}", e.toString());
    }
    names.add("localhost");
    return names;
  }

  @Override
  public String toString() {
    return "OpcUaApplicationIdentity[" + applicationUri + " sha256=" + certificateSha256() + "]";
  }
}
