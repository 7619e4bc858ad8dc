using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets;

/// <summary>
/// Base of the cluster cmdlets. The connection is resolved as kubectl would, most specific first:
/// -Connection, then -Kubeconfig/-Context, then the runspace default (Connect-SeekapaCluster), then $KUBECONFIG or
/// ~/.kube/config with its current context.
/// </summary>
public abstract class ClusterCmdlet : SeekapaCmdlet
{
    private ClusterSession? _session;

    /// <summary>A connection returned by Connect-SeekapaCluster.</summary>
    [Parameter]
    public ClusterConnection? Connection { get; set; }

    /// <summary>The kubeconfig context to use instead of the current one.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ContextCompleter))]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file to read instead of $KUBECONFIG or ~/.kube/config.</summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// Send the context's credentials even when its server is http:// (clear text). Refused without it; only for a
    /// network you trust. Applies to the connection read from -Kubeconfig/-Context or the kubeconfig.
    /// </summary>
    [Parameter]
    public SwitchParameter AllowInsecureTransport { get; set; }

    protected ClusterSession Session => _session ??= ResolveSession();

    private ClusterSession ResolveSession() => ResolveSession(Connection, Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig),
        Context, AllowInsecureTransport, WriteVerbose, WriteWarning);

    /// <summary>
    /// The one connection resolution of the module, also used by cmdlets that reach the cluster without being cluster
    /// cmdlets (the incident store in a namespace). <paramref name="kubeconfig"/> is a provider path already resolved.
    /// </summary>
    internal static ClusterSession ResolveSession(ClusterConnection? connection, string? kubeconfig, string? context, bool allowInsecureTransport,
        Action<string> verbose, Action<string> warning)
    {
        if (connection is not null)
        {
            return ClusterSession.FromConnection(connection);
        }

        var state = RunspaceState.Current;
        if (context is null && kubeconfig is null && state.DefaultCluster is { } current)
        {
            return ClusterSession.FromConnection(current);
        }

        // The opt-in is part of the key: a session allowed over http once is not reused by a call that did not allow it.
        var key = SessionKey(kubeconfig, context) + (allowInsecureTransport ? "#insecure" : string.Empty);
        if (state.ImplicitSessions.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var session = ClusterSession.Open(new ClusterTarget(kubeconfig, context, AllowInsecureTransport: allowInsecureTransport));
        verbose($"Using context '{session.Connection.Context}' ({session.Connection.Server}) from {session.Connection.KubeconfigPath}.");
        // Said once per connection: the session is cached below, so later calls do not repeat it.
        foreach (var message in session.Warnings)
        {
            warning(message);
        }

        state.ImplicitSessions[key] = session;
        return session;
    }

    private static string SessionKey(string? kubeconfig, string? context)
    {
        var paths = KubeconfigLoader.ResolvePaths(kubeconfig, Environment.GetEnvironmentVariable("KUBECONFIG"), null);
        // The write time is part of the key: an edited kubeconfig (new token, new context) is read again.
        var stamps = paths.Select(p => $"{p}@{(File.Exists(p) ? File.GetLastWriteTimeUtc(p).Ticks : 0)}");
        return string.Join("|", stamps) + "#" + context;
    }
}
