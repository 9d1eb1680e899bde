package dev.ociregistry.controller.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DER the traditional key formats need: every length form written and read back; bad input. */
class DerTest {
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 127, 128, 255, 256, 65_535, 65_536})
  void elementOfEveryLengthFormIsReadBackAsWritten(int length) {
    byte[] contents = new byte[length];
    for (int i = 0; i < length; i++) {
      contents[i] = (byte) i;
    }
    byte[] encoded = Der.tlv(Der.OCTET_STRING, contents);

    List<Der.Element> elements = Der.elements(encoded);

    assertThat(elements).hasSize(1);
    assertThat(elements.get(0).tag()).isEqualTo(Der.OCTET_STRING);
    assertThat(elements.get(0).contents()).isEqualTo(contents);
    assertThat(elements.get(0).encoded()).isEqualTo(encoded);
    assertThat(encoded)
        .hasSize(length + (length < 128 ? 2 : length < 256 ? 3 : length < 65_536 ? 4 : 5));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "30", // a tag and nothing else
        "3080", // indefinite length
        "30840000000100", // a length of four bytes
        "308201", // a length cut short
        "300501", // contents cut short
        "30820100" // a long length running past the end
      })
  void malformedDerIsRefused(String hex) {
    byte[] der = HexFormat.of().parseHex(hex);

    assertThatThrownBy(() -> Der.elements(der)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"0400", "30000400", ""})
  void singleElementMustBeOneOfTheTagAsked(String hex) {
    byte[] der = HexFormat.of().parseHex(hex);

    assertThatThrownBy(() -> Der.single(der, Der.SEQUENCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not one DER element of tag 48");
  }
}
