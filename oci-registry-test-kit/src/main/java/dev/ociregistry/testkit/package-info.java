/**
 * The test kit every module's tests share: {@link dev.ociregistry.testkit.TestHttp} (one HTTP
 * client), {@link dev.ociregistry.testkit.RawHttp} (requests written byte by byte), {@link
 * dev.ociregistry.testkit.JettyFixture} and {@link dev.ociregistry.testkit.JarProcess} (servers),
 * {@link dev.ociregistry.testkit.Artifacts} (images, indexes and artifacts as pushed bytes), {@link
 * dev.ociregistry.testkit.Digests} and {@link dev.ociregistry.testkit.Await}.
 *
 * <p>It depends on no module of the product, so core's tests use it as well as the servlet's, the
 * controller's and the interop tests. Nothing here is null unless its Javadoc says so.
 */
package dev.ociregistry.testkit;
