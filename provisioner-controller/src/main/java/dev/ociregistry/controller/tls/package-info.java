/**
 * HTTPS for the controller's one port: {@link dev.ociregistry.controller.tls.TlsSettings} reads
 * {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} (PEM) or {@code TLS_KEYSTORE} and {@code
 * TLS_KEYSTORE_PASSWORD_FILE} (PKCS12), {@link dev.ociregistry.controller.tls.TlsConnectors} builds
 * the Jetty connector, and {@link dev.ociregistry.controller.tls.TlsReloader} serves new files when
 * they change, keeping the certificate in use until the files form a valid pair again.
 *
 * <p>Nullness: nothing here accepts or returns {@code null} unless documented.
 */
package dev.ociregistry.controller.tls;
