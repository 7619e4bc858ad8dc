using System.Text.RegularExpressions;
using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>RFC 1123 name checks with the API server's exact wording (apimachinery validation.IsDNS1123*).</summary>
internal static partial class NameValidation
{
    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>The problems with <paramref name="name"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Check(string name, NameRule rule)
    {
        var errors = new List<string>();
        if (rule == NameRule.Label)
        {
            if (name.Length > 63)
            {
                errors.Add("must be no more than 63 characters");
            }
            if (!Label().IsMatch(name))
            {
                errors.Add(LabelMessage);
            }
        }
        else
        {
            if (name.Length > 253)
            {
                errors.Add("must be no more than 253 characters");
            }
            if (!Subdomain().IsMatch(name))
            {
                errors.Add(SubdomainMessage);
            }
        }
        return errors;
    }

    public static bool IsValidLabel(string name) => name.Length <= 63 && Label().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
