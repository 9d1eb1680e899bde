package dev.ociregistry.controller.jobs;

import dev.ociregistry.controller.admin.GcService;
import java.io.IOException;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/** The scheduled run: retention when rules are given, then garbage collection. */
@DisallowConcurrentExecution
public final class GcJob implements Job {
  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      GcService gc =
          (GcService) context.getScheduler().getContext().get(ControllerScheduler.GC_SERVICE);
      gc.runScheduled();
    } catch (IOException | SchedulerException | RuntimeException e) {
      throw new JobExecutionException("scheduled garbage collection failed", e);
    }
  }
}
