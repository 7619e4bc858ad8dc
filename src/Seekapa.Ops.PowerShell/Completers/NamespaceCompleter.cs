using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using k8s;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Completers;

/// <summary>Completes -Namespace from the cluster the command would use, cached for 30 seconds per cluster.</summary>
public sealed class NamespaceCompleter : IArgumentCompleter
{
    private static readonly ConcurrentDictionary<string, (DateTimeOffset At, string[] Names)> Cache = new();
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = Array.Empty<string>();
        try
        {
            var session = fakeBoundParameters["Connection"] is ClusterConnection c ? ClusterSession.FromConnection(c)
                : RunspaceState.Current.DefaultCluster is { } d && fakeBoundParameters["Context"] is null && fakeBoundParameters["Kubeconfig"] is null
                    ? ClusterSession.FromConnection(d)
                    : ClusterSession.Open(new ClusterTarget(fakeBoundParameters["Kubeconfig"] as string, fakeBoundParameters["Context"] as string));
            var key = session.Connection.Server + "#" + session.Connection.User;
            if (!Cache.TryGetValue(key, out var entry) || DateTimeOffset.UtcNow - entry.At > Lifetime)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                var list = session.Client.CoreV1.ListNamespaceAsync(cancellationToken: timeout.Token).GetAwaiter().GetResult();
                entry = (DateTimeOffset.UtcNow, list.Items.Select(n => n.Metadata.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray());
                Cache[key] = entry;
            }

            names = entry.Names;
        }
        catch (Exception)
        {
            // No cluster, no rights, too slow: offer nothing rather than an error at the prompt.
        }

        return names.Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
