package dev.ociregistry.servlet;

/**
 * One finished request.
 *
 * @param route the endpoint family, or null when the path matched none
 * @param status the HTTP status answered
 * @param durationNanos time from the start of routing to the end of the response
 */
public record RequestEvent(String method, Route route, int status, long durationNanos) {}
