using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// Which store a command uses, parsed from -Store or $env:SEEKAPA_INCIDENT_STORE: a folder path (the file store), or
/// kubernetes://&lt;namespace&gt; (ConfigMaps in that namespace, through the runspace's default cluster connection or else
/// the kubeconfig's current context) or kubernetes://&lt;namespace&gt;?context=&lt;kubeconfig context&gt; (that context; the
/// name URL-encoded when it has '?', '&amp;', '%' or '#').
/// </summary>
public sealed record IncidentStoreLocation
{
    public const string EnvironmentVariable = "SEEKAPA_INCIDENT_STORE";

    private const string Prefix = KubernetesIncidentStore.Scheme + "://";

    private IncidentStoreLocation(string? directory, string? @namespace, string? context)
    {
        Directory = directory;
        Namespace = @namespace;
        Context = context;
    }

    /// <summary>The folder of a file store (as given: the caller makes it absolute).</summary>
    public string? Directory { get; }

    /// <summary>The namespace of a cluster store.</summary>
    public string? Namespace { get; }

    /// <summary>The kubeconfig context of a cluster store; null means the default connection or current context.</summary>
    public string? Context { get; }

    public bool InCluster => Namespace is not null;

    public static IncidentStoreLocation InFolder(string directory) => new(directory, null, null);

    /// <summary>$env:SEEKAPA_INCIDENT_STORE when set, else the file store's folder ($env:SEEKAPA_INCIDENT_PATH or the user's data folder).</summary>
    public static IncidentStoreLocation Default()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(configured)
            ? InFolder(IncidentStore.DefaultDirectory())
            : Parse(configured, "$env:" + EnvironmentVariable);
    }

    /// <summary>Parses a store; a bad one is IncidentStoreInvalid, before anything is read or written.</summary>
    public static IncidentStoreLocation Parse(string text, string source = "-Store")
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw IncidentErrors.InvalidStore(text, $"{source} is empty.");
        }

        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var scheme = value.IndexOf("://", StringComparison.Ordinal);
            if (scheme > 1 && value[..scheme].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                throw IncidentErrors.InvalidStore(text, $"the scheme '{value[..scheme]}' is not known (only {Prefix}<namespace>, or a folder path).");
            }

            return InFolder(value);
        }

        var rest = value[Prefix.Length..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        var ns = (query < 0 ? rest : rest[..query]).TrimEnd('/');
        if (ns.Length == 0)
        {
            throw IncidentErrors.InvalidStore(text, "it names no namespace.");
        }

        if (!ResourceNames.IsValidNamespace(ns))
        {
            throw IncidentErrors.InvalidStore(text, $"'{ns}' is not a valid namespace name (at most 63 lowercase alphanumerics or '-', RFC 1123).");
        }

        string? context = null;
        foreach (var pair in query < 0 ? Array.Empty<string>() : rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            if (key != "context" || equals < 0 || equals == pair.Length - 1)
            {
                throw IncidentErrors.InvalidStore(text, $"'{pair}' is not understood (the only option is context=<kubeconfig context>).");
            }

            context = Uri.UnescapeDataString(pair[(equals + 1)..]);
        }

        return new IncidentStoreLocation(null, ns, context);
    }
}
