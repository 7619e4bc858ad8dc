using System.Diagnostics;
using System.Management.Automation;
using Seekapa.Ops.Core.Azure.FlexibleServers;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>
/// Shows an Azure long-running operation's progress while it runs: Write-Progress (fixed activity id, refreshed at least every
/// second, time remaining until -Timeout, Completed in finally) mirrored to Verbose for runbooks. Used by the flexible server
/// cmdlets that wait (restore, parameter update and restart).
/// </summary>
internal static class OperationProgress
{
    public const int RestoreActivityId = 0x5EED;
    public const int ParameterActivityId = 0x5EEE;

    public static T Run<T>(Cmdlet cmdlet, int activityId, string activity, TimeSpan timeout, Func<IProgress<string>, Task<T>> start)
    {
        using var pump = new ProgressPump();
        var status = "Waiting for Azure...";
        var clock = Stopwatch.StartNew();
        var task = start(pump);
        // A new record per write: hosts and tests may keep the ones already written.
        ProgressRecord Record(ProgressRecordType type) => new(activityId, activity, status)
        {
            RecordType = type,
            SecondsRemaining = (int)Math.Max(0, (timeout - clock.Elapsed).TotalSeconds),
        };

        try
        {
            return pump.Run(task, message =>
            {
                if (message is not null)
                {
                    status = message;
                    cmdlet.WriteVerbose(message);
                }

                cmdlet.WriteProgress(Record(ProgressRecordType.Processing));
            });
        }
        finally
        {
            try
            {
                cmdlet.WriteProgress(Record(ProgressRecordType.Completed));
            }
            catch (PipelineStoppedException)
            {
                // Stopping (Ctrl+C): the host clears progress itself.
            }
        }
    }
}
