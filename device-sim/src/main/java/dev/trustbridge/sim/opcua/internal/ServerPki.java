package dev.trustbridge.sim.opcua.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateManager;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateStore;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's PKI directory: its application certificate (RSA 2048, self-signed, ApplicationUri in
 * the subject alternative names) and the trust lists for client application certificates and X.509
 * user certificates, in the directory layout OPC UA applications share:
 *
 * <pre>
 * own/certs/application.der        the server's certificate
 * own/private/application.pem      its private key (PKCS#8, owner-only)
 * trusted/certs, trusted/crl       trusted client application certificates (and CRLs)
 * issuer/certs, issuer/crl         CA certificates that complete client chains
 * rejected/certs                   client certificates that were refused
 * users/trusted/certs, users/…     the same for X.509 user certificates
 * </pre>
 *
 * <p>The trust lists are watched: certificate files copied into {@code trusted/certs} count at
 * once. Trust is by exact certificate, or by a CA certificate in {@code trusted/certs} that issued
 * the peer's certificate; validity periods are checked.
 */
public final class ServerPki implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServerPki.class);

  private static final int KEY_BITS = 2048;
  // renews a day early so that the certificate does not expire in the middle of a run
  private static final Duration RENEWAL_MARGIN = Duration.ofDays(1);
  private static final Set<ValidationCheck> CLIENT_CHECKS =
      Set.of(ValidationCheck.APPLICATION_URI, ValidationCheck.VALIDITY);
  private static final Set<ValidationCheck> USER_CHECKS = Set.of(ValidationCheck.VALIDITY);

  private final Path directory;
  private final String applicationUri;
  private final String commonName;
  private final FileBasedTrustListManager clients;
  private final FileBasedTrustListManager users;
  private final CertificateValidator userValidator;
  private final DefaultApplicationGroup group;
  private final CertificateManager certificateManager;
  private volatile X509Certificate certificate;

  private ServerPki(Path directory, String applicationUri, String commonName, boolean acceptAll)
      throws Exception {
    this.directory = directory;
    this.applicationUri = applicationUri;
    this.commonName = commonName;
    OwnCertificate own = loadUsable().orElseGet(this::create);
    this.certificate = own.certificate();
    this.clients = FileBasedTrustListManager.createAndInitialize(directory);
    this.users = FileBasedTrustListManager.createAndInitialize(directory.resolve("users"));
    CertificateQuarantine rejectedClients =
        FileBasedCertificateQuarantine.create(directory.resolve("rejected").resolve("certs"));
    CertificateQuarantine rejectedUsers =
        FileBasedCertificateQuarantine.create(
            directory.resolve("users").resolve("rejected").resolve("certs"));
    CertificateValidator clientValidator =
        acceptAll
            ? new InsecureAcceptAllClients()
            : new LoggingValidator(
                "client",
                new DefaultServerCertificateValidator(clients, CLIENT_CHECKS, rejectedClients),
                directory);
    this.userValidator =
        new LoggingValidator(
            "user",
            new DefaultServerCertificateValidator(users, USER_CHECKS, rejectedUsers),
            directory.resolve("users"));
    MemoryCertificateStore store = new MemoryCertificateStore();
    store.set(
        NodeIds.RsaSha256ApplicationCertificateType,
        new CertificateStore.Entry(own.privateKey(), new X509Certificate[] {own.certificate()}));
    this.group =
        DefaultApplicationGroup.createAndInitialize(clients, store, new Factory(), clientValidator);
    this.certificateManager = new DefaultCertificateManager(rejectedClients, group);
  }

  /**
   * Opens the PKI in {@code directory}, creating the directories and an application certificate for
   * {@code applicationUri} where none usable is there.
   *
   * @param acceptAllClients accept every client application certificate, for simple tests
   * @throws UncheckedIOException if the directory cannot be created, read or written
   */
  public static ServerPki open(
      Path directory, String applicationUri, String commonName, boolean acceptAllClients) {
    try {
      return new ServerPki(
          directory.toAbsolutePath().normalize(), applicationUri, commonName, acceptAllClients);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open OPC UA PKI directory " + directory, e);
    } catch (UncheckedIOException | IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot open OPC UA PKI directory " + directory, e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** The server's current application certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** What the server's configuration uses for its keys, certificates and client trust. */
  public CertificateManager certificateManager() {
    return certificateManager;
  }

  /** Adds a client application certificate (or its CA) to the trusted list, on disk as well. */
  public void trustClient(X509Certificate client) {
    clients.addTrustedCertificate(client);
    log.info(
        "opcua client certificate trusted subject={} sha256={}",
        client.getSubjectX500Principal(),
        sha256(client));
  }

  /** Adds an X.509 user certificate (or its CA) to the trusted user list, on disk as well. */
  public void trustUser(X509Certificate user) {
    users.addTrustedCertificate(user);
    log.info(
        "opcua user certificate trusted subject={} sha256={}",
        user.getSubjectX500Principal(),
        sha256(user));
  }

  /** Whether an X.509 user certificate is trusted and valid now. */
  public boolean isTrustedUser(X509Certificate user) {
    try {
      userValidator.validateCertificateChain(List.of(user), null, null);
      return true;
    } catch (UaException e) {
      return false;
    }
  }

  /**
   * Replaces the application certificate with one for a new key, on disk and for new secure
   * channels.
   */
  public X509Certificate renew() {
    OwnCertificate created = create();
    try {
      group.updateCertificate(
          NodeIds.RsaSha256ApplicationCertificateType,
          new KeyPair(created.certificate().getPublicKey(), created.privateKey()),
          new X509Certificate[] {created.certificate()});
    } catch (Exception e) {
      throw new IllegalStateException("cannot install the new application certificate", e);
    }
    certificate = created.certificate();
    return certificate;
  }

  @Override
  public void close() {
    for (FileBasedTrustListManager trustList : List.of(clients, users)) {
      try {
        trustList.close();
      } catch (IOException e) {
        log.warn("opcua trust list did not close dir={} error={}", directory, e.toString());
      }
    }
  }

  /** SHA-256 over the certificate's DER encoding, lowercase hex. */
  public static String sha256(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private Path certificateFile() {
    return directory.resolve("own").resolve("certs").resolve("application.der");
  }

  private Path keyFile() {
    return directory.resolve("own").resolve("private").resolve("application.pem");
  }

  private Optional<OwnCertificate> loadUsable() {
    Path certFile = certificateFile();
    Path keyFile = keyFile();
    if (!Files.exists(certFile) || !Files.exists(keyFile)) {
      return Optional.empty();
    }
    try {
      X509Certificate stored;
      try (var in = Files.newInputStream(certFile)) {
        stored = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      Object pem;
      try (PEMParser parser =
          new PEMParser(new StringReader(Files.readString(keyFile, StandardCharsets.US_ASCII)))) {
        pem = parser.readObject();
      }
      if (!(pem instanceof PrivateKeyInfo keyInfo)) {
        throw new IOException(keyFile + " holds no PKCS#8 private key");
      }
      PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(keyInfo);
      String reason = unusable(stored, key);
      if (reason.isEmpty()) {
        return Optional.of(new OwnCertificate(key, stored));
      }
      log.info("opcua application certificate replaced dir={} reason={}", directory, reason);
    } catch (IOException | GeneralSecurityException e) {
      log.warn(
          "opcua application certificate unreadable, replacing dir={} error={}",
          directory,
          e.toString());
    }
    return Optional.empty();
  }

  /** Why a stored certificate cannot be used, or empty text. */
  private String unusable(X509Certificate stored, PrivateKey key) {
    if (!(stored.getPublicKey() instanceof RSAPublicKey publicKey)
        || !(key instanceof RSAPrivateCrtKey privateKey)
        || !publicKey.getModulus().equals(privateKey.getModulus())) {
      return "key and certificate do not match";
    }
    if (publicKey.getModulus().bitLength() < KEY_BITS) {
      return "RSA key shorter than " + KEY_BITS + " bits";
    }
    if (!CertificateUtil.getSanUri(stored).map(applicationUri::equals).orElse(false)) {
      return "certificate is not for " + applicationUri;
    }
    if (stored.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEWAL_MARGIN))) {
      return "certificate expires " + stored.getNotAfter().toInstant();
    }
    return "";
  }

  private OwnCertificate create() {
    try {
      KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(KEY_BITS);
      X509Certificate created = selfSigned(keys);
      writeOwnerOnly(keyFile(), pem(keys.getPrivate()));
      writeOwnerOnly(certificateFile(), created.getEncoded());
      log.info(
          "opcua application certificate created dir={} applicationUri={} sha256={} notAfter={}",
          directory,
          applicationUri,
          sha256(created),
          created.getNotAfter().toInstant());
      return new OwnCertificate(keys.getPrivate(), created);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the OPC UA application certificate", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the OPC UA application certificate", e);
    }
  }

  private X509Certificate selfSigned(KeyPair keys) throws Exception {
    return new SelfSignedCertificateBuilder(keys)
        .setCommonName(commonName)
        .setOrganization("TrustBridge development")
        .setApplicationUri(applicationUri)
        .addDnsName("localhost")
        .addIpAddress("127.0.0.1")
        .setValidityPeriod(Period.ofYears(1))
        .build();
  }

  /** PKCS#8 ({@code BEGIN PRIVATE KEY}), unencrypted: the file is owner-only. */
  private static byte[] pem(PrivateKey key) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Replaces {@code target} atomically; the file and the new directories are owner-only. */
  private static void writeOwnerOnly(Path target, byte[] content) throws IOException {
    Path dir = target.getParent();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }
    // createTempFile makes the file owner-only before any byte is written into it
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private record OwnCertificate(PrivateKey privateKey, X509Certificate certificate) {}

  /** Creates application certificates of this server when Milo asks for one. */
  private final class Factory extends RsaSha256CertificateFactory {
    @Override
    protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) throws Exception {
      return new X509Certificate[] {selfSigned(keyPair)};
    }
  }

  /** Logs each refused certificate with what to do about it, then refuses it. */
  private record LoggingValidator(String kind, CertificateValidator delegate, Path trustDirectory)
      implements CertificateValidator {
    @Override
    public void validateCertificateChain(
        List<X509Certificate> chain, String applicationUri, String[] validHostnames)
        throws UaException {
      try {
        delegate.validateCertificateChain(chain, applicationUri, validHostnames);
      } catch (UaException e) {
        X509Certificate peer = chain.get(0);
        log.warn(
            "opcua {} certificate refused subject={} sha256={} status={} trustDir={}",
            kind,
            peer.getSubjectX500Principal(),
            sha256(peer),
            e.getStatusCode(),
            trustDirectory.resolve("trusted").resolve("certs"));
        throw e;
      }
    }
  }

  /** Accepts every client application certificate: the scenario asked for it explicitly. */
  private static final class InsecureAcceptAllClients implements CertificateValidator {
    @Override
    public void validateCertificateChain(
        List<X509Certificate> chain, String applicationUri, String[] validHostnames) {
      log.debug(
          "opcua client certificate accepted without trust check subject={}",
          chain.get(0).getSubjectX500Principal());
    }
  }
}
