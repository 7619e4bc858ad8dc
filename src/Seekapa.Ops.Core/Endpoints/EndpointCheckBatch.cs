using System.Threading.Channels;

namespace Seekapa.Ops.Core.Endpoints;

/// <summary>
/// Checks started one by one (as pipeline input arrives) and run in parallel; the caller drains finished results on
/// its own thread, with <see cref="TryRead"/> between inputs and <see cref="ReadRemainingAsync"/> at the end. Results
/// come out in completion order.
/// </summary>
public sealed class EndpointCheckBatch
{
    private readonly EndpointChecker _checker;
    private readonly CancellationToken _cancellationToken;
    private readonly Channel<EndpointCheck> _results = Channel.CreateUnbounded<EndpointCheck>();
    private readonly object _gate = new();
    private int _pending;
    private bool _closed;

    internal EndpointCheckBatch(EndpointChecker checker, CancellationToken cancellationToken)
    {
        _checker = checker;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Validates the URI (InvalidUri, thrown here) and starts its check.</summary>
    public void Add(Uri uri)
    {
        EndpointCheckOptions.ValidateUri(uri);
        lock (_gate)
        {
            if (_closed)
            {
                throw new InvalidOperationException("The batch is already being drained.");
            }

            _pending++;
        }

        _ = RunAsync(uri);
    }

    public bool TryRead(out EndpointCheck result) => _results.Reader.TryRead(out result!);

    /// <summary>Closes the batch and yields the remaining results as they complete.</summary>
    public IAsyncEnumerable<EndpointCheck> ReadRemainingAsync()
    {
        lock (_gate)
        {
            _closed = true;
            if (_pending == 0)
            {
                _results.Writer.TryComplete();
            }
        }

        return _results.Reader.ReadAllAsync(_cancellationToken);
    }

    private async Task RunAsync(Uri uri)
    {
        try
        {
            var result = await _checker.CheckAsync(uri, _cancellationToken).ConfigureAwait(false);
            _results.Writer.TryWrite(result);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the caller: the reader is cancelled by the same token.
        }
        finally
        {
            lock (_gate)
            {
                if (--_pending == 0 && _closed)
                {
                    _results.Writer.TryComplete();
                }
            }
        }
    }
}
