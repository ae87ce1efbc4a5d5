package dev.trustbridge.trust.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.trust.envelope.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading certificate files: every certificate in order, or an error that names the file. */
class PemCertificatesTest {

  @TempDir Path directory;

  @Test
  void pemFileWithTwoCertificates_readsBothInOrder() throws Exception {
    TestPki first = TestPki.create(Instant.now());
    TestPki second = TestPki.create(Instant.now());
    Path file = directory.resolve("cas.pem");
    Files.writeString(file, pem(first) + pem(second));

    assertThat(PemCertificates.read(file)).containsExactly(first.root(), second.root());
  }

  @Test
  void emptyOrGarbageFile_isRefusedNamingTheFile() throws Exception {
    Path empty = Files.writeString(directory.resolve("empty.pem"), "");
    Path garbage =
        Files.writeString(directory.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nxx");

    assertThatThrownBy(() -> PemCertificates.read(empty))
        .isInstanceOf(IOException.class)
        .hasMessage(empty + " holds no certificate");
    assertThatThrownBy(() -> PemCertificates.read(garbage))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(garbage + " is not a PEM certificate file");
  }

  private static String pem(TestPki pki) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pki.root().getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
