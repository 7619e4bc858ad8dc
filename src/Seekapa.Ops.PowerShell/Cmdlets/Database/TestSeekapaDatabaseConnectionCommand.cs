using System.Management.Automation;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>The runbook's connectivity test: connect, round trips, version, TLS, role, replica or primary, and how full the server is.</summary>
[Cmdlet(VerbsDiagnostic.Test, "SeekapaDatabaseConnection", HelpUri = HelpLinks.Cmdlets + "Test-SeekapaDatabaseConnection.md")]
[OutputType(typeof(DatabaseConnectionTest))]
public sealed class TestSeekapaDatabaseConnectionCommand : DatabaseCmdlet
{
    /// <summary>The connection to test (pipe Connect-SeekapaDatabase into it); default the session's.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public override DatabaseConnection? Connection { get; set; }

    protected override void Process() => WithSession(session =>
    {
        WriteVerbose($"Testing {session.Connection}.");
        WriteObject(Await(DatabaseConnectionTester.TestAsync(session, CancellationToken)));
    });

    /// <summary>A failed test is the answer, not a broken setup: it is non-terminating, so -ErrorAction decides.</summary>
    protected override bool IsSetupError(SeekapaException ex) => ex.ErrorId is "DatabaseNotConnected" or "ConnectionInvalid";
}
