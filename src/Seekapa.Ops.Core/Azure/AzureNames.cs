using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure;

/// <summary>
/// Checks the names and ids that end up in Resource Manager URLs before any call, so a typo or a stray '/' or '?' is
/// refused with a clear error instead of addressing another resource.
/// </summary>
public static partial class AzureNames
{
    // Resource groups: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.
    [GeneratedRegex(@"^[\p{L}\p{N}_\-.()]{1,90}$")]
    private static partial Regex ResourceGroupPattern();

    // The common subset of the providers' name rules (AKS, App Insights, PostgreSQL flexible server).
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,259}$")]
    private static partial Regex ResourceNamePattern();

    [GeneratedRegex(@"^/subscriptions/[^/?#]+(/resourceGroups/[^/?#]+)?(/providers/[^/?#]+(/[^/?#]+/[^/?#]+)+)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ResourceIdPattern();

    public static void ValidateResourceGroup(string name)
    {
        if (!ResourceGroupPattern().IsMatch(name) || name.EndsWith('.'))
        {
            throw new SeekapaException("InvalidResourceGroupName", FailureCategory.InvalidArgument,
                $"'{name}' is not a valid resource group name (1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.').", name);
        }
    }

    public static void ValidateResourceName(string name, string what)
    {
        if (!ResourceNamePattern().IsMatch(name))
        {
            throw new SeekapaException("InvalidResourceName", FailureCategory.InvalidArgument,
                $"'{name}' is not a valid {what} name (letters, digits, '-', '_' and '.', starting with a letter or digit).", name);
        }
    }

    /// <summary>A full ARM resource id, normalised without a trailing slash.</summary>
    public static string ValidateResourceId(string id)
    {
        var trimmed = id.Trim().TrimEnd('/');
        if (!ResourceIdPattern().IsMatch(trimmed) || !trimmed.Contains("/providers/", StringComparison.OrdinalIgnoreCase))
        {
            throw new SeekapaException("InvalidResourceId", FailureCategory.InvalidArgument,
                $"'{id}' is not an Azure resource id (/subscriptions/ID/resourceGroups/RG/providers/NAMESPACE/TYPE/NAME).", id,
                "Copy the id from the resource's ResourceId property, or use -AksCluster / -AppInsights / -PostgresServer with -ResourceGroupName.");
        }

        return trimmed;
    }

    /// <summary>The resource's own name: the last segment of its id.</summary>
    public static string NameOf(string resourceId) => resourceId.TrimEnd('/')[(resourceId.TrimEnd('/').LastIndexOf('/') + 1)..];

    /// <summary>The resource group segment of an id, or null for a subscription-level id.</summary>
    public static string? ResourceGroupOf(string resourceId)
    {
        var parts = resourceId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < parts.Length; i++)
        {
            if (parts[i].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
            {
                return parts[i + 1];
            }
        }

        return null;
    }
}
