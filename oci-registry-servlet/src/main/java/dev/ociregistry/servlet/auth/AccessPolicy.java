package dev.ociregistry.servlet.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ociregistry.core.model.RepositoryGlob;
import dev.ociregistry.core.model.RepositoryName;
import dev.ociregistry.servlet.RegistryAction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what, per repository glob: the access-policy file.
 *
 * <pre>{@code
 * {
 *   "groups": {"provisioners": {"users": ["alice", "bob"]}},
 *   "adminPolicy": {"users": ["admin"], "groups": []},
 *   "repositories": {
 *     "provisioning-test/**": {
 *       "policies": [{"users": ["ci"], "groups": ["provisioners"], "actions": ["read", "create"]}],
 *       "defaultPolicy": ["read", "create", "update", "delete"],
 *       "anonymousPolicy": ["read"]
 *     }
 *   },
 *   "api": {"write": "admins"}
 * }
 * }</pre>
 *
 * <p>{@code defaultPolicy} is for any authenticated user, {@code anonymousPolicy} for requests
 * without credentials (an authenticated user may do that too), {@code policies} for named users and
 * groups. Actions are {@code read}, {@code create}, {@code update} and {@code delete}. Admins may
 * do everything, everywhere, and use {@code /admin}. A glob's {@code *} matches within one path
 * component, {@code **} across components, {@code ?} one character; where several globs match a
 * repository the longest wins, and a repository no glob matches is open to admins only. {@code api}
 * says who may write through {@code /api/v1}: {@code admins} (the default) or {@code
 * authenticated}.
 *
 * <p>Without a policy file, authenticated users may do everything and anonymous nothing ({@link
 * #authenticatedMayDoEverything()}).
 *
 * <p>Immutable, so safe to share between threads; a changed file gives a new policy ({@link
 * PolicyFile}).
 */
public final class AccessPolicy {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<RegistryAction> ALL =
      EnumSet.of(
          RegistryAction.READ, RegistryAction.CREATE, RegistryAction.UPDATE, RegistryAction.DELETE);

  /** Who may write through the provisioning API: the file's {@code api.write}. */
  public enum ApiWriters {
    /** Admins only ({@code "admins"}, the default with a policy file). */
    ADMINS,
    /** Any authenticated user ({@code "authenticated"}, the default without one). */
    AUTHENTICATED
  }

  private record Rule(
      RepositoryGlob glob,
      Map<String, Set<RegistryAction>> users,
      Map<String, Set<RegistryAction>> groups,
      Set<RegistryAction> authenticated,
      Set<RegistryAction> anonymous) {}

  private final List<Rule> rules;
  private final Map<String, Set<String>> groupsOfUser;
  private final Set<String> adminUsers;
  private final Set<String> adminGroups;
  private final ApiWriters apiWriters;
  private final boolean everythingForAuthenticated;

  private AccessPolicy(
      List<Rule> rules,
      Map<String, Set<String>> groupsOfUser,
      Set<String> adminUsers,
      Set<String> adminGroups,
      ApiWriters apiWriters,
      boolean everythingForAuthenticated) {
    this.rules = rules;
    this.groupsOfUser = groupsOfUser;
    this.adminUsers = adminUsers;
    this.adminGroups = adminGroups;
    this.apiWriters = apiWriters;
    this.everythingForAuthenticated = everythingForAuthenticated;
  }

  /**
   * {@return what holds when auth is on and no policy file is given}: every authenticated user is
   * an admin, anonymous requests may do nothing
   */
  public static AccessPolicy authenticatedMayDoEverything() {
    return new AccessPolicy(
        List.of(), Map.of(), Set.of(), Set.of(), ApiWriters.AUTHENTICATED, true);
  }

  /**
   * Says what a user may do in a repository: everything for an admin; else the anonymous, default,
   * user and group actions of the most specific matching glob added up, nothing when no glob
   * matches. An anonymous principal gets the anonymous actions only.
   *
   * @param principal who asks
   * @param repository the repository acted on
   * @return some of {@code READ}, {@code CREATE}, {@code UPDATE} and {@code DELETE}; never {@code
   *     PING} or {@code CATALOG}, which the authorizer decides itself
   */
  public Set<RegistryAction> allowed(Principal principal, RepositoryName repository) {
    if (!principal.authenticated()) {
      return rule(repository).map(Rule::anonymous).orElse(Set.of());
    }
    if (everythingForAuthenticated || isAdmin(principal)) {
      return ALL;
    }
    Optional<Rule> rule = rule(repository);
    if (rule.isEmpty()) {
      return Set.of();
    }
    Set<RegistryAction> allowed = EnumSet.noneOf(RegistryAction.class);
    allowed.addAll(rule.get().anonymous());
    allowed.addAll(rule.get().authenticated());
    allowed.addAll(rule.get().users().getOrDefault(principal.name(), Set.of()));
    for (String group : groupsOfUser.getOrDefault(principal.name(), Set.of())) {
      allowed.addAll(rule.get().groups().getOrDefault(group, Set.of()));
    }
    return allowed;
  }

  /**
   * {@return whether {@code principal} may use {@code /admin} and do everything everywhere}: named
   * in {@code adminPolicy}, directly or through a group; never anonymous
   *
   * @param principal who asks
   */
  public boolean isAdmin(Principal principal) {
    if (!principal.authenticated()) {
      return false;
    }
    if (everythingForAuthenticated || adminUsers.contains(principal.name())) {
      return true;
    }
    for (String group : groupsOfUser.getOrDefault(principal.name(), Set.of())) {
      if (adminGroups.contains(group)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether {@code principal} may write through the provisioning API}, as {@code
   * api.write} says; never anonymous
   *
   * @param principal who asks
   */
  public boolean mayWriteApi(Principal principal) {
    return apiWriters == ApiWriters.AUTHENTICATED ? principal.authenticated() : isAdmin(principal);
  }

  private Optional<Rule> rule(RepositoryName repository) {
    return rules.stream()
        .filter(rule -> rule.glob().matches(repository))
        .max(Comparator.comparingInt(rule -> rule.glob().specificity()));
  }

  /**
   * Reads a policy file's content.
   *
   * @param content the file's bytes, UTF-8 JSON
   * @param source names the file in messages
   * @return the policy
   * @throws InvalidPolicyException naming the line of the first thing that is wrong
   */
  public static AccessPolicy parse(byte[] content, String source) throws InvalidPolicyException {
    try (JsonParser parser = new JsonFactory().createParser(content)) {
      return new Reader(parser, source).read();
    } catch (InvalidPolicyException e) {
      throw e;
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new InvalidPolicyException(
          source + ":" + line + ": not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidPolicyException(source + ": " + e.getMessage());
    }
  }

  /** Reads the file field by field, keeping the line of each, so an error can name it. */
  private static final class Reader {
    private final JsonParser parser;
    private final String source;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Set<String>> groupsOfUser = new HashMap<>();
    private final Set<String> groupNames = new HashSet<>();
    private final Set<String> adminUsers = new HashSet<>();
    private final Set<String> adminGroups = new HashSet<>();
    private ApiWriters apiWriters = ApiWriters.ADMINS;
    private final Map<String, Integer> groupReferences = new LinkedHashMap<>();

    Reader(JsonParser parser, String source) {
      this.parser = parser;
      this.source = source;
    }

    AccessPolicy read() throws IOException {
      expect(parser.nextToken() == JsonToken.START_OBJECT, "the policy is a JSON object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        int line = line();
        parser.nextToken();
        switch (field) {
          case "groups" -> groups();
          case "adminPolicy" -> admins(JSON.readTree(parser), line);
          case "repositories" -> repositories();
          case "api" -> api(JSON.readTree(parser), line);
          default -> throw error(line, "unknown field \"" + field + "\"");
        }
      }
      for (Map.Entry<String, Integer> reference : groupReferences.entrySet()) {
        if (!groupNames.contains(reference.getKey())) {
          throw error(reference.getValue(), "group \"" + reference.getKey() + "\" is not defined");
        }
      }
      return new AccessPolicy(
          List.copyOf(rules),
          Map.copyOf(groupsOfUser),
          Set.copyOf(adminUsers),
          Set.copyOf(adminGroups),
          apiWriters,
          false);
    }

    private void groups() throws IOException {
      expect(parser.currentToken() == JsonToken.START_OBJECT, "\"groups\" is an object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String group = parser.currentName();
        int line = line();
        parser.nextToken();
        JsonNode node = JSON.readTree(parser);
        groupNames.add(group);
        for (String user : strings(node.path("users"), line, "users of group " + group)) {
          groupsOfUser.computeIfAbsent(user, u -> new HashSet<>()).add(group);
        }
      }
    }

    private void admins(JsonNode node, int line) throws InvalidPolicyException {
      adminUsers.addAll(strings(node.path("users"), line, "adminPolicy users"));
      for (String group : strings(node.path("groups"), line, "adminPolicy groups")) {
        adminGroups.add(group);
        groupReferences.putIfAbsent(group, line);
      }
    }

    private void api(JsonNode node, int line) throws InvalidPolicyException {
      String write = node.path("write").asText("admins");
      try {
        apiWriters = ApiWriters.valueOf(write.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error(line, "api.write is \"" + write + "\"; it accepts admins or authenticated");
      }
    }

    private void repositories() throws IOException {
      expect(parser.currentToken() == JsonToken.START_OBJECT, "\"repositories\" is an object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String glob = parser.currentName();
        int line = line();
        parser.nextToken();
        JsonNode node = JSON.readTree(parser);
        RepositoryGlob parsed;
        try {
          parsed = RepositoryGlob.parse(glob);
        } catch (IllegalArgumentException e) {
          throw error(line, e.getMessage());
        }
        Map<String, Set<RegistryAction>> users = new HashMap<>();
        Map<String, Set<RegistryAction>> groups = new HashMap<>();
        for (JsonNode policy : node.path("policies")) {
          Set<RegistryAction> actions = actions(policy.path("actions"), line, glob);
          for (String user : strings(policy.path("users"), line, "policy users of " + glob)) {
            users.computeIfAbsent(user, u -> EnumSet.noneOf(RegistryAction.class)).addAll(actions);
          }
          for (String group : strings(policy.path("groups"), line, "policy groups of " + glob)) {
            groupReferences.putIfAbsent(group, line);
            groups
                .computeIfAbsent(group, g -> EnumSet.noneOf(RegistryAction.class))
                .addAll(actions);
          }
        }
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
          String name = names.next();
          if (!List.of("policies", "defaultPolicy", "anonymousPolicy").contains(name)) {
            throw error(
                line,
                "unknown field \""
                    + name
                    + "\" for "
                    + glob
                    + "; it takes policies, defaultPolicy, anonymousPolicy");
          }
        }
        rules.add(
            new Rule(
                parsed,
                Map.copyOf(users),
                Map.copyOf(groups),
                actions(node.path("defaultPolicy"), line, glob),
                actions(node.path("anonymousPolicy"), line, glob)));
      }
    }

    private Set<RegistryAction> actions(JsonNode node, int line, String glob)
        throws InvalidPolicyException {
      Set<RegistryAction> actions = EnumSet.noneOf(RegistryAction.class);
      for (String name : strings(node, line, "actions of " + glob)) {
        RegistryAction action =
            switch (name) {
              case "read" -> RegistryAction.READ;
              case "create" -> RegistryAction.CREATE;
              case "update" -> RegistryAction.UPDATE;
              case "delete" -> RegistryAction.DELETE;
              default ->
                  throw error(
                      line,
                      "unknown action \""
                          + name
                          + "\" for "
                          + glob
                          + "; actions are read, create, update, delete");
            };
        actions.add(action);
      }
      return actions;
    }

    private List<String> strings(JsonNode node, int line, String what)
        throws InvalidPolicyException {
      if (node.isMissingNode()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw error(line, what + " must be a list of strings");
      }
      List<String> values = new ArrayList<>();
      for (JsonNode value : node) {
        if (!value.isTextual() || value.asText().isEmpty()) {
          throw error(line, what + " must be a list of strings");
        }
        values.add(value.asText());
      }
      return values;
    }

    private int line() {
      return parser.currentTokenLocation().getLineNr();
    }

    private void expect(boolean condition, String what) throws InvalidPolicyException {
      if (!condition) {
        throw error(line(), what);
      }
    }

    private InvalidPolicyException error(int line, String message) {
      return new InvalidPolicyException(source + ":" + line + ": " + message);
    }
  }

  /**
   * A policy file this registry cannot use; the message names the file and line. Thrown by {@link
   * AccessPolicy#parse} and {@link PolicyFile#load}.
   */
  public static final class InvalidPolicyException extends IOException {
    private static final long serialVersionUID = 1L;

    InvalidPolicyException(String message) {
      super(message);
    }
  }
}
