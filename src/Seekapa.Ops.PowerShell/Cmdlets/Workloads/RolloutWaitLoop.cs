using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>
/// Runs a <see cref="RolloutWaiter"/> while the pipeline thread shows its progress: kubectl's waiting messages as
/// Write-Progress (fixed activity id, refreshed at least every second, Completed in finally) mirrored to Verbose for
/// runbooks. Shared by Wait-SeekapaRollout and every cmdlet with -Wait.
/// </summary>
internal static class RolloutWaitLoop
{
    /// <summary>The progress activity id of every rollout wait.</summary>
    public const int ActivityId = 0x5EEC;

    /// <summary>-Timeout's one rule (InvalidTimeout): not negative; 0 waits without a limit.</summary>
    public static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument,
                $"-Timeout must not be negative (got {timeout}); use 0 to wait without a limit.", timeout);
        }
    }

    public static RolloutStatus Run(Cmdlet cmdlet, RolloutWaiter waiter, WorkloadRef target, int? revision, TimeSpan timeout, CancellationToken ct)
    {
        var messages = new ConcurrentQueue<string>();
        using var arrived = new AutoResetEvent(false);
        var task = waiter.WaitAsync(target, revision, timeout, new QueueProgress(messages, arrived), ct);
        var record = new ProgressRecord(ActivityId, $"Waiting for the rollout of {target} in namespace '{target.Namespace}'", "Waiting for the first status...");
        var clock = Stopwatch.StartNew();
        var bounded = timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan;
        try
        {
            while (true)
            {
                var finished = task.IsCompleted;
                while (messages.TryDequeue(out var message))
                {
                    record.StatusDescription = message;
                    cmdlet.WriteVerbose(message);
                }

                record.SecondsRemaining = bounded ? (int)Math.Max(0, (timeout - clock.Elapsed).TotalSeconds) : -1;
                cmdlet.WriteProgress(record);
                if (finished)
                {
                    break;
                }

                // Wakes for a new message, for the end of the wait (incl. Ctrl+C cancelling it), or after a second.
                WaitHandle.WaitAny(new[] { ((IAsyncResult)task).AsyncWaitHandle, arrived }, TimeSpan.FromSeconds(1));
            }

            return task.GetAwaiter().GetResult();
        }
        finally
        {
            record.RecordType = ProgressRecordType.Completed;
            try
            {
                cmdlet.WriteProgress(record);
            }
            catch (PipelineStoppedException)
            {
                // Stopping (Ctrl+C): the host clears progress itself.
            }
        }
    }

    private sealed class QueueProgress(ConcurrentQueue<string> queue, AutoResetEvent arrived) : IProgress<string>
    {
        public void Report(string value)
        {
            queue.Enqueue(value);
            arrived.Set();
        }
    }
}
