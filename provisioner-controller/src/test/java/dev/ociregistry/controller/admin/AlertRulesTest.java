package dev.ociregistry.controller.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ociregistry.testkit.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example alerts in {@code docs/design/observability.md} are valid Prometheus rules ({@code
 * promtool check rules}) and fire on the series this controller exposes ({@code promtool test
 * rules}): the error-rate alert when a tenth of requests fail, the storage alert when less than a
 * tenth of the volume is free.
 */
class AlertRulesTest {
  private static final Path DOC = Path.of("../docs/design/observability.md");

  @TempDir Path workDir;

  private Path rules() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    String block =
        doc.substring(
            doc.indexOf("<!-- alert-rules:begin -->"), doc.indexOf("<!-- alert-rules:end -->"));
    String yaml = block.substring(block.indexOf("```yaml\n") + 8, block.lastIndexOf("```"));
    return Files.writeString(workDir.resolve("rules.yml"), yaml, StandardCharsets.UTF_8);
  }

  private Commands.Result promtool(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(arguments));
    return Commands.run(command, workDir, env -> {}, Duration.ofSeconds(60));
  }

  @Test
  void theDocumentedAlertsAreValidRules() throws Exception {
    Commands.Result check = promtool("check", "rules", rules().toString());

    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.stdout()).contains("SUCCESS: 4 rules found");
  }

  @Test
  void theAlertsFireOnTheSeriesTheControllerExposes() throws Exception {
    rules();
    Files.writeString(
        workDir.resolve("tests.yml"),
        """
        rule_files: [rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'http_requests_total{job="oci-registry",method="GET",route="blobs",status="200"}'
                values: '0+80x30'
              - series: 'http_requests_total{job="oci-registry",method="PUT",route="manifests",status="507"}'
                values: '0+20x30'
              - series: 'registry_storage_free_bytes{job="oci-registry"}'
                values: '5x30'
              - series: 'registry_storage_capacity_bytes{job="oci-registry"}'
                values: '100x30'
              - series: 'registry_gc_runs_total{job="oci-registry",outcome="failure"}'
                values: '0x10 1x20'
            alert_rule_test:
              - eval_time: 20m
                alertname: RegistryHighErrorRate
                exp_alerts:
                  - exp_labels: {severity: warning}
                    exp_annotations: {summary: "More than 10% of registry requests fail with 5xx"}
              - eval_time: 20m
                alertname: RegistryStorageFull
                exp_alerts:
                  - exp_labels: {severity: warning, job: oci-registry}
                    exp_annotations: {summary: "Registry storage has less than 10% free"}
              - eval_time: 20m
                alertname: RegistryGcFailing
                exp_alerts:
                  - exp_labels: {severity: warning, job: oci-registry, outcome: failure}
                    exp_annotations: {summary: "Registry garbage collection failed; storage is not being freed"}
          - interval: 1m
            input_series:
              - series: 'http_requests_total{job="oci-registry",method="GET",route="blobs",status="200"}'
                values: '0+95x30'
              - series: 'http_requests_total{job="oci-registry",method="GET",route="blobs",status="500"}'
                values: '0+5x30'
            alert_rule_test:
              - eval_time: 20m
                alertname: RegistryHighErrorRate
                exp_alerts: []
        """,
        StandardCharsets.UTF_8);

    Commands.Result test = promtool("test", "rules", "tests.yml");

    assertThat(test.exitCode()).as(test.toString()).isZero();
  }
}
