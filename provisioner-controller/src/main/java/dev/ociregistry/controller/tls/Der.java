package dev.ociregistry.controller.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The little DER (ITU-T X.690) this package needs to wrap a traditional OpenSSL key (PKCS#1 RSA,
 * SEC1 EC) into the PKCS#8 structure the JDK's {@code KeyFactory} reads.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int OBJECT_IDENTIFIER = 0x06;
  static final int SEQUENCE = 0x30;
  static final int CONTEXT_0 = 0xA0;

  /** OID 1.2.840.113549.1.1.1 (rsaEncryption), as a whole TLV. */
  static final byte[] RSA_ENCRYPTION =
      bytes(0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01);

  /** OID 1.2.840.10045.2.1 (id-ecPublicKey), as a whole TLV. */
  static final byte[] EC_PUBLIC_KEY = bytes(0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01);

  static final byte[] NULL = bytes(0x05, 0x00);
  static final byte[] VERSION_0 = bytes(INTEGER, 0x01, 0x00);

  private Der() {}

  /** One element read: its tag, its contents, and its whole encoding. */
  record Element(int tag, byte[] contents, byte[] encoded) {}

  /** The elements that follow one another in {@code data}. */
  static List<Element> elements(byte[] data) {
    List<Element> elements = new ArrayList<>();
    int offset = 0;
    while (offset < data.length) {
      int start = offset;
      int tag = data[offset++] & 0xFF;
      if (offset >= data.length) {
        throw new IllegalArgumentException("truncated DER");
      }
      int length = data[offset++] & 0xFF;
      if (length > 0x7F) {
        int count = length & 0x7F;
        if (count == 0 || count > 3 || offset + count > data.length) {
          throw new IllegalArgumentException("unsupported DER length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (data[offset++] & 0xFF);
        }
      }
      if (length > data.length - offset) {
        throw new IllegalArgumentException("truncated DER");
      }
      elements.add(
          new Element(
              tag,
              Arrays.copyOfRange(data, offset, offset + length),
              Arrays.copyOfRange(data, start, offset + length)));
      offset += length;
    }
    return elements;
  }

  /** The one element {@code data} holds, which must have {@code tag}. */
  static Element single(byte[] data, int tag) {
    List<Element> elements = elements(data);
    if (elements.size() != 1 || elements.get(0).tag() != tag) {
      throw new IllegalArgumentException("not one DER element of tag " + tag);
    }
    return elements.get(0);
  }

  /** A TLV of {@code tag} around {@code contents}. */
  static byte[] tlv(int tag, byte[]... contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] part : contents) {
      body.writeBytes(part);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = body.size();
    if (length < 0x80) {
      out.write(length);
    } else {
      int count = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | count);
      for (int i = count - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
