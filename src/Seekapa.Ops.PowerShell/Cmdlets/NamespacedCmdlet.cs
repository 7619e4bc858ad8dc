using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Completers;

namespace Seekapa.Ops.PowerShell.Cmdlets;

/// <summary>
/// Base of the Get- cmdlets that list objects like kubectl get: -Name with wildcards, -Namespace or -AllNamespaces
/// (with kubectl's NAMESPACE column).
/// </summary>
public abstract class NamespacedCmdlet : ClusterCmdlet
{
    protected const string NamespaceSet = "Namespace";
    protected const string AllNamespacesSet = "AllNamespaces";

    /// <summary>Names; wildcards allowed. An explicit name that does not exist is an error; a wildcard matching nothing is not.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ParameterSetName = NamespaceSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Every namespace (kubectl -A).</summary>
    [Parameter(ParameterSetName = AllNamespacesSet, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Where a missing name was looked for, for error messages.</summary>
    protected string ScopeText => AllNamespaces ? "any namespace" : $"namespace '{Namespace ?? Session.DefaultNamespace}'";

    /// <summary>
    /// Writes one listed object. With -AllNamespaces it gets the extra type name "&lt;type&gt;#AllNamespaces", which
    /// selects the table view with the NAMESPACE column (it is still the same type).
    /// </summary>
    protected void WriteListed(object item)
    {
        if (!AllNamespaces)
        {
            WriteObject(item);
            return;
        }

        var wrapped = new PSObject(item);
        wrapped.TypeNames.Insert(0, item.GetType().FullName + "#AllNamespaces");
        WriteObject(wrapped);
    }
}

/// <summary>A <see cref="NamespacedCmdlet"/> over one kind of object, which can also be filtered by labels (-Selector).</summary>
public abstract class NamespacedListCmdlet : NamespacedCmdlet
{
    /// <summary>A label selector, e.g. app=backend or 'tier in (api,web)'.</summary>
    [Parameter]
    [Alias("l")]
    public string? Selector { get; set; }

    /// <summary>The parsed -Selector, validated before any call (a bad one changes nothing and costs no round trip).</summary>
    protected LabelSelector? ParsedSelector => string.IsNullOrWhiteSpace(Selector) ? null : LabelSelector.Parse(Selector);
}
