package dev.ociregistry.controller.api;

import dev.ociregistry.controller.audit.AuditLog;
import dev.ociregistry.controller.credentials.ActiveJobs;
import dev.ociregistry.controller.credentials.CredentialReaders;
import dev.ociregistry.controller.credentials.JobTokens;
import dev.ociregistry.core.OciRegistry;
import dev.ociregistry.core.storage.FileSystemStorage;
import dev.ociregistry.postgres.PostgresDocuments;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The provisioning API of the controller: recipes, jobs, the {@code task.json} of each job, the
 * artifacts listing, and the API's own reference. Mount {@link #apiServlet()} at {@code /api/v1/*}
 * and {@link #taskServlet()} at {@code /media/tasks/*}.
 *
 * <p>The reference is an OpenAPI 3.1 document, {@code openapi.json} beside this class (served at
 * {@code GET /api/v1/openapi.json}): every operation, its request and response schemas, and every
 * status and error shape it answers. In short:
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><th>method</th><th>path</th><th>success</th><th>errors</th></tr>
 *   <tr><td>GET</td><td>/api/v1/openapi.json</td><td>200, the reference</td><td></td></tr>
 *   <tr><td>POST</td><td>/api/v1/recipes</td><td>201, Location, the recipe</td>
 *       <td>400 (field named), 409 name taken, 422 local oci_url names no manifest</td></tr>
 *   <tr><td>GET</td><td>/api/v1/recipes</td><td>200 {@code {"recipes": [...]}} by name</td>
 *       <td></td></tr>
 *   <tr><td>GET</td><td>/api/v1/recipes/{name}</td><td>200, the recipe</td><td>404</td></tr>
 *   <tr><td>PUT</td><td>/api/v1/recipes/{name}</td><td>200 replaced, 201 + Location created</td>
 *       <td>400 (also when the body's name differs from the URL's), 422 as POST</td></tr>
 *   <tr><td>DELETE</td><td>/api/v1/recipes/{name}</td><td>204</td><td>404</td></tr>
 *   <tr><td>POST</td><td>/api/v1/jobs {@code {"recipe", "server"}}</td>
 *       <td>201, Location, the job</td>
 *       <td>400 (field named; {@code recipe} when there is no such recipe), 422 {@code recipe}
 *       when its local oci_url names no manifest, with the repository and tag</td></tr>
 *   <tr><td>GET</td><td>/api/v1/jobs[?state=&amp;recipe=&amp;server=]</td>
 *       <td>200 {@code {"jobs": [...]}}, oldest first</td><td>400 {@code state} unknown</td></tr>
 *   <tr><td>GET</td><td>/api/v1/jobs/{id}</td><td>200, the job</td><td>404</td></tr>
 *   <tr><td>POST</td><td>/api/v1/jobs/{id}/status {@code {"state", "message"}}</td>
 *       <td>200, the job</td><td>400 unknown state, 404, 409 illegal move</td></tr>
 *   <tr><td>POST</td><td>/api/v1/oci/artifacts {@code {"namespace"}}</td>
 *       <td>200 {@code {"success": true, "data": [...]}}</td>
 *       <td>400, 503 registry disabled, as {@code {"success": false, "error": "..."}}</td></tr>
 *   <tr><td>GET</td><td>/media/tasks/{id}/task.json</td><td>200, see {@link TaskDocument}</td>
 *       <td>404, 410 artifact gone, 413 more than 1000 manifests, 503 registry disabled</td></tr>
 * </table>
 *
 * <p>Every GET answers HEAD too. Unknown paths answer 404, other methods 405 with {@code Allow}
 * (checked before the path's recipe or job is looked up), bodies that are not one JSON object 400,
 * bodies over 1 MiB 413, too many bodies in memory at once 429; a write the provisioning directory
 * refuses answers 500. Errors are {@code {"error": {"field": "<field or null>", "message": "...",
 * "detail": {...}}}} ({@code detail} only where an error has named values), but the artifacts
 * listing's, which are {@code {"success": false, "error": "..."}} because the OCI client reading
 * the listing expects that ({@link JsonResponses}); client input never causes a 500. JSON field
 * names are snake_case; times are ISO-8601 UTC.
 *
 * <p><b>Recipes</b> ({@link RecipeParser} has the field rules): {@code name}, {@code task_target},
 * {@code target_disk}, {@code oci_url}, {@code partitions}, and {@code cloud_init} or {@code
 * unattend_xml}. Unknown fields are rejected. Whether an {@code oci_url} ({@link OciUrl}) points at
 * this registry is {@link RegistryAddresses}'s finding, from configuration alone: no host, a public
 * host, or a name or address of this machine with the port the request arrived at; never the
 * request's {@code Host}. With the registry enabled a local {@code oci_url} must then name an
 * existing manifest. The finding is not stored: each job decides it again when it is created. An
 * {@code oci_url} pointing elsewhere is stored as given.
 *
 * <p><b>Jobs</b> ({@link Job}): {@code id} (a UUID), {@code recipe}, {@code server}, {@code state},
 * {@code message}, {@code created_at}, {@code updated_at}, {@code artifact} ({@code registry_host},
 * {@code repository}, {@code reference}, {@code digest}, {@code pinned}, {@code reason}). Creating
 * a job copies the recipe (later changes to the recipe, or its deletion, do not touch the job),
 * decides whether its {@code oci_url} is local, resolves a local one to its manifest digest, and
 * pins that digest in the registry as {@code job-<id>}, so garbage collection and retention keep it
 * even when the tag moves. The pin is removed when the job reaches {@code succeeded} or {@code
 * failed}. Legal moves are in {@link JobState}; any other answers 409, repeating the current state
 * included. A status update replaces the message. A job never goes unpinned silently: external
 * artifacts, and local ones while the registry is disabled, have a null {@code digest}, {@code
 * pinned: false} and a {@code reason} that says why (for another registry, which addresses this one
 * answers at), and their {@code task.json} carries no credential of this registry.
 *
 * <p><b>Persistence</b>: {@code <provisioningDir>/recipes/<name>.json} and {@code
 * <provisioningDir>/jobs/<id>.json}, each written atomically (temp file, fsync, rename, directory
 * fsync) before the client gets its answer, and loaded here, so a restart keeps everything. A file
 * that cannot be read stops the construction with an {@link IOException} naming it. One process
 * owns the directory.
 */
public final class ProvisioningApi {
  private final ApiServlet apiServlet;
  private final TaskServlet taskServlet;
  private final ActiveJobs activeJobs;

  /**
   * Loads the recipes and jobs under {@code provisioningDir} (creating it when needed) and
   * reconciles the registry's job pins with the jobs.
   *
   * @param registry empty when the controller runs with ENABLE_REGISTRY=false
   * @param addresses where this registry is reachable, which decides whether an oci_url points here
   * @throws IOException when the directory cannot be used or a file in it is not valid
   */
  public ProvisioningApi(
      Optional<OciRegistry> registry, Path provisioningDir, RegistryAddresses addresses)
      throws IOException {
    this(registry, provisioningDir, addresses, Optional.empty());
  }

  /**
   * As {@link #ProvisioningApi(Optional, Path, RegistryAddresses)}, and each {@code task.json}
   * carries its job's pull credential from {@code credentials} (when authentication is on).
   */
  public ProvisioningApi(
      Optional<OciRegistry> registry,
      Path provisioningDir,
      RegistryAddresses addresses,
      Optional<JobTokens> credentials)
      throws IOException {
    this(registry, provisioningDir, addresses, credentials, (request, job) -> true, AuditLog.off());
  }

  /**
   * As above: {@code readers} says who gets a job's credential in {@code task.json}, and {@code
   * audit} records the issue and revocation of job credentials.
   */
  public ProvisioningApi(
      Optional<OciRegistry> registry,
      Path provisioningDir,
      RegistryAddresses addresses,
      Optional<JobTokens> credentials,
      CredentialReaders readers,
      AuditLog audit)
      throws IOException {
    this(registry, filesIn(provisioningDir), addresses, credentials, readers, audit);
  }

  /**
   * As above, with recipes and jobs in the documents that replicas share, so that a job created
   * through one is listed, served and updated through every other.
   */
  public ProvisioningApi(
      Optional<OciRegistry> registry,
      PostgresDocuments shared,
      RegistryAddresses addresses,
      Optional<JobTokens> credentials,
      CredentialReaders readers,
      AuditLog audit)
      throws IOException {
    this(registry, new SharedDocuments(shared), addresses, credentials, readers, audit);
  }

  private static ProvisioningDocuments filesIn(Path provisioningDir) throws IOException {
    Files.createDirectories(provisioningDir);
    JsonFiles files = new JsonFiles(new FileSystemStorage(provisioningDir));
    files.removeTemporaries();
    return files;
  }

  private ProvisioningApi(
      Optional<OciRegistry> registry,
      ProvisioningDocuments files,
      RegistryAddresses addresses,
      Optional<JobTokens> credentials,
      CredentialReaders readers,
      AuditLog audit)
      throws IOException {
    ArtifactResolver resolver = new ArtifactResolver(registry, addresses);
    RecipeStore recipes = new RecipeStore(files);
    recipes.load();
    JobStore jobs =
        new JobStore(files, resolver, Clock.systemUTC(), audit, credentials.isPresent());
    jobs.load();
    this.apiServlet =
        new ApiServlet(
            new RecipeEndpoints(recipes, resolver),
            new JobEndpoints(jobs, recipes),
            new ArtifactsEndpoint(registry.map(ArtifactCatalog::new)),
            OpenApiDocument.load());
    this.taskServlet = new TaskServlet(jobs, new TaskDocument(registry), credentials, readers);
    this.activeJobs = jobs;
  }

  /** The jobs whose pull credentials hold, for the access control. */
  public ActiveJobs activeJobs() {
    return activeJobs;
  }

  /** The servlet to mount at {@code /api/v1/*}. */
  public HttpServlet apiServlet() {
    return apiServlet;
  }

  /** The servlet to mount at {@code /media/tasks/*}. */
  public HttpServlet taskServlet() {
    return taskServlet;
  }
}
