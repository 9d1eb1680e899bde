package dev.ociregistry.controller.jobs;

import dev.ociregistry.core.upload.UploadManager;
import java.io.IOException;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cancels uploads that received nothing for longer than the upload timeout. */
@DisallowConcurrentExecution
public final class UploadExpiryJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(UploadExpiryJob.class);

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      UploadManager uploads =
          (UploadManager) context.getScheduler().getContext().get(ControllerScheduler.UPLOADS);
      int expired = uploads.expireStale();
      if (expired > 0) {
        LOG.info("expired {} stale uploads", expired);
      }
    } catch (IOException | SchedulerException | RuntimeException e) {
      throw new JobExecutionException("upload expiry failed", e);
    }
  }
}
