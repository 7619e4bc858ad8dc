using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>Validation of Kubernetes object names before any call is made.</summary>
public static partial class ResourceNames
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Rfc1123Label();

    public static bool IsValidNamespace(string name) => name.Length <= 63 && Rfc1123Label().IsMatch(name);

    public static void ValidateNamespace(string name)
    {
        if (!IsValidNamespace(name))
        {
            throw new SeekapaException("InvalidNamespace", FailureCategory.InvalidArgument,
                $"'{name}' is not a valid namespace name: at most 63 lowercase alphanumerics or '-', starting and ending with an alphanumeric (RFC 1123).",
                name);
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Rfc1123Subdomain();

    public static bool IsValidName(string name) => name.Length is > 0 and <= 253 && Rfc1123Subdomain().IsMatch(name);

    /// <summary>Object names (deployments, pods, ...) are RFC 1123 subdomains; a bad one fails before any call.</summary>
    public static void ValidateName(string name, string kind)
    {
        if (!IsValidName(name))
        {
            throw new SeekapaException("InvalidName", FailureCategory.InvalidArgument,
                $"'{name}' is not a valid {kind} name: lowercase alphanumerics, '-' or '.', starting and ending with an alphanumeric, at most 253 characters (RFC 1123).",
                name);
        }
    }
}
