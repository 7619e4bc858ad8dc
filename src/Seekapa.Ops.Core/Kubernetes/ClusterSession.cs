using System.Net.Http;
using k8s;
using k8s.Authentication;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>
/// What the caller asked for: all optional, resolved as kubectl resolves them. AllowInsecureTransport lets credentials go
/// to an http:// server (the user's explicit -AllowInsecureTransport); by default that is refused.
/// </summary>
public sealed record ClusterTarget(string? KubeconfigPath = null, string? Context = null, string? Namespace = null,
    bool AllowInsecureTransport = false);

/// <summary>A live client for one cluster, attached to the public <see cref="ClusterConnection"/> it belongs to.</summary>
public sealed class ClusterSession : IDisposable
{
    private readonly Func<string?> _secret;

    private ClusterSession(IKubernetes client, ClusterConnection connection, RetryingHandler handler, Func<string?> secret)
    {
        Client = client;
        Connection = connection;
        Handler = handler;
        _secret = secret;
        connection.Handle = this;
    }

    public IKubernetes Client { get; }
    public ClusterConnection Connection { get; }
    public RetryingHandler Handler { get; }

    /// <summary>The bearer token (the current one, when a token provider refreshes it), only so that redaction can scrub it.</summary>
    internal string? Secret => _secret();

    public string DefaultNamespace => Connection.Namespace;

    /// <summary>Reads the kubeconfig and builds a client. No network call: use <see cref="VerifyAsync"/> for that.</summary>
    public static ClusterSession Open(ClusterTarget target, RetryPolicy? policy = null) =>
        Open(KubeconfigLoader.Load(target.KubeconfigPath, target.Context), target.Namespace, policy,
            allowInsecureTransport: target.AllowInsecureTransport);

    /// <summary>
    /// What the user must hear once per connection (not per call): TLS verification turned off by the kubeconfig,
    /// credentials sent over http because they allowed it. The cmdlet that opened the session writes them as warnings.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

    /// <summary>
    /// Builds a client from a kubeconfig already loaded (from files, or held in memory such as AKS credentials). A
    /// <paramref name="tokenProvider"/> signs every request instead of the kubeconfig's user (Entra tokens for AKS);
    /// <paramref name="currentToken"/> then tells redaction which token to scrub. No network call.
    /// </summary>
    public static ClusterSession Open(KubeconfigLoader.Loaded loaded, string? @namespace, RetryPolicy? policy = null,
        ITokenProvider? tokenProvider = null, Func<string?>? currentToken = null, bool allowInsecureTransport = false)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(loaded.Config, loaded.Context);
        }
        catch (Exception ex) when (ex is not SeekapaException)
        {
            throw new SeekapaException("KubeconfigInvalid", FailureCategory.InvalidData,
                $"Context '{loaded.Context}' in '{loaded.PrimaryPath}' cannot be used: {ex.Message}", loaded.Context, inner: ex);
        }

        policy ??= RetryPolicy.Default;
        config.HttpClientTimeout = policy.RequestTimeout + TimeSpan.FromSeconds(5);
        var handler = new RetryingHandler(policy);
        var contextEntry = loaded.Config.Contexts.First(c => c.Name == loaded.Context);
        var ns = !string.IsNullOrEmpty(@namespace) ? @namespace
            : !string.IsNullOrEmpty(contextEntry.ContextDetails?.Namespace) ? contextEntry.ContextDetails.Namespace
            : "default";
        ResourceNames.ValidateNamespace(ns);
        var connection = new ClusterConnection(loaded.Context, config.Host ?? string.Empty, ns, contextEntry.ContextDetails?.User,
            loaded.FromFile ? loaded.PrimaryPath : null);
        if (tokenProvider is not null)
        {
            config.TokenProvider = tokenProvider;
        }

        var warnings = CheckTransport(config, loaded.Context, allowInsecureTransport);
        k8s.Kubernetes client;
        try
        {
            // The client certificate and key are parsed here, not when the configuration is built.
            client = new k8s.Kubernetes(config, handler);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or ArgumentException)
        {
            throw new SeekapaException("KubeconfigInvalid", FailureCategory.InvalidData,
                $"Context '{loaded.Context}' in '{loaded.PrimaryPath}' cannot be used: {ClientCertificateFault(config)} of user " +
                $"'{contextEntry.ContextDetails?.User}' could not be loaded ({(ex.Message.Length > 0 ? ex.Message : ex.GetType().Name)}).",
                loaded.Context, "Fetch the credentials again (e.g. az aks get-credentials), or fix the user's client certificate and key.", ex);
        }

        var staticToken = config.AccessToken;
        var secret = currentToken ?? (() => staticToken);
        // The runspace masks this connection's credentials wherever they appear from now on.
        if (SecretRegistry.Current is { } registry)
        {
            registry.AddSource(secret);
            registry.Add(config.Password);
            registry.Add(config.ClientCertificateKeyData);
        }

        return new ClusterSession(client, connection, handler, secret) { Warnings = warnings };
    }

    /// <summary>
    /// A bearer token or basic password must not cross the network in clear: an http:// server with credentials is
    /// refused unless the user allowed it explicitly. insecure-skip-tls-verify is honoured as kubectl does, but said.
    /// </summary>
    private static IReadOnlyList<string> CheckTransport(KubernetesClientConfiguration config, string context, bool allowInsecureTransport)
    {
        var warnings = new List<string>();
        var hasCredentials = !string.IsNullOrEmpty(config.AccessToken) || config.TokenProvider is not null
                             || !string.IsNullOrEmpty(config.Username) || !string.IsNullOrEmpty(config.Password);
        if (Uri.TryCreate(config.Host, UriKind.Absolute, out var server) && server.Scheme == Uri.UriSchemeHttp && hasCredentials)
        {
            if (!allowInsecureTransport)
            {
                throw new SeekapaException("InsecureTransport", FailureCategory.PermissionDenied,
                    $"Context '{context}' points at {server.GetLeftPart(UriPartial.Authority)} over plain http: its credentials (bearer token or password) would be sent in clear text, so nothing was sent.",
                    context,
                    "Use the https:// address of the API server; or, only on a network you trust, pass -AllowInsecureTransport to send the credentials anyway.");
            }

            warnings.Add($"Context '{context}': credentials are sent in clear text to {server.GetLeftPart(UriPartial.Authority)} (http, -AllowInsecureTransport).");
        }

        if (config.SkipTlsVerify && !(server?.Scheme == Uri.UriSchemeHttp))
        {
            warnings.Add($"Context '{context}' has insecure-skip-tls-verify: true: the API server's certificate is not checked, so anyone on the network path can impersonate it and receive the credentials.");
        }

        return warnings;
    }

    /// <summary>Which of the user's fields is broken: the certificate when it does not load alone, else the key.</summary>
    private static string ClientCertificateFault(KubernetesClientConfiguration config)
    {
        var fromData = config.ClientCertificateData is not null;
        var (certificate, key) = fromData ? ("client-certificate-data", "client-key-data") : ("client-certificate", "client-key");
        try
        {
            var pem = fromData
                ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData!))
                : File.ReadAllText(config.ClientCertificateFilePath ?? string.Empty);
            using var _ = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
            return $"the client key ({key})";
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or ArgumentException or IOException
                                       or UnauthorizedAccessException)
        {
            return $"the client certificate ({certificate})";
        }
    }

    /// <summary>The session behind a connection object returned earlier in this process.</summary>
    public static ClusterSession FromConnection(ClusterConnection connection) =>
        connection.Handle as ClusterSession ?? throw new SeekapaException("ConnectionInvalid", FailureCategory.InvalidArgument,
            $"The connection to '{connection.Context}' was not created in this session.", connection.Context,
            "Create it again with Connect-SeekapaCluster.");

    /// <summary>
    /// Calls /version: proves the server is reachable, is a Kubernetes API server (a version document with gitVersion,
    /// major and minor) and accepts our credentials.
    /// </summary>
    public async Task<string> VerifyAsync(CancellationToken cancellationToken)
    {
        k8s.Models.VersionInfo? version;
        try
        {
            version = await KubernetesErrors.Guard(this, "get", "version", null, null,
                () => Client.Version.GetCodeAsync(cancellationToken),
                (status, message) => (int)status == 404 ? NotKubernetesApi($"GET /version answered 404 Not Found: {message}") : null)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException
                                       or InvalidOperationException or FormatException)
        {
            throw NotKubernetesApi($"the answer to GET /version is not a Kubernetes version document ({Redactor.Redact(ex.Message.Split('\n', 2)[0])})", ex);
        }

        if (string.IsNullOrEmpty(version?.GitVersion) || string.IsNullOrEmpty(version.Major) || string.IsNullOrEmpty(version.Minor))
        {
            throw NotKubernetesApi("the answer to GET /version has no gitVersion, major and minor");
        }

        Connection.ServerVersion = version.GitVersion;
        return version.GitVersion;
    }

    private SeekapaException NotKubernetesApi(string reason, Exception? inner = null) =>
        new("NotKubernetesApi", FailureCategory.InvalidData,
            $"The server of context '{Connection.Context}' at {Connection.Server} is not a Kubernetes API server: {reason}.",
            Connection.Context, "Check the server address of the context in the kubeconfig (kubectl config view).", inner);

    public void Dispose() => Client.Dispose();
}
