using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Security;
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
        // WriteVerbose redacts (see below): callers pass raw before/after values and rely on that.
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

    /// <summary>Verbose text is redacted here, once for every cmdlet: a message built from server text or parameters may hold a secret.</summary>
    public new void WriteVerbose(string text) => base.WriteVerbose(Redactor.Redact(text));

    /// <summary>Debug text is redacted like Verbose.</summary>
    public new void WriteDebug(string text) => base.WriteDebug(Redactor.Redact(text));

    /// <summary>Warnings are redacted like Verbose.</summary>
    public new void WriteWarning(string text) => base.WriteWarning(Redactor.Redact(text));

    private void Guard(Action body)
    {
        var secrets = RunspaceState.Current.Secrets;
        // Every redaction during this step (Core included, async continuations too) consults the runspace's secrets.
        using var scope = SecretRegistry.Use(secrets);
        try
        {
            RegisterSecrets(secrets);
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

    /// <summary>
    /// Registers the secrets this invocation was given: every SecureString and credential password, header values that
    /// carry credentials, and whatever the patterns recognise in text parameters (a URL with ?api_key=, a note with
    /// password=). From then on the runspace masks them wherever they appear, in any later cmdlet too.
    /// </summary>
    private void RegisterSecrets(SecretRegistry secrets)
    {
        foreach (var value in MyInvocation.BoundParameters.Values)
        {
            Register(secrets, value, sensitive: false);
        }
    }

    private static void Register(SecretRegistry secrets, object? value, bool sensitive)
    {
        switch (value is PSObject wrapped ? wrapped.BaseObject : value)
        {
            case SecureString secure:
                secrets.Add(new NetworkCredential(string.Empty, secure).Password);
                break;
            case PSCredential credential:
                secrets.Add(credential.GetNetworkCredential().Password);
                break;
            case string text when sensitive:
                secrets.Add(text);
                break;
            case string text:
                secrets.AddFoundIn(text);
                break;
            case Uri uri:
                secrets.AddFoundIn(uri.OriginalString);
                break;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    Register(secrets, entry.Value, sensitive || IsSensitiveKey(entry.Key?.ToString()));
                }

                break;
            case IEnumerable items and not string:
                foreach (var item in items)
                {
                    Register(secrets, item, sensitive);
                }

                break;
        }
    }

    /// <summary>A header or variable name that says its value is a credential (Authorization, X-Api-Key, DB_PASSWORD, ...).</summary>
    private static bool IsSensitiveKey(string? key) => key is not null && System.Text.RegularExpressions.Regex.IsMatch(key,
        @"(?i)authorization|token|passw|pwd|secret|cookie|credential|api[_-]?key|(^|[_-])key$", System.Text.RegularExpressions.RegexOptions.None,
        TimeSpan.FromSeconds(1));

    /// <summary>Errors that make every further item fail the same way stop the cmdlet; the rest are per item.</summary>
    protected virtual bool IsSetupError(SeekapaException ex) => ex.ErrorId is
        "KubeconfigNotFound" or "KubeconfigInvalid" or "ContextNotFound" or "ClusterUnreachable" or "ClusterAuthenticationFailed"
        or "ConnectionInvalid" or "InsecureTransport";

    public void Dispose()
    {
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
