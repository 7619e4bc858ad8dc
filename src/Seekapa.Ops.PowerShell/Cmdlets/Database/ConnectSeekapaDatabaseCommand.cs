using System.Management.Automation;
using System.Security;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>Connects to a PostgreSQL server, verifies the login, and makes it this session's default database.</summary>
[Cmdlet(VerbsCommunications.Connect, "SeekapaDatabase", HelpUri = HelpLinks.Cmdlets + "Connect-SeekapaDatabase.md", DefaultParameterSetName = ServerSet)]
[OutputType(typeof(DatabaseConnection))]
public sealed class ConnectSeekapaDatabaseCommand : SeekapaCmdlet
{
    private const string ServerSet = "Server";
    private const string ConnectionStringSet = "ConnectionString";
    private const string AccessTokenSet = "AccessToken";
    private const string IdentitySet = "Identity";

    /// <summary>Npgsql keywords or a postgresql:// URI; a string or a SecureString.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConnectionStringSet)]
    [SecretTransformation]
    public SecureString? ConnectionString { get; set; }

    /// <summary>The server's host name or address.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ServerSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = AccessTokenSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdentitySet)]
    [Alias("Host")]
    public string Server { get; set; } = string.Empty;

    /// <summary>The port; default 5432.</summary>
    [Parameter(ParameterSetName = ServerSet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [Parameter(ParameterSetName = IdentitySet)]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The database; default "postgres".</summary>
    [Parameter(Position = 1, ParameterSetName = ServerSet)]
    [Parameter(Position = 1, ParameterSetName = AccessTokenSet)]
    [Parameter(Position = 1, ParameterSetName = IdentitySet)]
    public string? Database { get; set; }

    /// <summary>The role and its password.</summary>
    [Parameter(ParameterSetName = ServerSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The PostgreSQL role of the Entra user, group or managed identity.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public string User { get; set; } = string.Empty;

    /// <summary>An Entra access token for https://ossrdbms-aad.database.windows.net, sent as the password.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    [SecretTransformation]
    public SecureString? AccessToken { get; set; }

    /// <summary>Gets Entra tokens through Azure.Identity (managed identity, or the DefaultAzureCredential chain).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public SwitchParameter Identity { get; set; }

    /// <summary>The client id of a user-assigned managed identity.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    public string? ClientId { get; set; }

    /// <summary>TLS; default VerifyFull for a remote host (or with -SslRootCertificate), Prefer for this machine.</summary>
    [Parameter]
    public DatabaseSslMode? SslMode { get; set; }

    /// <summary>The CA certificate (PEM) the server's certificate must chain to, for a private CA; default the system's roots.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SslRootCertificate { get; set; }

    protected override void Process()
    {
        // A relative path is the PowerShell location's, not the process's working directory.
        var root = SslRootCertificate is null || SslRootCertificate.Equals(DatabaseTarget.SystemRoots, StringComparison.OrdinalIgnoreCase)
            ? SslRootCertificate
            : GetUnresolvedProviderPathFromPSPath(SslRootCertificate);
        var target = ParameterSetName switch
        {
            ConnectionStringSet => DatabaseTarget.FromConnectionString(SecretTransformationAttribute.Reveal(ConnectionString!), SslMode, root),
            AccessTokenSet => DatabaseTarget.FromAccessToken(Server, Port, Database, User, SecretTransformationAttribute.Reveal(AccessToken!), SslMode, root),
            IdentitySet => DatabaseTarget.FromTokenCredential(Server, Port, Database, User, EntraTokenProvider.CreateCredential(ClientId), SslMode, root),
            _ => DatabaseTarget.FromServer(Server, Port, Database, Credential?.UserName?.TrimStart('\\'),
                Credential is null ? null : SecretTransformationAttribute.Reveal(Credential.Password), SslMode, root),
        };
        foreach (var warning in target.Warnings)
        {
            WriteWarning(warning);
        }

        var session = DatabaseSession.Open(target);
        var roots = target.SslRootCertificate is { } ca ? $", CA {ca}" : string.Empty;
        WriteVerbose($"Connecting to {session.Connection} (SSL mode {target.SslMode}{roots}, authentication {target.Authentication}).");
        Await(session.VerifyAsync(CancellationToken));
        WriteVerbose($"Connected: PostgreSQL {session.Connection.ServerVersion}.");
        RunspaceState.Current.DefaultDatabase = session.Connection;
        WriteObject(session.Connection);
    }

    protected override bool IsSetupError(Core.Errors.SeekapaException ex) => true;
}
