using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Api;

internal sealed record StatusCause(string Reason, string Message, string Field);

internal sealed record StatusDetails(
    string? Name = null,
    string? Group = null,
    string? Kind = null,
    IReadOnlyList<StatusCause>? Causes = null,
    int? RetryAfterSeconds = null,
    bool WriteEmpty = false);

/// <summary>An error the API answers with a Kubernetes Status (apimachinery's StatusError): constructors mirror
/// k8s.io/apimachinery/pkg/api/errors so reasons and messages read exactly like a real API server's.</summary>
internal sealed class ApiException(int code, string reason, string message, StatusDetails? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public StatusDetails Details { get; } = details ?? new StatusDetails();

    public static ApiException NotFound(ResourceDefinition r, string name) =>
        new(404, "NotFound", $"{r.GroupResource} \"{name}\" not found", Qualified(r, name));

    public static ApiException NamespaceNotFound(string name) =>
        new(404, "NotFound", $"namespaces \"{name}\" not found", new StatusDetails(Name: name, Kind: "namespaces"));

    public static ApiException NoRoute() =>
        new(404, "NotFound", "the server could not find the requested resource");

    public static ApiException AlreadyExists(ResourceDefinition r, string name) =>
        new(409, "AlreadyExists", $"{r.GroupResource} \"{name}\" already exists", Qualified(r, name));

    public static ApiException Conflict(ResourceDefinition r, string name, string message) =>
        new(409, "Conflict", message, Qualified(r, name));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Invalid(ResourceDefinition r, string name, IReadOnlyList<StatusCause> causes) =>
        Invalid(r.Kind, r.Group, name, causes);

    /// <summary>apierrors.NewInvalid: the qualified kind is "Deployment.apps" for named groups, "Pod" for core.</summary>
    public static ApiException Invalid(string kind, string group, string name, IReadOnlyList<StatusCause> causes)
    {
        var summary = string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"));
        if (causes.Count > 1)
        {
            summary = $"[{summary}]";
        }
        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        return new(422, "Invalid", $"{qualified} \"{name}\" is invalid: {summary}",
            new StatusDetails(Name: name, Group: NullIfEmpty(group), Kind: kind, Causes: causes));
    }

    /// <summary>What the API server answers when a JSON patch does not apply (a failed test, a missing path):
    /// a generic 422 with empty details, not a field-level Invalid.</summary>
    public static ApiException PatchNotApplied() =>
        new(422, "Invalid", "the server rejected our request due to an error in our request", new StatusDetails(WriteEmpty: true));

    public static ApiException UnsupportedPatchType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got \"{contentType}\")");

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException Forbidden(string group, string resource, string name, string message)
    {
        var qualified = group.Length == 0 ? resource : $"{resource}.{group}";
        var text = name.Length == 0 ? $"{qualified} is forbidden: {message}" : $"{qualified} \"{name}\" is forbidden: {message}";
        return new(403, "Forbidden", text, new StatusDetails(Name: NullIfEmpty(name), Group: NullIfEmpty(group), Kind: resource));
    }

    public static ApiException ForbiddenPath(string message) => new(403, "Forbidden", $"forbidden: {message}");

    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    public static ApiException NotAcceptable() =>
        new(406, "NotAcceptable", "only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io");

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json (got \"{contentType}\")");

    private static StatusDetails Qualified(ResourceDefinition r, string name) =>
        new(Name: NullIfEmpty(name), Group: NullIfEmpty(r.Group), Kind: r.Plural);

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
