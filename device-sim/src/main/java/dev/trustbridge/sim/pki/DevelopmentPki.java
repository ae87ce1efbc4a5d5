package dev.trustbridge.sim.pki;

import dev.trustbridge.sim.pki.CertificateIssuer.KeyAndCertificate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file-based certificate authority for development, demos and tests: an EC P-256 CA, a broker
 * server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, TLS client
 * certificates by name, and, for tests of clients, server certificates with a chosen validity and
 * host names. Never use it in production: its CA key lies on disk.
 *
 * <p>Files in the directory: {@code ca.pem} (CA certificate), {@code ca.p12} (CA key), {@code
 * truststore.p12} (CA certificate as trusted entry), {@code broker.pem}/{@code broker.p12}, {@code
 * <name>.pem}/{@code <name>.p12} per client, and {@code keystore-password} (owner-only), the random
 * password of every PKCS#12 file. Each keystore holds one key and its chain (leaf, CA) under the
 * alias of its file name stem.
 *
 * <p>{@link #openOrCreate} reuses what is there and regenerates only what is missing, unreadable,
 * expiring within a day, or not issued by the current CA.
 */
public final class DevelopmentPki {

  private static final Logger log = LoggerFactory.getLogger(DevelopmentPki.class);

  private static final String CA = "ca";
  private static final String BROKER = "broker";
  private static final String IDENTITY_PREFIX = "identity-";
  private static final String TRUSTSTORE = "truststore";
  private static final String PASSWORD_FILE = "keystore-password";
  private static final String LOCK_FILE = ".lock";
  private static final String KEYSTORE_TYPE = "PKCS12";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> RESERVED_NAMES = Set.of(CA, BROKER, TRUSTSTORE);
  // renews a day early so that no certificate expires in the middle of a demo or test run
  private static final Duration RENEWAL_MARGIN = Duration.ofDays(1);
  // a FileLock excludes other processes only; threads of this JVM queue here first
  private static final Object JVM_LOCK = new Object();

  private final Path directory;
  private final Clock clock;
  private final CertificateIssuer issuer = new CertificateIssuer();
  private final char[] password;
  private final KeyAndCertificate ca;
  private final IssuedCertificate broker;

  private DevelopmentPki(Path directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
    this.password = readOrCreatePassword();
    this.ca =
        loadUsable(CA, X509Certificate::getPublicKey)
            .filter(DevelopmentPki::allowsGatewayIdentities)
            .orElseGet(this::createCa);
    writePemIfChanged(caCertificateFile(), ca.certificate());
    writeTrustStoreIfChanged();
    this.broker =
        ensureIssued(
            BROKER,
            now ->
                issuer.issueServer(
                    "localhost",
                    ca,
                    now,
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")));
  }

  /**
   * Opens the PKI in {@code directory}, creating the directory (owner-only), the CA and the broker
   * certificate where they are missing or no longer usable.
   *
   * @throws UncheckedIOException if the directory cannot be created, locked, read or written
   */
  public static DevelopmentPki openOrCreate(Path directory) {
    return openOrCreate(directory, Clock.systemUTC());
  }

  static DevelopmentPki openOrCreate(Path directory, Clock clock) {
    Path dir = directory.toAbsolutePath().normalize();
    SecureFiles.createDirectory(dir);
    return locked(dir, () -> new DevelopmentPki(dir, clock));
  }

  /**
   * The TLS client certificate named {@code name} (its common name), issued on first request and
   * reused afterwards.
   *
   * @param name letters, digits, {@code .}, {@code _} and {@code -}; not {@code ca}, {@code broker}
   *     or {@code truststore}
   * @throws IllegalArgumentException if the name is not allowed
   */
  public IssuedCertificate clientCertificate(String name) {
    requireName(name, "client certificate");
    return locked(directory, () -> ensureIssued(name, now -> issuer.issueClient(name, ca, now)));
  }

  /**
   * A certificate for a person who signs commands, named {@code name} (its common name), whose
   * subject grants each of {@code roles} as an X.520 {@code role} attribute (OID 2.5.4.72); issued
   * on first request and reused while it grants the same roles.
   *
   * @param name as for {@link #clientCertificate(String)}
   * @throws IllegalArgumentException if the name is not allowed
   */
  public IssuedCertificate operatorCertificate(String name, String... roles) {
    requireName(name, "operator certificate");
    List<String> wanted = List.of(roles);
    return locked(
        directory,
        () ->
            ensureIssued(
                name,
                now -> issuer.issueOperator(name, wanted, ca, now),
                certificate -> rolesOf(certificate).equals(Set.copyOf(wanted))));
  }

  private static Set<String> rolesOf(X509Certificate certificate) {
    Set<String> roles = new HashSet<>();
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    for (RDN rdn : subject.getRDNs(CertificateIssuer.ROLE)) {
      roles.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return roles;
  }

  /**
   * Issues a TLS server certificate with the given validity period and host names, replacing what
   * is stored under {@code name}. It lets tests stand up a broker whose certificate has expired, is
   * not yet valid, or names other hosts; {@link #broker()} stays the usable one. Use names of their
   * own: {@link #clientCertificate(String)} would hand out a valid one of the same name.
   *
   * @param name the file name stem and keystore alias, as for {@link #clientCertificate(String)}
   * @param notBefore the start of the validity period, truncated to whole seconds
   * @param notAfter the end of the validity period, truncated to whole seconds
   * @param hostNames DNS names and IP literals, the subject alternative names; the first is also
   *     the common name
   * @throws IllegalArgumentException if the name is not allowed, no host name is given, or {@code
   *     notAfter} is not after {@code notBefore}
   */
  public IssuedCertificate issueServerCertificate(
      String name, Instant notBefore, Instant notAfter, String... hostNames) {
    requireName(name, "server certificate");
    Instant from = notBefore.truncatedTo(ChronoUnit.SECONDS);
    Instant until = notAfter.truncatedTo(ChronoUnit.SECONDS);
    if (!until.isAfter(from)) {
      throw new IllegalArgumentException(
          "server certificate '" + name + "': notAfter " + until + " is not after " + from);
    }
    if (hostNames.length == 0) {
      throw new IllegalArgumentException("server certificate '" + name + "' needs a host name");
    }
    GeneralName[] alternativeNames = new GeneralName[hostNames.length];
    for (int i = 0; i < hostNames.length; i++) {
      int type = IPAddress.isValid(hostNames[i]) ? GeneralName.iPAddress : GeneralName.dNSName;
      alternativeNames[i] = new GeneralName(type, hostNames[i]);
    }
    return locked(
        directory,
        () -> {
          KeyAndCertificate created =
              issuer.issueServer(hostNames[0], ca, from, until, alternativeNames);
          writeKeyStore(name, created, ca.certificate());
          Path pem = directory.resolve(name + ".pem");
          writePemIfChanged(pem, created.certificate());
          log.info(
              "development server certificate issued dir={} name={} hosts={} notBefore={}"
                  + " notAfter={}",
              directory,
              name,
              String.join(",", hostNames),
              from,
              until);
          return new IssuedCertificate(name, created.certificate(), pem, keyStoreFile(name));
        });
  }

  /**
   * The development identity of gateway {@code gatewayId} at {@code site}: a key with a gateway
   * identity certificate ({@code CN=<gatewayId>, OU=<site>}; clientAuth, and CA with path length 0
   * so that it can certify its session keys), in {@code identity-<gatewayId>.p12} under that alias.
   */
  public IssuedCertificate gatewayIdentity(String gatewayId, String site) {
    String name = IDENTITY_PREFIX + gatewayId;
    requireName(name, "gateway identity");
    X500Name subject = gatewaySubject(gatewayId, site);
    return locked(
        directory, () -> ensureIssued(name, now -> issuer.issueGatewayIdentity(subject, ca, now)));
  }

  /**
   * Issues a gateway identity certificate (see {@link #gatewayIdentity}) for the key of a PKCS#10
   * request, e.g. a key generated inside a TPM, after checking the request's signature. The
   * request's subject is used as it is.
   *
   * @return the chain: the new certificate, then the CA certificate
   * @throws IllegalArgumentException if the request's signature does not verify
   */
  public List<X509Certificate> signGatewayRequest(PKCS10CertificationRequest request) {
    PublicKey key = verifiedKey(request);
    X509Certificate leaf =
        issuer.certifyGatewayIdentity(request.getSubject(), key, ca, clock.instant());
    log.info(
        "development gateway identity issued from a request subject={} notAfter={}",
        leaf.getSubjectX500Principal(),
        leaf.getNotAfter().toInstant());
    return List.of(leaf, ca.certificate());
  }

  private static X500Name gatewaySubject(String gatewayId, String site) {
    // most significant RDN first, so that it prints as "CN=…, OU=…, O=…"
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "TrustBridge development")
        .addRDN(BCStyle.OU, site)
        .addRDN(BCStyle.CN, gatewayId)
        .build();
  }

  private static boolean allowsGatewayIdentities(KeyAndCertificate ca) {
    // a CA with path length 0, as earlier versions made it, cannot have gateway identities (CAs)
    // below
    boolean allows = ca.certificate().getBasicConstraints() == Integer.MAX_VALUE;
    if (!allows) {
      log.info("development CA limits its path length, renewing it for gateway identities");
    }
    return allows;
  }

  /**
   * Issues a client certificate (clientAuth) for the key of a PKCS#10 request, e.g. a gateway key
   * generated inside a token, after checking the request's signature.
   *
   * @return the chain: the new certificate, then the CA certificate
   * @throws IllegalArgumentException if the request's signature does not verify
   */
  public List<X509Certificate> signClientRequest(PKCS10CertificationRequest request) {
    PublicKey key = verifiedKey(request);
    X509Certificate leaf = issuer.certifyClient(request.getSubject(), key, ca, clock.instant());
    log.info(
        "development certificate issued from a request subject={} notAfter={}",
        leaf.getSubjectX500Principal(),
        leaf.getNotAfter().toInstant());
    return List.of(leaf, ca.certificate());
  }

  /** The request's public key, once its signature proves that the requester holds the key. */
  private static PublicKey verifiedKey(PKCS10CertificationRequest request) {
    try {
      PublicKey key = new JcaPKCS10CertificationRequest(request).getPublicKey();
      if (!request.isSignatureValid(
          new JcaContentVerifierProviderBuilder()
              .setProvider(new BouncyCastleProvider())
              .build(key))) {
        throw new IllegalArgumentException(
            "the request of " + request.getSubject() + " is not signed by its key");
      }
      return key;
    } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
      throw new IllegalArgumentException("cannot read the request of " + request.getSubject(), e);
    }
  }

  /** The broker's server certificate: SAN DNS {@code localhost}, IP 127.0.0.1 and ::1. */
  public IssuedCertificate broker() {
    return broker;
  }

  /** The directory that holds every file of this PKI. */
  public Path directory() {
    return directory;
  }

  /** The self-signed CA certificate. */
  public X509Certificate caCertificate() {
    return ca.certificate();
  }

  /**
   * The CA certificate as PEM ({@code ca.pem}): what peers configure to verify our certificates.
   */
  public Path caCertificateFile() {
    return directory.resolve(CA + ".pem");
  }

  /** A PKCS#12 truststore ({@code truststore.p12}) with the CA certificate as trusted entry. */
  public Path trustStoreFile() {
    return directory.resolve(TRUSTSTORE + ".p12");
  }

  /** The owner-only file ({@code keystore-password}) with the password of every PKCS#12 file. */
  public Path passwordFile() {
    return directory.resolve(PASSWORD_FILE);
  }

  /** A copy of the keystore password; the caller may clear it after use. */
  public char[] password() {
    return password.clone();
  }

  /**
   * JSSE key managers that present the named client certificate (issued first if needed), for the
   * TLS clients of demos and tests.
   */
  public KeyManagerFactory keyManagerFactory(String clientName) {
    return keyManagerFactory(clientCertificate(clientName));
  }

  /**
   * JSSE key managers that present {@code certificate}, e.g. one of {@link
   * #issueServerCertificate}, for a TLS server in a test.
   */
  public KeyManagerFactory keyManagerFactory(IssuedCertificate certificate) {
    Path file = certificate.keyStoreFile();
    try {
      KeyStore store = KeyStore.getInstance(KEYSTORE_TYPE);
      store.load(new ByteArrayInputStream(Files.readAllBytes(file)), password);
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load development keystore " + file, e);
    }
  }

  /** JSSE trust managers that trust exactly this PKI's CA. */
  public TrustManagerFactory trustManagerFactory() {
    try {
      KeyStore store = KeyStore.getInstance(KEYSTORE_TYPE);
      store.load(null, null);
      store.setCertificateEntry(CA, ca.certificate());
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build trust managers for the development CA", e);
    }
  }

  @Override
  public String toString() {
    return "DevelopmentPki[" + directory + "]";
  }

  private static void requireName(String name, String kind) {
    if (!NAME.matcher(name).matches() || RESERVED_NAMES.contains(name)) {
      throw new IllegalArgumentException(
          kind
              + " name '"
              + name
              + "' must match "
              + NAME.pattern()
              + " and not be one of "
              + RESERVED_NAMES);
    }
  }

  private static <T> T locked(Path dir, Supplier<T> action) {
    synchronized (JVM_LOCK) {
      try (FileChannel channel =
              FileChannel.open(
                  dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        return action.get();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot lock PKI directory " + dir, e);
      }
    }
  }

  private char[] readOrCreatePassword() {
    Path file = passwordFile();
    try {
      byte[] content = Files.readAllBytes(file);
      CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(content));
      char[] trimmed = trim(decoded);
      Arrays.fill(content, (byte) 0);
      Arrays.fill(decoded.array(), '\0');
      if (trimmed.length > 0) {
        SecureFiles.setPermissions(file, SecureFiles.OWNER_ONLY);
        return trimmed;
      }
      log.warn("development PKI password file is empty, regenerating file={}", file);
    } catch (NoSuchFileException e) {
      log.info("development PKI password file missing, generating file={}", file);
    } catch (IOException e) {
      log.warn(
          "development PKI password file unreadable, regenerating file={} error={}",
          file,
          e.toString());
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    char[] created = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(created));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    SecureFiles.write(file, bytes, SecureFiles.OWNER_ONLY);
    Arrays.fill(bytes, (byte) 0);
    return created;
  }

  // editors and `echo` append a newline that is not part of the password
  private static char[] trim(CharBuffer text) {
    int end = text.limit();
    while (end > text.position() && Character.isWhitespace(text.get(end - 1))) {
      end--;
    }
    char[] trimmed = new char[end - text.position()];
    text.get(trimmed);
    return trimmed;
  }

  private KeyAndCertificate createCa() {
    KeyAndCertificate created = issuer.createCa("TrustBridge Development CA", clock.instant());
    writeKeyStore(CA, created);
    log.info(
        "development CA created dir={} subject={} notAfter={}",
        directory,
        created.certificate().getSubjectX500Principal().getName(),
        created.certificate().getNotAfter().toInstant());
    return created;
  }

  private IssuedCertificate ensureIssued(String name, Function<Instant, KeyAndCertificate> issue) {
    return ensureIssued(name, issue, certificate -> true);
  }

  /** As above, reusing a stored certificate only if it also {@code fits}. */
  private IssuedCertificate ensureIssued(
      String name, Function<Instant, KeyAndCertificate> issue, Predicate<X509Certificate> fits) {
    KeyAndCertificate entry =
        loadUsable(name, certificate -> ca.certificate().getPublicKey())
            .filter(stored -> fits.test(stored.certificate()))
            .orElseGet(
                () -> {
                  KeyAndCertificate created = issue.apply(clock.instant());
                  writeKeyStore(name, created, ca.certificate());
                  log.info(
                      "development certificate issued dir={} name={} notAfter={}",
                      directory,
                      name,
                      created.certificate().getNotAfter().toInstant());
                  return created;
                });
    Path pem = directory.resolve(name + ".pem");
    writePemIfChanged(pem, entry.certificate());
    return new IssuedCertificate(name, entry.certificate(), pem, keyStoreFile(name));
  }

  /**
   * The key and certificate stored under {@code name}, if the keystore is readable, the certificate
   * is valid beyond the renewal margin, and it verifies with the key that {@code issuerKey} gives.
   */
  private Optional<KeyAndCertificate> loadUsable(
      String name, Function<X509Certificate, PublicKey> issuerKey) {
    Path file = keyStoreFile(name);
    if (!Files.exists(file)) {
      log.info("development keystore missing, creating file={}", file);
      return Optional.empty();
    }
    KeyAndCertificate entry;
    try {
      entry = readKeyStore(file, name);
    } catch (IOException | GeneralSecurityException e) {
      log.warn(
          "development keystore unreadable, regenerating file={} error={}", file, e.toString());
      return Optional.empty();
    }
    X509Certificate certificate = entry.certificate();
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (notAfter.isBefore(clock.instant().plus(RENEWAL_MARGIN))) {
      log.info("development certificate expiring, renewing file={} notAfter={}", file, notAfter);
      return Optional.empty();
    }
    try {
      certificate.verify(issuerKey.apply(certificate));
    } catch (GeneralSecurityException e) {
      log.info("development certificate not issued by the current CA, renewing file={}", file);
      return Optional.empty();
    }
    return Optional.of(entry);
  }

  private KeyAndCertificate readKeyStore(Path file, String alias)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KEYSTORE_TYPE);
    store.load(new ByteArrayInputStream(Files.readAllBytes(file)), password);
    Key key = store.getKey(alias, password);
    Certificate certificate = store.getCertificate(alias);
    if (!(key instanceof PrivateKey privateKey) || !(certificate instanceof X509Certificate x509)) {
      throw new GeneralSecurityException("no private key entry with alias " + alias);
    }
    return new KeyAndCertificate(privateKey, x509);
  }

  private void writeKeyStore(String alias, KeyAndCertificate entry, X509Certificate... issuers) {
    Certificate[] chain = new Certificate[issuers.length + 1];
    chain[0] = entry.certificate();
    System.arraycopy(issuers, 0, chain, 1, issuers.length);
    try {
      KeyStore store = KeyStore.getInstance(KEYSTORE_TYPE);
      store.load(null, null);
      store.setKeyEntry(alias, entry.privateKey(), password, chain);
      SecureFiles.write(keyStoreFile(alias), serialize(store), SecureFiles.OWNER_ONLY);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create keystore " + keyStoreFile(alias), e);
    }
  }

  private void writeTrustStoreIfChanged() {
    Path file = trustStoreFile();
    try {
      if (Files.exists(file)) {
        KeyStore existing = KeyStore.getInstance(KEYSTORE_TYPE);
        existing.load(new ByteArrayInputStream(Files.readAllBytes(file)), password);
        if (ca.certificate().equals(existing.getCertificate(CA))) {
          return;
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      log.warn("development truststore unreadable, rewriting file={} error={}", file, e.toString());
    }
    try {
      KeyStore store = KeyStore.getInstance(KEYSTORE_TYPE);
      store.load(null, null);
      store.setCertificateEntry(CA, ca.certificate());
      SecureFiles.write(file, serialize(store), SecureFiles.OWNER_ONLY);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create truststore " + file, e);
    }
  }

  private byte[] serialize(KeyStore store) throws IOException, GeneralSecurityException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, password);
    return out.toByteArray();
  }

  private static void writePemIfChanged(Path file, X509Certificate certificate) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(certificate);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode certificate for " + file, e);
    }
    byte[] pem = text.toString().getBytes(StandardCharsets.US_ASCII);
    try {
      if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), pem)) {
        return;
      }
    } catch (IOException e) {
      log.warn(
          "development certificate file unreadable, rewriting file={} error={}",
          file,
          e.toString());
    }
    SecureFiles.write(file, pem, SecureFiles.PUBLIC_READ);
  }

  private Path keyStoreFile(String name) {
    return directory.resolve(name + ".p12");
  }
}
