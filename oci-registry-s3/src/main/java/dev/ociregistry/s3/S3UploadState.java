package dev.ociregistry.s3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What another replica needs to go on with an upload: the multipart upload, the parts already in
 * it, the tail too short to be a part yet (an object of its own) and the running SHA-256.
 *
 * @param multipartId the store's multipart upload id
 * @param parts the parts uploaded, in order
 * @param tailKey the key of the bytes after the last part, or empty when there are none
 * @param tailSize the length of the tail
 * @param hashState the exported SHA-256 state over every byte of the upload
 */
record S3UploadState(
    String multipartId, List<Part> parts, String tailKey, long tailSize, byte[] hashState) {
  private static final int VERSION = 1;
  private static final int MAX_PARTS = 10_000;

  /** One part of the multipart upload. */
  record Part(int number, long size, String etag) {}

  S3UploadState {
    parts = List.copyOf(parts);
  }

  long size() {
    long size = tailSize;
    for (Part part : parts) {
      size += part.size();
    }
    return size;
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(multipartId);
      out.writeInt(parts.size());
      for (Part part : parts) {
        out.writeInt(part.number());
        out.writeLong(part.size());
        out.writeUTF(part.etag());
      }
      out.writeUTF(tailKey);
      out.writeLong(tailSize);
      out.writeInt(hashState.length);
      out.write(hashState);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a state {@link #encode()} wrote.
   *
   * @throws IOException when the bytes are not such a state
   */
  static S3UploadState decode(byte[] state) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      if (in.readByte() != VERSION) {
        throw new IOException("upload state of an unknown version");
      }
      String multipartId = in.readUTF();
      int count = in.readInt();
      if (count < 0 || count > MAX_PARTS) {
        throw new IOException("upload state with " + count + " parts");
      }
      List<Part> parts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        parts.add(new Part(in.readInt(), in.readLong(), in.readUTF()));
      }
      String tailKey = in.readUTF();
      long tailSize = in.readLong();
      int hashLength = in.readInt();
      if (hashLength < 0 || hashLength > in.available()) {
        throw new IOException("upload state with a damaged hash state");
      }
      byte[] hashState = in.readNBytes(hashLength);
      if (in.available() != 0 || tailSize < 0) {
        throw new IOException("upload state with trailing or negative values");
      }
      return new S3UploadState(multipartId, parts, tailKey, tailSize, hashState);
    } catch (java.io.EOFException e) {
      throw new IOException("upload state is cut short", e);
    }
  }
}
