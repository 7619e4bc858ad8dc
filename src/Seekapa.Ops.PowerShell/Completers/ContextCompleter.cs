using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.PowerShell.Completers;

/// <summary>Completes -Context from the kubeconfig the command would read (no network call).</summary>
public sealed class ContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string[] contexts;
        try
        {
            var kubeconfig = fakeBoundParameters["Kubeconfig"] as string;
            var paths = KubeconfigLoader.ResolvePaths(kubeconfig, Environment.GetEnvironmentVariable("KUBECONFIG"), null).Where(File.Exists);
            contexts = paths.SelectMany(ReadContextNames).Distinct(StringComparer.Ordinal).ToArray();
        }
        catch (Exception)
        {
            // Completion must never throw at the user's prompt.
            yield break;
        }

        foreach (var name in contexts.Where(c => c.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase)).OrderBy(c => c))
        {
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
        }
    }

    private static IEnumerable<string> ReadContextNames(string path) =>
        Seekapa.Ops.Core.Kubernetes.KubeconfigLoader.ReadFile(path).Contexts?.Select(c => c.Name) ?? Enumerable.Empty<string>();
}
