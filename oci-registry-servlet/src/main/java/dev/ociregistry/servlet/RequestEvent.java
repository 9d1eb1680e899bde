package dev.ociregistry.servlet;

/**
 * One finished request.
 *
 * @param method the HTTP method, as the request sent it
 * @param route the endpoint family, or null when the path matched none
 * @param status the HTTP status answered
 * @param durationNanos time from the start of routing to the end of the response, in nanoseconds
 */
public record RequestEvent(String method, Route route, int status, long durationNanos) {}
