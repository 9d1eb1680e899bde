package dev.ociregistry.controller.jobs;

import dev.ociregistry.controller.admin.GcService;
import dev.ociregistry.controller.admin.ScrubService;
import dev.ociregistry.core.upload.UploadManager;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The controller's scheduled work, on an in-memory Quartz scheduler: garbage collection every
 * {@code REGISTRY_GC_INTERVAL}, expiry of stale uploads, and with {@code REGISTRY_SCRUB_INTERVAL}
 * the start of a scrub. No job runs twice at once.
 */
public final class ControllerScheduler implements AutoCloseable {
  static final String GC_SERVICE = "gcService";
  static final String UPLOADS = "uploads";
  static final String SCRUB_SERVICE = "scrubService";

  /** How often stale uploads are looked for, at most. */
  private static final Duration MAX_EXPIRY_INTERVAL = Duration.ofMinutes(5);

  private final Scheduler scheduler;

  private ControllerScheduler(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Schedules the jobs and starts the scheduler. */
  public static ControllerScheduler start(
      GcService gc,
      Duration gcInterval,
      UploadManager uploads,
      Duration uploadTimeout,
      ScrubService scrub,
      Optional<Duration> scrubInterval)
      throws SchedulerException {
    Properties properties = new Properties();
    // Quartz keeps schedulers by name per JVM; a name of its own keeps two controllers apart.
    properties.setProperty(
        "org.quartz.scheduler.instanceName", "provisioner-controller-" + UUID.randomUUID());
    properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    properties.setProperty("org.quartz.threadPool.threadCount", "2");
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
    scheduler.getContext().put(GC_SERVICE, gc);
    scheduler.getContext().put(UPLOADS, uploads);
    schedule(scheduler, GcJob.class, "registry-gc", gcInterval);
    Duration expiryInterval =
        uploadTimeout.dividedBy(4).compareTo(MAX_EXPIRY_INTERVAL) < 0
            ? maxOf(uploadTimeout.dividedBy(4), Duration.ofSeconds(1))
            : MAX_EXPIRY_INTERVAL;
    schedule(scheduler, UploadExpiryJob.class, "upload-expiry", expiryInterval);
    scheduler.getContext().put(SCRUB_SERVICE, scrub);
    if (scrubInterval.isPresent()) {
      schedule(scheduler, ScrubJob.class, "registry-scrub", scrubInterval.get());
    }
    scheduler.start();
    return new ControllerScheduler(scheduler);
  }

  private static void schedule(
      Scheduler scheduler, Class<? extends org.quartz.Job> job, String name, Duration interval)
      throws SchedulerException {
    JobDetail detail = JobBuilder.newJob(job).withIdentity(name).build();
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity(name)
            .startAt(new Date(System.currentTimeMillis() + interval.toMillis()))
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule()
                    .withIntervalInMilliseconds(interval.toMillis())
                    .repeatForever()
                    .withMisfireHandlingInstructionNextWithRemainingCount())
            .build();
    scheduler.scheduleJob(detail, trigger);
  }

  private static Duration maxOf(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Stops scheduling and waits for a running job to finish. */
  @Override
  public void close() throws SchedulerException {
    scheduler.shutdown(true);
  }
}
