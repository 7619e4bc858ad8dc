using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl set env: variables set, replaced in place, or removed in the selected containers of the pod template.</summary>
[Cmdlet(VerbsCommon.Set, "SeekapaContainerEnv", HelpUri = HelpLinks.Cmdlets + "Set-SeekapaContainerEnv.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(WorkloadChange))]
public sealed class SetSeekapaContainerEnvCommand : WorkloadCmdlet
{
    /// <summary>Container names, wildcards allowed; default every container and init container.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Container { get; set; }

    /// <summary>Variables to set: @{ CIRCUIT_BREAKER_ENABLED = $true }.</summary>
    [Parameter(Position = 1)]
    public IDictionary? Env { get; set; }

    /// <summary>Variables read from a Secret: @{ DATABASE_URL = 'backend-db/database-url' } (secret-name/key).</summary>
    [Parameter]
    public IDictionary? FromSecret { get; set; }

    /// <summary>Variables to remove (kubectl KEY-).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Remove { get; set; }

    protected override void Process()
    {
        var edit = EnvEdit.Create(Entries(Env, "-Env"), Entries(FromSecret, "-FromSecret"), Remove);
        var selection = new ContainerSelection(Container);
        var target = Target;
        // Names only: values may be secrets and the ShouldProcess text reaches the host and transcripts.
        var what = string.Join(", ", edit.Set.Select(v => $"set {v.Name}").Concat(edit.Remove.Select(r => $"remove {r}")));
        if (!ShouldProcess($"{target} in namespace {target.Namespace}",
                $"Set environment of container(s) {string.Join(", ", selection.Patterns)}: {what}"))
        {
            return;
        }

        var change = Await(new WorkloadEditor(Workloads).SetEnvAsync(target, selection, edit, CancellationToken));
        if (change.Outcome == ChangeOutcome.Changed)
        {
            RecordChange($"{target.Namespace}/{target}", "SetEnv", change.Outcome.ToString(), change.Before, change.After);
        }

        WriteObject(change);
    }

    /// <summary>
    /// Hashtable entries as strings, the way kubectl takes them: $true -> "true", numbers in the invariant culture,
    /// $null -> "". An ordered dictionary keeps its order; a plain hashtable has none, so its keys are sorted.
    /// </summary>
    private static List<KeyValuePair<string, string>> Entries(IDictionary? dictionary, string parameter)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (dictionary is null)
        {
            return result;
        }

        foreach (DictionaryEntry entry in dictionary)
        {
            var name = Convert.ToString(entry.Key is PSObject k ? k.BaseObject : entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
            result.Add(new KeyValuePair<string, string>(name, ToValue(name, entry.Value, parameter)));
        }

        if (dictionary is not IOrderedDictionary)
        {
            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        return result;
    }

    private static string ToValue(string name, object? value, string parameter)
    {
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        return value switch
        {
            null => string.Empty,
            string s => s,
            bool b => b ? "true" : "false",
            SwitchParameter sw => sw.IsPresent ? "true" : "false",
            char c => c.ToString(),
            SecureString => throw new SeekapaException("InvalidEnv", FailureCategory.InvalidArgument,
                $"{parameter} {name}: a SecureString would be stored in plain text in the pod template; keep the value in a Secret and use -FromSecret @{{ {name} = 'secret-name/key' }}.",
                name),
            IFormattable f when value.GetType().IsPrimitive || value is decimal => f.ToString(null, CultureInfo.InvariantCulture),
            _ => throw new SeekapaException("InvalidEnv", FailureCategory.InvalidArgument,
                $"{parameter} {name}: the value must be a string, a number or a boolean, not {value.GetType().Name}.", name),
        };
    }
}
