using System.Globalization;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.PortForward;

/// <summary>What a forward goes to, as kubectl port-forward names it: pod/NAME, svc/NAME, deploy/NAME, sts/NAME or a bare pod NAME.</summary>
public sealed record ForwardTarget(ForwardKind Kind, string Name)
{
    public override string ToString() => $"{KindName(Kind)}/{Name}";

    public static string KindName(ForwardKind kind) => kind switch
    {
        ForwardKind.Pod => "pod",
        ForwardKind.Service => "service",
        ForwardKind.Deployment => "deployment",
        _ => "statefulset",
    };

    /// <exception cref="SeekapaException">InvalidTarget: an unknown kind or a malformed name.</exception>
    public static ForwardTarget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/');
        var (kindText, name) = slash < 0 ? ("pod", text) : (text[..slash], text[(slash + 1)..]);
        ForwardKind? kind = kindText.ToLowerInvariant() switch
        {
            "pod" or "pods" or "po" => ForwardKind.Pod,
            "svc" or "service" or "services" => ForwardKind.Service,
            "deploy" or "deployment" or "deployments" or "deployment.apps" or "deployments.apps" => ForwardKind.Deployment,
            "sts" or "statefulset" or "statefulsets" or "statefulset.apps" or "statefulsets.apps" => ForwardKind.StatefulSet,
            _ => null,
        };
        if (kind is null)
        {
            throw new SeekapaException("InvalidTarget", FailureCategory.InvalidArgument,
                $"'{text}' is not something port-forward can reach: use pod/NAME, svc/NAME, deploy/NAME, sts/NAME or a pod NAME.", text);
        }
        if (!ResourceNames.IsValidName(name))
        {
            throw new SeekapaException("InvalidTarget", FailureCategory.InvalidArgument,
                $"'{name}' in '{text}' is not a valid {KindName(kind.Value)} name (RFC 1123: lowercase alphanumerics, '-' or '.').", text);
        }
        return new ForwardTarget(kind.Value, name);
    }
}

public enum ForwardKind
{
    Pod,
    Service,
    Deployment,
    StatefulSet,
}

/// <summary>
/// kubectl's port spec: "LOCAL:REMOTE", ":REMOTE" or "REMOTE" (local = remote), where REMOTE is a number or a port
/// name (a container port name, or for a service a service port name). LOCAL 0 or empty: an ephemeral port.
/// </summary>
public sealed record PortSpec(int? LocalPort, int? RemotePort, string? RemoteName)
{
    public string Remote => RemotePort?.ToString(CultureInfo.InvariantCulture) ?? RemoteName!;

    public override string ToString() => LocalPort is { } l ? $"{l}:{Remote}" : $":{Remote}";

    /// <exception cref="SeekapaException">InvalidPortSpec.</exception>
    public static PortSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length > 2 || parts[^1].Length == 0)
        {
            throw Invalid(text, "use LOCAL:REMOTE, :REMOTE or REMOTE");
        }
        int? local = null;
        if (parts.Length == 2 && parts[0].Length > 0)
        {
            local = Number(parts[0]) is { } l and >= 0 and <= 65535
                ? l
                : throw Invalid(text, $"the local port '{parts[0]}' must be a number from 0 to 65535");
        }
        var remoteText = parts[^1];
        if (Number(remoteText) is { } remote)
        {
            if (remote is < 1 or > 65535)
            {
                throw Invalid(text, $"the remote port {remote} must be from 1 to 65535");
            }
            // kubectl: "REMOTE" alone listens on the same port locally.
            return new PortSpec(parts.Length == 1 ? remote : local is 0 ? null : local, remote, null);
        }
        if (!IsPortName(remoteText))
        {
            throw Invalid(text, $"'{remoteText}' is neither a port number nor a port name (IANA_SVC_NAME: at most 15 lowercase alphanumerics or '-')");
        }
        if (parts.Length == 1)
        {
            // kubectl: a bare name has no number to listen on locally, so it is an ephemeral port.
            local = null;
        }
        return new PortSpec(local is 0 ? null : local, null, remoteText);
    }

    private static int? Number(string text) =>
        text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private static bool IsPortName(string text) =>
        text.Length is > 0 and <= 15 && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') &&
        text.Any(char.IsAsciiLetterLower) && text[0] != '-' && text[^1] != '-' && !text.Contains("--", StringComparison.Ordinal);

    private static SeekapaException Invalid(string text, string why) =>
        new("InvalidPortSpec", FailureCategory.InvalidArgument, $"'{text}' is not a valid port: {why}.", text);
}
