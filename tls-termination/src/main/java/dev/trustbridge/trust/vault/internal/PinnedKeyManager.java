package dev.trustbridge.trust.vault.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager that always offers one identity. A token can hold several keys; a key
 * manager that picks among them could present the wrong one.
 */
final class PinnedKeyManager extends X509ExtendedKeyManager {

  private final String alias;
  private final PrivateKey key;
  private final Supplier<List<X509Certificate>> chain;

  PinnedKeyManager(String alias, PrivateKey key, Supplier<List<X509Certificate>> chain) {
    this.alias = alias;
    this.key = key;
    this.chain = chain;
  }

  private String aliasFor(String[] keyTypes) {
    for (String keyType : keyTypes) {
      if (keyType.equals(key.getAlgorithm()) || keyType.startsWith(key.getAlgorithm() + "_")) {
        return alias;
      }
    }
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return aliasFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyTypes);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliasFor(new String[] {keyType}) == null ? null : new String[] {alias};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String requested) {
    return alias.equals(requested) ? chain.get().toArray(X509Certificate[]::new) : null;
  }

  @Override
  public PrivateKey getPrivateKey(String requested) {
    return alias.equals(requested) ? key : null;
  }
}
