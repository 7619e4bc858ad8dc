using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.Core.Kubernetes.Secrets;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>
/// The runbook's "update connection strings" step done safely: rewrites only the host (and optionally port and database)
/// of the connection string in one Secret key, keeping the credentials, then optionally restarts the workload that reads
/// it and waits for the rollout. Get-SeekapaAzureDatabaseServer pipes its FullyQualifiedDomainName into -Server.
/// </summary>
[Cmdlet(VerbsCommon.Set, "SeekapaDatabaseEndpoint", HelpUri = HelpLinks.Cmdlets + "Set-SeekapaDatabaseEndpoint.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = SecretOnlySet)]
[OutputType(typeof(DatabaseEndpointChange))]
public sealed class SetSeekapaDatabaseEndpointCommand : ClusterCmdlet
{
    private const string SecretOnlySet = "Secret";
    private const string RestartSet = "Restart";

    /// <summary>The server to point at: a DNS name or an IP address.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullyQualifiedDomainName")]
    [ValidateNotNullOrEmpty]
    public string Server { get; set; } = string.Empty;

    /// <summary>The port to write; by default the value keeps its own (or none).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The database to write; by default the value keeps its own.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary>The namespace of the Secret (and of the workload to restart); default the connection's namespace.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>The Secret that holds the connection string.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Secret { get; set; } = string.Empty;

    /// <summary>The key of the Secret that holds the connection string.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = DatabaseEndpointUpdater.DefaultKey;

    /// <summary>The workload to restart afterwards so that its pods read the new value.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RestartSet)]
    [ValidateNotNullOrEmpty]
    public string Restart { get; set; } = string.Empty;

    /// <summary>The kind of the -Restart workload: Deployment (default) or StatefulSet.</summary>
    [Parameter(ParameterSetName = RestartSet)]
    public WorkloadKind Kind { get; set; } = WorkloadKind.Deployment;

    /// <summary>Wait until the restart has rolled out (Wait-SeekapaRollout).</summary>
    [Parameter(ParameterSetName = RestartSet)]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (a TimeSpan, or a number of seconds); 0 waits until the rollout ends or Ctrl+C.</summary>
    [Parameter(ParameterSetName = RestartSet)]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = RolloutWaiter.DefaultTimeout;

    protected override void Begin() => RolloutWaitLoop.ValidateTimeout(Timeout);

    protected override bool IsSetupError(SeekapaException ex) => ex.ErrorId == "InvalidTimeout" || base.IsSetupError(ex);

    protected override void Process()
    {
        // Everything the user typed is checked before the first call.
        var ns = Namespace ?? Session.DefaultNamespace;
        ResourceNames.ValidateNamespace(ns);
        ResourceNames.ValidateName(Secret, "Secret");
        DatabaseEndpointUpdater.ValidateKey(Key);
        var target = EndpointTarget.Create(Server, Port, Database);
        WorkloadRef? workload = null;
        if (ParameterSetName == RestartSet)
        {
            ResourceNames.ValidateName(Restart, Kind.ToString());
            workload = new WorkloadRef(Kind, ns, Restart);
        }

        var updater = new DatabaseEndpointUpdater(Session);
        var plan = Await(updater.PlanAsync(ns, Secret, Key, target, CancellationToken));
        var workloads = new WorkloadClient(Session);
        if (workload is not null)
        {
            // A missing or paused workload fails now, before the Secret is touched.
            RestartPlanner.EnsureRestartable(Await(WorkloadState.ReadAsync(workloads, workload, CancellationToken)));
        }

        if (!plan.Changed && workload is null)
        {
            WriteObject(Result(plan, null, null));
            return;
        }

        // Endpoints only: the text reaches the host, transcripts and -Verbose.
        var what = plan.Changed ? $"Point at {plan.Describe()}" : $"Keep {plan.Old} (already the target)";
        if (workload is not null)
        {
            what += $", then restart {workload}";
        }

        if (!ShouldProcess($"Secret {ns}/{Secret} key {Key}", what))
        {
            return;
        }

        var landed = Await(updater.ApplyAsync(plan, target, CancellationToken));
        if (landed.Changed)
        {
            RecordChange($"{ns}/secret/{Secret}[{Key}]", "SetDatabaseEndpoint", DatabaseEndpointOutcome.Updated.ToString(),
                landed.Old.Host, landed.New.Host);
        }

        if (workload is null)
        {
            WriteObject(Result(landed, null, null));
            return;
        }

        WorkloadChange restart;
        try
        {
            restart = Await(new WorkloadEditor(workloads).RestartAsync(workload, CancellationToken));
        }
        catch (SeekapaException)
        {
            // The Secret landed even though the restart failed: say so (no RestartedWorkload), then report why.
            WriteObject(Result(landed, null, null));
            throw;
        }

        if (restart.Outcome == ChangeOutcome.Changed)
        {
            RecordChange($"{ns}/{workload}", "Restart", restart.Outcome.ToString(), restart.Before, restart.After);
        }

        if (!Wait)
        {
            WriteObject(Result(landed, workload, null));
            return;
        }

        RolloutStatus status;
        try
        {
            status = RolloutWaitLoop.Run(this, new RolloutWaiter(Session), workload, null, Timeout, CancellationToken);
        }
        catch (SeekapaException)
        {
            // The Secret and the restart landed even though the wait failed: say so, then report why the wait failed.
            WriteObject(Result(landed, workload, null));
            throw;
        }

        WriteObject(Result(landed, workload, status));
    }

    private static DatabaseEndpointChange Result(DatabaseEndpointPlan plan, WorkloadRef? workload, RolloutStatus? status) => new()
    {
        Namespace = plan.Namespace,
        Secret = plan.Secret,
        Key = plan.Key,
        Format = plan.Format,
        Outcome = plan.Changed ? DatabaseEndpointOutcome.Updated : DatabaseEndpointOutcome.Unchanged,
        OldHost = plan.Old.Host,
        NewHost = plan.New.Host,
        OldPort = plan.Old.Port,
        NewPort = plan.New.Port,
        OldDatabase = plan.Old.Database,
        NewDatabase = plan.New.Database,
        ResourceVersion = plan.ResourceVersion,
        RestartedWorkload = workload?.ToString(),
        Rollout = status,
        Time = DateTimeOffset.UtcNow,
    };
}
