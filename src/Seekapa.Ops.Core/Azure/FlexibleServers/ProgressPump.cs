using System.Collections.Concurrent;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>
/// Lets the calling (pipeline) thread show the progress of an asynchronous wait: the wait reports messages from any thread,
/// and <see cref="Run{T}"/> hands each one to the caller on its own thread, waking at least once a second (so a progress
/// bar's time remaining moves, and Ctrl+C, which cancels the wait, is seen at once). Write-Progress and Write-Verbose may only
/// be called on the pipeline thread.
/// </summary>
public sealed class ProgressPump : IProgress<string>, IDisposable
{
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly AutoResetEvent _arrived = new(false);

    public void Report(string value)
    {
        _messages.Enqueue(value);
        _arrived.Set();
    }

    /// <summary>Calls <paramref name="show"/> with each message (or null on a quiet second) until the task ends, then returns its result.</summary>
    public T Run<T>(Task<T> task, Action<string?> show)
    {
        while (true)
        {
            var finished = task.IsCompleted;
            var shown = false;
            while (_messages.TryDequeue(out var message))
            {
                show(message);
                shown = true;
            }

            if (!shown)
            {
                show(null);
            }

            if (finished)
            {
                return task.GetAwaiter().GetResult();
            }

            WaitHandle.WaitAny(new[] { ((IAsyncResult)task).AsyncWaitHandle, _arrived }, TimeSpan.FromSeconds(1));
        }
    }

    public void Dispose() => _arrived.Dispose();
}
