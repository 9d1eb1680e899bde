package dev.ociregistry.core.upload;

import dev.ociregistry.core.error.ErrorCode;
import dev.ociregistry.core.error.RegistryException;
import dev.ociregistry.core.model.RepositoryName;
import java.util.HashMap;
import java.util.Map;

/**
 * How many uploads are open, in total and per repository, against their caps: every open session
 * holds a file on disk and a little memory for as long as the upload timeout, so a client opening
 * sessions without end would fill both.
 */
final class OpenUploads {
  private final int maxTotal;
  private final int maxPerRepository;
  private final Map<RepositoryName, Integer> byRepository = new HashMap<>();
  private int total;

  OpenUploads(int maxTotal, int maxPerRepository) {
    this.maxTotal = maxTotal;
    this.maxPerRepository = maxPerRepository;
  }

  /**
   * Counts one more upload open in {@code repository}.
   *
   * @throws RegistryException {@link ErrorCode#TOOMANYREQUESTS} when a cap is reached
   */
  synchronized void open(RepositoryName repository) {
    int inRepository = byRepository.getOrDefault(repository, 0);
    if (total >= maxTotal) {
      throw tooMany(maxTotal + " uploads are open on this registry");
    }
    if (inRepository >= maxPerRepository) {
      throw tooMany(maxPerRepository + " uploads are open in repository " + repository);
    }
    byRepository.put(repository, inRepository + 1);
    total++;
  }

  /** Counts an upload that exists already (found on disk at start), whatever the caps. */
  synchronized void found(RepositoryName repository) {
    byRepository.merge(repository, 1, Integer::sum);
    total++;
  }

  /** Counts one upload in {@code repository} less. */
  synchronized void closed(RepositoryName repository) {
    Integer inRepository = byRepository.get(repository);
    if (inRepository == null) {
      return;
    }
    if (inRepository <= 1) {
      byRepository.remove(repository);
    } else {
      byRepository.put(repository, inRepository - 1);
    }
    total--;
  }

  synchronized int total() {
    return total;
  }

  private static RegistryException tooMany(String why) {
    return new RegistryException(
        ErrorCode.TOOMANYREQUESTS,
        why + "; finish or cancel some, or retry once stale ones expire");
  }
}
