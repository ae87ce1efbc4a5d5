package dev.trustbridge.policy.rules.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobTest {

  @Test
  void everyForm_matchesWholeNamesOnly() {
    assertThat(new Glob(List.of("boiler-1")).matches("boiler-1")).isTrue();
    assertThat(new Glob(List.of("boiler-1")).matches("boiler-10")).isFalse();
    assertThat(new Glob(List.of("*")).matches("")).isTrue();
    assertThat(new Glob(List.of("tank-*")).matches("tank-")).isTrue();
    assertThat(new Glob(List.of("tank-*")).matches("tank-7")).isTrue();
    assertThat(new Glob(List.of("tank-*")).matches("my-tank-7")).isFalse();
    assertThat(new Glob(List.of("*Temperature")).matches("waterTemperature")).isTrue();
    assertThat(new Glob(List.of("*Temperature")).matches("Temperatures")).isFalse();
    assertThat(new Glob(List.of("line-?")).matches("line-3")).isTrue();
    assertThat(new Glob(List.of("line-?")).matches("line-33")).isFalse();
    assertThat(new Glob(List.of("a*b*c")).matches("a-b-c")).isTrue();
    assertThat(new Glob(List.of("a*b*c")).matches("a-c-b")).isFalse();
    // regular expression characters are literal
    assertThat(new Glob(List.of("v1.0*")).matches("v1x0")).isFalse();
    assertThat(new Glob(List.of("(x)?")).matches("(x)1")).isTrue();
  }

  @Test
  void severalPatterns_matchWhenAnyDoes() {
    Glob glob = new Glob(List.of("recipe*", "batch*"));

    assertThat(glob.matches("batchId")).isTrue();
    assertThat(glob.matches("speed")).isFalse();
  }
}
