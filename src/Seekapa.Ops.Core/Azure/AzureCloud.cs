using Azure.Identity;

namespace Seekapa.Ops.Core.Azure;

/// <summary>
/// One Azure cloud: where Resource Manager is, which Entra authority issues its tokens, and the token audience.
/// -ResourceManagerUrl gives a Custom cloud (Azure Stack, a test endpoint) whose audience is that URL.
/// </summary>
public sealed record AzureCloud(string Name, Uri ResourceManagerUrl, Uri AuthorityHost, string Audience)
{
    public static readonly AzureCloud Public = new("AzureCloud", new Uri("https://management.azure.com/"),
        AzureAuthorityHosts.AzurePublicCloud, "https://management.azure.com/");

    public static readonly AzureCloud China = new("AzureChinaCloud", new Uri("https://management.chinacloudapi.cn/"),
        AzureAuthorityHosts.AzureChina, "https://management.chinacloudapi.cn/");

    public static readonly AzureCloud UsGovernment = new("AzureUSGovernment", new Uri("https://management.usgovcloudapi.net/"),
        AzureAuthorityHosts.AzureGovernment, "https://management.usgovcloudapi.net/");

    public static IReadOnlyList<AzureCloud> Known { get; } = new[] { Public, China, UsGovernment };

    /// <summary>The scope a Resource Manager token is requested for.</summary>
    public string ArmScope => Audience.TrimEnd('/') + "/.default";

    /// <summary>A known cloud by name (case-insensitive), or a Custom one for an explicit Resource Manager URL.</summary>
    public static AzureCloud Resolve(string? environment, Uri? resourceManagerUrl)
    {
        var cloud = Public;
        if (!string.IsNullOrEmpty(environment))
        {
            cloud = Known.FirstOrDefault(c => string.Equals(c.Name, environment, StringComparison.OrdinalIgnoreCase))
                ?? throw new Errors.SeekapaException("AzureEnvironmentUnknown", Errors.FailureCategory.InvalidArgument,
                    $"Unknown Azure environment '{environment}'.", environment,
                    $"Use one of {string.Join(", ", Known.Select(c => c.Name))}, or -ResourceManagerUrl for another endpoint.");
        }

        if (resourceManagerUrl is null)
        {
            return cloud;
        }

        if (!resourceManagerUrl.IsAbsoluteUri || resourceManagerUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new Errors.SeekapaException("AzureEndpointInvalid", Errors.FailureCategory.InvalidArgument,
                $"The Resource Manager URL '{resourceManagerUrl}' must be an absolute https URL.", resourceManagerUrl.ToString());
        }

        var url = new Uri(resourceManagerUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        return new AzureCloud("Custom", url, cloud.AuthorityHost, url.ToString());
    }
}
