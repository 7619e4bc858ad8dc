using System.Management.Automation;
using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets;

/// <summary>
/// Base of every Seekapa cmdlet: a cancellation token cancelled by Ctrl+C (StopProcessing), async calls awaited on the
/// pipeline thread, and SeekapaExceptions turned into ErrorRecords with their stable ErrorIds.
/// </summary>
public abstract class SeekapaCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    protected CancellationToken CancellationToken => _cancellation.Token;

    protected sealed override void BeginProcessing() => Guard(Begin);

    protected sealed override void ProcessRecord() => Guard(Process);

    protected sealed override void EndProcessing() => Guard(End);

    protected virtual void Begin()
    {
    }

    protected virtual void Process()
    {
    }

    protected virtual void End()
    {
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>Waits for a task on the pipeline thread; Write* must stay on this thread.</summary>
    protected T Await<T>(Task<T> task) => task.GetAwaiter().GetResult();

    protected void Await(Task task) => task.GetAwaiter().GetResult();

    /// <summary>Enumerates an async stream on the pipeline thread, so each item can be written as it arrives.</summary>
    protected IEnumerable<T> Stream<T>(IAsyncEnumerable<T> source)
    {
        var enumerator = source.GetAsyncEnumerator(CancellationToken);
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                yield return enumerator.Current;
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>A non-terminating error for one item; the pipeline goes on.</summary>
    protected void WriteFailure(SeekapaException ex) => WriteError(ErrorRecords.From(ex));

    /// <summary>
    /// Records a change this cmdlet made: mirrored to Verbose and handed to the runspace's subscribers (the active
    /// incident's timeline). Call it only after the change landed (or definitively failed), never under -WhatIf.
    /// </summary>
    protected void RecordChange(string target, string action, string outcome, string? before = null, string? after = null)
    {
        var change = new ChangeRecord(DateTimeOffset.UtcNow, MyInvocation.MyCommand.Name, target, action, outcome, before, after);
        WriteVerbose($"{change.Action} {change.Target}: {change.Outcome}" +
                     (before is null && after is null ? string.Empty : $" ({before ?? "-"} -> {after ?? "-"})"));
        foreach (var failure in RunspaceState.Current.Record(change))
        {
            WriteWarning($"{change.Action} {change.Target} was done, but it could not be added to the incident timeline: " +
                         Redactor.Redact(failure.Message));
        }
    }

    /// <summary>
    /// The module's one rule for the extra confirmation of a dangerous step inside a change ShouldProcess already allowed
    /// (scale to 0, a database restart, deletion without a grace period). The step counts as ConfirmImpact High, so it
    /// is asked once, and only when nothing else asked or waived it: -Force skips it (PowerShell's meaning of -Force:
    /// skip ShouldContinue); -Confirm (ShouldProcess already asked) or -Confirm:$false skip it; so does a
    /// $ConfirmPreference below High (ShouldProcess already asked) or 'None' (unattended: nothing may prompt).
    /// Only with the default preference High is it a ShouldContinue; "Yes to All" covers the rest of the command.
    /// </summary>
    protected bool ConfirmDangerous(bool force, string query, string caption, ref bool yesToAll, ref bool noToAll)
    {
        if (force || MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            return true;
        }

        var preference = SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact p ? p : ConfirmImpact.High;
        return preference != ConfirmImpact.High || ShouldContinue(query, caption, ref yesToAll, ref noToAll);
    }

    private void Guard(Action body)
    {
        try
        {
            body();
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (SeekapaException ex) when (IsSetupError(ex))
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
        catch (SeekapaException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
    }

    /// <summary>Errors that make every further item fail the same way stop the cmdlet; the rest are per item.</summary>
    protected virtual bool IsSetupError(SeekapaException ex) => ex.ErrorId is
        "KubeconfigNotFound" or "KubeconfigInvalid" or "ContextNotFound" or "ClusterUnreachable" or "ClusterAuthenticationFailed"
        or "ConnectionInvalid";

    public void Dispose()
    {
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
