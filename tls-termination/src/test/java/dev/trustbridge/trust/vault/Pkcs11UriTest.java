package dev.trustbridge.trust.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class Pkcs11UriTest {

  @Test
  void parse_tokenObjectModuleAndSlot() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse(
            "pkcs11:token=plant%20gateway;object=gateway-identity;slot-id=3"
                + "?module-path=/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so");

    assertThat(uri.token()).contains("plant gateway");
    assertThat(uri.object()).contains("gateway-identity");
    assertThat(uri.slotId()).isEqualTo(OptionalInt.of(3));
    assertThat(uri.slotIndex()).isEmpty();
    assertThat(uri.modulePath())
        .isEqualTo(Path.of("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so"));
  }

  @Test
  void objectUri_roundTripsThroughParse() {
    Pkcs11Uri token =
        new Pkcs11Uri(
            Path.of("/opt/hsm/lib pkcs11.so"),
            Optional.of("trust bridge"),
            Optional.empty(),
            OptionalInt.empty(),
            OptionalInt.of(1));

    String uri = token.objectUri("gw identity", "private");

    assertThat(uri)
        .isEqualTo(
            "pkcs11:token=trust%20bridge;object=gw%20identity;type=private"
                + "?module-path=/opt/hsm/lib%20pkcs11.so&x-slot-index=1");
    Pkcs11Uri parsed = Pkcs11Uri.parse(uri);
    assertThat(parsed.token()).contains("trust bridge");
    assertThat(parsed.object()).contains("gw identity");
    assertThat(parsed.slotIndex()).isEqualTo(OptionalInt.of(1));
    assertThat(parsed.modulePath()).isEqualTo(Path.of("/opt/hsm/lib pkcs11.so"));
  }

  @Test
  void pinInUri_isRefused() {
    assertThatThrownBy(
            () -> Pkcs11Uri.parse("pkcs11:token=t?module-path=/lib/p11.so&pin-value=1234"))
        .hasMessageContaining("must not carry pin-value")
        .hasMessageNotContaining("1234");
  }

  @Test
  void malformedUris_areRefusedWithTheReason() {
    assertThatThrownBy(() -> Pkcs11Uri.parse("file:/tmp/x"))
        .hasMessageContaining("is not a pkcs11: URI");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=t"))
        .hasMessageContaining("needs ?module-path=");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=a;token=b?module-path=/m.so"))
        .hasMessageContaining("'token' is given twice");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=%4?module-path=/m.so"))
        .hasMessageContaining("truncated %-escape");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:slot-id=x?module-path=/m.so"))
        .hasMessageContaining("slot-id='x' is not a number");
  }
}
