using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using k8s.Autorest;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>Turns what the API server or the network says into SeekapaExceptions with stable ErrorIds.</summary>
public static class KubernetesErrors
{
    /// <summary>Runs one API call and translates its failures. verb/resource/namespace/name describe the call for messages.</summary>
    public static async Task<T> Guard<T>(ClusterSession session, string verb, string resource, string? ns, string? name,
        Func<Task<T>> call, Func<HttpStatusCode, string, SeekapaException?>? special = null)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(session, verb, resource, ns, name, ex, special) is { } translated)
        {
            throw translated;
        }
    }

    public static SeekapaException? Translate(ClusterSession session, string verb, string resource, string? ns, string? name,
        Exception ex, Func<HttpStatusCode, string, SeekapaException?>? special = null)
    {
        var server = session.Connection.Server;
        var target = name is null ? (ns is null ? resource : $"{ns}/{resource}") : (ns is null ? name : $"{ns}/{name}");
        switch (ex)
        {
            case SeekapaException:
            case OperationCanceledException:
                return null;
            case HttpOperationException http when http.Response is not null:
            {
                var status = http.Response.StatusCode;
                var serverMessage = Redactor.Redact(StatusMessage(http.Response.Content) ?? http.Message, new[] { session.Secret });
                if (special?.Invoke(status, serverMessage) is { } custom)
                {
                    return custom;
                }

                var scope = ns is null ? "at the cluster scope" : $"in namespace '{ns}'";
                return (int)status switch
                {
                    401 => new SeekapaException("ClusterAuthenticationFailed", FailureCategory.AuthenticationError,
                        $"The cluster at {server} rejected the credentials of context '{session.Connection.Context}' (401 Unauthorized): {serverMessage}",
                        session.Connection.Context,
                        "Refresh the credentials (az aks get-credentials, or Connect-SeekapaCluster -ResourceGroupName -ClusterName) and connect again."),
                    403 => new SeekapaException("Forbidden", FailureCategory.PermissionDenied,
                        $"Forbidden: user '{session.Connection.User}' may not {verb} {resource} {scope}: {serverMessage}",
                        target, $"Ask for RBAC permission to {verb} {resource} {scope}, or use a context that has it."),
                    404 => new SeekapaException("ResourceNotFound", FailureCategory.ObjectNotFound,
                        $"{resource} {(name is null ? string.Empty : $"'{name}' ")}was not found {scope}: {serverMessage}", target),
                    409 => new SeekapaException("Conflict", FailureCategory.ResourceExists,
                        $"Conflict on {resource} {name}: {serverMessage}", target),
                    400 or 422 => new SeekapaException("InvalidRequest", FailureCategory.InvalidArgument,
                        $"The API server refused to {verb} {resource} {scope}: {serverMessage}", target),
                    429 => new SeekapaException("TooManyRequests", FailureCategory.ResourceUnavailable,
                        $"The API server at {server} is throttling requests (429) and kept doing so after retries: {serverMessage}", target),
                    _ => new SeekapaException("ClusterError", FailureCategory.ResourceUnavailable,
                        $"The API server at {server} failed to {verb} {resource} {scope} ({(int)status} {status}): {serverMessage}", target),
                };
            }

            case TimeoutException timeout:
                return Unreachable(session, timeout.Message, ex);
            case HttpRequestException request:
                return Unreachable(session, Describe(request), ex);
            case AuthenticationException tls:
                return Unreachable(session, $"TLS handshake failed: {tls.Message}", ex);
            case IOException io:
                return Unreachable(session, io.Message, ex);
            default:
                return null;
        }
    }

    private static SeekapaException Unreachable(ClusterSession session, string reason, Exception inner) =>
        new("ClusterUnreachable", FailureCategory.ConnectionError,
            $"Cannot reach the cluster '{session.Connection.Context}' at {session.Connection.Server}: {Redactor.Redact(reason)}",
            session.Connection.Context,
            "Check the network path to the API server (VPN, private cluster endpoint, firewall) and that the cluster is running (Get-SeekapaAksCluster).",
            inner);

    private static string Describe(HttpRequestException ex)
    {
        var inner = ex.InnerException;
        while (inner?.InnerException is not null && inner is not AuthenticationException)
        {
            inner = inner.InnerException;
        }

        return inner is null ? ex.Message : $"{ex.Message} ({inner.Message})";
    }

    /// <summary>The message of a Kubernetes Status body, if the response has one.</summary>
    public static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content) || content[0] != '{')
        {
            return string.IsNullOrWhiteSpace(content) ? null : content.Trim();
        }

        try
        {
            using var doc = JsonDocument.Parse(content);
            return doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return content.Trim();
        }
    }
}
