using System.Management.Automation;
using System.Net;
using System.Security;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Redis;
using Seekapa.Ops.Core.Security;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Integrations;

/// <summary>`redis-cli INFO stats` as typed numbers, for one or many endpoints; each endpoint fails on its own.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaRedisStats")]
[OutputType(typeof(RedisStats))]
public sealed class GetSeekapaRedisStatsCommand : SeekapaCmdlet
{
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

    /// <summary>Only this database in Keyspace.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Database { get; set; }

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    private RedisConnectOptions _options = new();

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

    protected override void Process()
    {
        foreach (var text in Endpoint)
        {
            try
            {
                var endpoint = RedisEndpoint.Parse(text);
                WriteDebug("StackExchange.Redis configuration: " + Redactor.Redact(RedisConnection.Describe(endpoint, _options), [_options.Password, endpoint.Password]));
                var connection = Await(RedisConnection.ConnectAsync(endpoint, _options, CancellationToken));
                try
                {
                    WriteVerbose($"Connected to {connection.Display}; reading INFO.");
                    var stats = Await(connection.ReadStatsAsync(Database, CancellationToken));
                    WriteVerbose($"{connection.Display}: Redis {stats.Version} ({stats.Role}), {stats.TotalKeys} keys, {stats.UsedMemoryHuman} used.");
                    WriteObject(stats);
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

    // A bad CA file fails every endpoint the same way.
    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) ||
        ex.ErrorId is "InvalidTimeout" or "CaCertificateNotFound" or "InvalidCaCertificate";
}
