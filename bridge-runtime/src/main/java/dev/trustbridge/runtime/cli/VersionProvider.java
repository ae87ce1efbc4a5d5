package dev.trustbridge.runtime.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version recorded in the runtime jar's manifest. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = TrustBridgeCli.class.getPackage().getImplementationVersion();
    return new String[] {"trustbridge " + (version == null ? "(development build)" : version)};
  }
}
