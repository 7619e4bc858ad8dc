using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure;

/// <summary>
/// A signed-in Resource Manager session: the ArmClient (generic resources, pinned api-versions) and a raw request path
/// through an HttpPipeline built from the SAME options, so both share the bearer token, the retry policy (408/429/5xx,
/// Retry-After honoured) and, in tests, the transport (ArmClientOptions.Transport). Nothing here logs a token.
/// </summary>
public sealed class AzureSession
{
    private readonly HttpPipeline _pipeline;

    public AzureSession(TokenCredential credential, AzureCloud cloud, string subscriptionId, AzureApiVersions? apiVersions = null,
        Action<ArmClientOptions>? configure = null)
    {
        Credential = credential;
        Cloud = cloud;
        SubscriptionId = subscriptionId;
        ApiVersions = apiVersions ?? new AzureApiVersions();

        var options = new ArmClientOptions { Environment = new ArmEnvironment(cloud.ResourceManagerUrl, cloud.Audience) };
        options.Diagnostics.ApplicationId = "Seekapa.Ops";
        // Headers and bodies stay out of Azure.Core's event source: a token or a connection string must never reach a log.
        options.Diagnostics.IsLoggingContentEnabled = false;
        foreach (var (type, version) in ApiVersions.All)
        {
            options.SetApiVersion(new ResourceType(type), version);
        }

        configure?.Invoke(options);
        Options = options;
        Arm = new ArmClient(credential, subscriptionId, options);
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, cloud.ArmScope));
    }

    public TokenCredential Credential { get; }
    public AzureCloud Cloud { get; }
    public string SubscriptionId { get; }
    public AzureApiVersions ApiVersions { get; }
    public ArmClientOptions Options { get; }
    public ArmClient Arm { get; }

    /// <summary>The user-facing description; set once Connect-SeekapaAzure has verified the session.</summary>
    public AzureConnection? Connection { get; private set; }

    public string SubscriptionPath => "/subscriptions/" + SubscriptionId;

    public AzureConnection Attach(AzureConnection connection)
    {
        connection.Handle = this;
        Connection = connection;
        return connection;
    }

    public static AzureSession FromConnection(AzureConnection connection) =>
        connection.Handle as AzureSession ?? throw new SeekapaException("AzureConnectionInvalid", FailureCategory.InvalidArgument,
            $"The Azure connection for {connection.Account} was not created in this session.", connection.Account,
            "Create it again with Connect-SeekapaAzure.");

    /// <summary>An absolute URL for a path and query relative to the Resource Manager endpoint.</summary>
    public Uri Url(string pathAndQuery) => new(Cloud.ResourceManagerUrl, pathAndQuery.TrimStart('/'));

    /// <summary>Sends a request; a non-2xx answer throws a SeekapaException whose inner exception is an ArmRequestException.</summary>
    public async Task<ArmResponse> SendAsync(RequestMethod method, string pathAndQuery, JsonNode? body, CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(method, Url(pathAndQuery), body, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response : throw ToException(response, method, Url(pathAndQuery));
    }

    /// <summary>Sends a request and returns whatever status came back (after the pipeline's retries).</summary>
    public async Task<ArmResponse> SendRawAsync(RequestMethod method, Uri url, JsonNode? body, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(url);
        request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
        }
        else if (method == RequestMethod.Post || method == RequestMethod.Put)
        {
            // ARM actions such as listClusterUserCredential take an empty body but still want a Content-Length.
            request.Content = RequestContent.Create(Array.Empty<byte>());
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new SeekapaException("AzureAuthenticationFailed", FailureCategory.AuthenticationError,
                "Could not get an Azure token: " + Security.Redactor.Redact(ex.Message), Cloud.Name,
                "Sign in again (Connect-SeekapaAzure), or check the managed identity / service principal.", ex);
        }
        catch (RequestFailedException ex) when (ex.Status == 0)
        {
            throw new SeekapaException("AzureUnreachable", FailureCategory.ConnectionError,
                $"Azure Resource Manager at {Cloud.ResourceManagerUrl} could not be reached: {ex.Message}", Cloud.ResourceManagerUrl.ToString(),
                inner: ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is RequestFailedException { Status: 0 }))
        {
            // Azure.Core's retry policy gives up on network failures (DNS, TLS, refused) with all its attempts in one.
            throw new SeekapaException("AzureUnreachable", FailureCategory.ConnectionError,
                $"Azure Resource Manager at {Cloud.ResourceManagerUrl} could not be reached after {ex.InnerExceptions.Count} attempts: {Innermost(ex.InnerExceptions[^1])}",
                Cloud.ResourceManagerUrl.ToString(), "Check the network path and, for a custom endpoint, that its certificate is trusted (SSL_CERT_FILE).", ex);
        }

        var response = message.Response;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            headers[header.Name] = header.Value;
        }

        return new ArmResponse(response.Status, ParseBody(response.Content), headers);
    }

    // The root cause (e.g. "UntrustedRoot") sits under "The SSL connection could not be established".
    internal static string Innermost(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return Security.Redactor.Redact(string.Join(" ", messages.Distinct()));
    }

    private static JsonNode? ParseBody(BinaryData? content)
    {
        if (content is null || content.ToMemory().IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(content.ToMemory().Span);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The standard mapping of an ARM failure to a stable ErrorId; cmdlets refine it for codes they know.</summary>
    public static SeekapaException ToException(ArmResponse response, RequestMethod method, Uri url)
    {
        var (code, armMessage) = response.Error();
        var path = url.AbsolutePath;
        var inner = new ArmRequestException(response.Status, code, armMessage ?? "(no error message)", method.ToString(), path);
        var (errorId, category) = response.Status switch
        {
            400 => ("AzureBadRequest", FailureCategory.InvalidArgument),
            401 => ("AzureAuthenticationFailed", FailureCategory.AuthenticationError),
            403 => ("AzureAuthorizationFailed", FailureCategory.PermissionDenied),
            404 => ("AzureResourceNotFound", FailureCategory.ObjectNotFound),
            409 => ("AzureConflict", FailureCategory.InvalidOperation),
            429 => ("AzureThrottled", FailureCategory.ResourceUnavailable),
            _ => ("AzureRequestFailed", FailureCategory.ResourceUnavailable),
        };
        return new SeekapaException(errorId, category,
            $"Azure Resource Manager refused {method} {path}: {response.Status} {code ?? string.Empty} {armMessage}".TrimEnd(),
            path, inner: inner);
    }
}
