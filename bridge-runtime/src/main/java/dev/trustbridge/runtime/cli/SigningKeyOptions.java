package dev.trustbridge.runtime.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import picocli.CommandLine.Option;

/**
 * The signing key of an operator or configuration publisher, as command-line options: a PEM private
 * key with its chain, a PKCS#12 file, or a key in a PKCS#11 token (the token signs, the key never
 * leaves it).
 */
final class SigningKeyOptions {

  private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY",
      description =
          "Signing key: a PEM private key, a PKCS#12 file (.p12/.pfx), or a pkcs11: URI of a"
              + " token key.")
  String key;

  @Option(
      names = "--cert",
      paramLabel = "PEM",
      description =
          "The signer's certificate chain, signer first (default: the chain stored with the"
              + " key in a PKCS#12 file or token).")
  Path cert;

  @Option(
      names = "--key-password-file",
      paramLabel = "FILE",
      description = "File holding the PKCS#12 password, or the token PIN for a pkcs11: key.")
  Path keyPasswordFile;

  /** What is done with the opened key. */
  interface Signing<T> {
    T sign(JWSSigner signer, JWSAlgorithm algorithm, List<X509Certificate> chain) throws Exception;
  }

  /** Opens the key (and its token, while signing) and hands it to {@code signing}. */
  <T> T sign(Signing<T> signing) throws Exception {
    return key.startsWith("pkcs11:") ? signWithToken(signing) : signWithFile(signing);
  }

  private <T> T signWithFile(Signing<T> signing) throws Exception {
    Path file = Path.of(key);
    PrivateKey privateKey;
    List<X509Certificate> chain = new ArrayList<>();
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".p12") || name.endsWith(".pfx")) {
      char[] password = secret();
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file)) {
        store.load(in, password);
      }
      String alias =
          Collections.list(store.aliases()).stream()
              .filter(a -> isKey(store, a))
              .findFirst()
              .orElseThrow(() -> new IOException(file + " holds no private key"));
      privateKey = (PrivateKey) store.getKey(alias, password);
      Arrays.fill(password, '\0');
      for (Certificate certificate : store.getCertificateChain(alias)) {
        chain.add((X509Certificate) certificate);
      }
    } else {
      privateKey = readPemKey(file);
    }
    if (cert != null) {
      chain = KeysCommand.readChain(cert);
    }
    if (chain.isEmpty()) {
      throw new IOException("--cert is required with a PEM key: what is signed carries the chain");
    }
    if (privateKey instanceof ECPrivateKey ec) {
      JWSAlgorithm algorithm =
          ec.getParams().getCurve().getField().getFieldSize() > 256
              ? JWSAlgorithm.ES384
              : JWSAlgorithm.ES256;
      return signing.sign(new ECDSASigner(ec), algorithm, chain);
    }
    if (privateKey instanceof RSAPrivateKey rsa) {
      return signing.sign(new RSASSASigner(rsa), JWSAlgorithm.PS256, chain);
    }
    throw new IOException("keys of type " + privateKey.getAlgorithm() + " cannot sign");
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private <T> T signWithToken(Signing<T> signing) throws Exception {
    Pkcs11Uri uri = Pkcs11Uri.parse(key);
    String alias =
        uri.object()
            .orElseThrow(() -> new IOException("the pkcs11: URI must name the key: object=…"));
    VaultConfig.Pkcs11 config = new VaultConfig.Pkcs11(uri, secret());
    try (Vault vault = Vaults.open(config)) {
      Identity identity = vault.identity(alias);
      ContentSigner signer = identity.contentSigner();
      if (!signer.getAlgorithmIdentifier().getAlgorithm().getId().equals(ECDSA_SHA256)) {
        throw new IOException(
            "token key " + identity.keyUri() + " does not sign with ECDSA P-256 (ES256)");
      }
      List<X509Certificate> chain =
          cert == null ? identity.certificateChain() : KeysCommand.readChain(cert);
      return signing.sign(new TokenSigner(signer), JWSAlgorithm.ES256, chain);
    } finally {
      config.clear();
    }
  }

  private char[] secret() throws IOException {
    if (keyPasswordFile == null) {
      throw new IOException("--key-password-file is required for a PKCS#12 file or a token");
    }
    return Files.readString(keyPasswordFile).strip().toCharArray();
  }

  private static PrivateKey readPemKey(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file);
        PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(file + " holds no unencrypted PEM private key");
    }
  }

  /** Signs JWS signing input inside a token, turning its DER ECDSA signature into JOSE form. */
  private static final class TokenSigner implements JWSSigner {
    private final ContentSigner signer;
    private final JCAContext context = new JCAContext();

    TokenSigner(ContentSigner signer) {
      this.signer = signer;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      try (OutputStream stream = signer.getOutputStream()) {
        stream.write(signingInput);
      } catch (IOException e) {
        throw new JOSEException("the token cannot sign: " + e.getMessage(), e);
      }
      return Base64URL.encode(ECDSA.transcodeSignatureToConcat(signer.getSignature(), 64));
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.ES256);
    }

    @Override
    public JCAContext getJCAContext() {
      return context;
    }
  }
}
