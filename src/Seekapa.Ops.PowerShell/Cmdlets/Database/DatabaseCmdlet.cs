using System.Management.Automation;
using Npgsql;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>
/// Base of the PostgreSQL cmdlets: the connection is -Connection, else the session default set by
/// Connect-SeekapaDatabase. Each command opens its own connection and closes it when done.
/// </summary>
public abstract class DatabaseCmdlet : SeekapaCmdlet
{
    /// <summary>A connection returned by Connect-SeekapaDatabase; default the session's.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public virtual DatabaseConnection? Connection { get; set; }

    /// <summary>The session for -Connection (or the given connection), else the runspace default.</summary>
    private DatabaseSession ResolveSession(DatabaseConnection? connection = null)
    {
        var chosen = connection ?? Connection ?? RunspaceState.Current.DefaultDatabase ?? throw DatabaseErrors.NotConnected();
        return DatabaseSession.FromConnection(chosen);
    }

    /// <summary>
    /// Runs the command's body for the resolved session; any error leaving it is scrubbed of the session's secrets
    /// (a value or name the server echoes back may contain the password).
    /// </summary>
    protected void WithSession(Action<DatabaseSession> body, DatabaseConnection? connection = null)
    {
        var session = ResolveSession(connection);
        try
        {
            body(session);
        }
        catch (SeekapaException ex)
        {
            throw session.Scrub(ex);
        }
    }

    /// <summary>Runs a read on a new connection (retried once if the connection breaks), on the pipeline thread.</summary>
    protected T Read<T>(DatabaseSession session, string what, Func<NpgsqlConnection, CancellationToken, Task<T>> read)
    {
        WriteVerbose($"Reading {what} on {session.Connection}.");
        return Await(session.ReadAsync(read, CancellationToken));
    }

    /// <summary>Runs a step on an open connection, translating the server's failures into SeekapaExceptions.</summary>
    protected T Run<T>(DatabaseSession session, Func<Task<T>> step)
    {
        try
        {
            return Await(step());
        }
        catch (Exception ex) when (ex is not SeekapaException && (ex is not OperationCanceledException || !CancellationToken.IsCancellationRequested))
        {
            throw DatabaseErrors.Translate(session, ex, opening: false);
        }
    }

    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) || ex.ErrorId is
        "DatabaseNotConnected" or "DatabaseUnreachable" or "DatabaseCertificateRejected" or "DatabaseConnectionLost" or "DatabaseAuthenticationFailed"
        or "DatabaseTokenUnavailable" or "DatabaseNotFound" or "DatabaseTooManyConnections";
}
