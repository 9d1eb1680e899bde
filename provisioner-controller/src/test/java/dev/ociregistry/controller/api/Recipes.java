package dev.ociregistry.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Recipe bodies shaped like the ones provisioning controllers send: Linux and Windows installs. */
final class Recipes {
  private Recipes() {}

  /** The Linux example: cloud-init, an EFI partition and a root filling the disk. */
  static ObjectNode linux(String name, String ociUrl) {
    return parse(
        """
        {
          "name": "%s",
          "task_target": "install-linux.target",
          "target_disk": "/dev/sda",
          "oci_url": "%s",
          "partitions": [
            {"mount": "/boot/efi", "size": "512M", "fstype": "vfat"},
            {"mount": "/", "size": "0", "fstype": "ext4"}
          ],
          "cloud_init": {
            "hostname": "server01.example.com",
            "users": [{"name": "admin", "ssh_authorized_keys": ["ssh-rsa AAAA..."]}],
            "ratio": 1.50
          }
        }
        """
            .formatted(name, ociUrl));
  }

  /** The Windows example: unattend.xml, MSR and C:. */
  static ObjectNode windows(String name, String ociUrl) {
    return parse(
        """
        {
          "name": "%s",
          "task_target": "install-windows.target",
          "target_disk": "/dev/sda",
          "oci_url": "%s",
          "partitions": [
            {"mount": "MSR", "size": "128M"},
            {"mount": "C:", "size": "0", "fstype": "ntfs"}
          ],
          "unattend_xml": "<unattend xmlns=\\"urn:schemas-microsoft-com:unattend\\"/>"
        }
        """
            .formatted(name, ociUrl));
  }

  static ObjectNode parse(String json) {
    try {
      return (ObjectNode) Api.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
