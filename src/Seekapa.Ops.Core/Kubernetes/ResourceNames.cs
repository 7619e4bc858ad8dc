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
}
