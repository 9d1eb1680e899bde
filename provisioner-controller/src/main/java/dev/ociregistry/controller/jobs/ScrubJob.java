package dev.ociregistry.controller.jobs;

import dev.ociregistry.controller.admin.ScrubService;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/** The scheduled scrub: starts one in the background unless one is under way. */
@DisallowConcurrentExecution
public final class ScrubJob implements Job {
  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      ((ScrubService) context.getScheduler().getContext().get(ControllerScheduler.SCRUB_SERVICE))
          .start();
    } catch (SchedulerException e) {
      throw new JobExecutionException("the scheduled scrub did not start", e);
    }
  }
}
