using System.Management.Automation;
using System.Net;
using System.Security;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Redis;
using Seekapa.Ops.Core.Security;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Integrations;

/// <summary>
/// Base of the Redis cmdlets: the endpoints and how to reach them (password, TLS, CA, timeout), and one connection per
/// endpoint, closed after use; each endpoint fails on its own, while a bad timeout or CA file stops the command.
/// </summary>
public abstract class RedisCmdlet : SeekapaCmdlet
{
    private RedisConnectOptions _options = new();

    /// <summary>host:port, a host, or a redis:// / rediss:// URI (its password is used, never shown).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Endpoint { get; set; } = Array.Empty<string>();

    [Parameter]
    public SecureString? Password { get; set; }

    [Parameter]
    public SwitchParameter Tls { get; set; }

    [Parameter]
    public string? CaCertificatePath { get; set; }

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    protected override void Begin()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument, "-Timeout must be more than zero.");
        }

        _options = new RedisConnectOptions
        {
            Password = Password is null ? null : new NetworkCredential(string.Empty, Password).Password,
            Tls = Tls,
            CaCertificatePath = CaCertificatePath is null ? null : GetUnresolvedProviderPathFromPSPath(CaCertificatePath),
            Timeout = Timeout,
        };
    }

    /// <summary>
    /// For each -Endpoint: parse it, run <paramref name="validate"/> (before any connection, so bad input changes nothing),
    /// connect, run <paramref name="body"/>, close. A failure is written for that endpoint and the next one goes on.
    /// </summary>
    protected void ForEachEndpoint(Action<RedisEndpoint, RedisConnection> body, Action<RedisEndpoint>? validate = null)
    {
        foreach (var text in Endpoint)
        {
            try
            {
                var endpoint = RedisEndpoint.Parse(text);
                validate?.Invoke(endpoint);
                WriteDebug("StackExchange.Redis configuration: " +
                           Redactor.Redact(RedisConnection.Describe(endpoint, _options), [_options.Password, endpoint.Password]));
                var connection = Await(RedisConnection.ConnectAsync(endpoint, _options, CancellationToken));
                try
                {
                    body(endpoint, connection);
                }
                finally
                {
                    Await(connection.DisposeAsync().AsTask());
                }
            }
            catch (SeekapaException ex) when (!IsSetupError(ex))
            {
                WriteFailure(ex);
            }
        }
    }

    // A bad timeout or CA file fails every endpoint the same way.
    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) ||
        ex.ErrorId is "InvalidTimeout" or "CaCertificateNotFound" or "InvalidCaCertificate";
}
