namespace Seekapa.Ops.Sandbox.Hosting;

/// <summary>
/// The in-process server must not hook Ctrl+C/SIGTERM or print to the console (several may run inside one test
/// process); the executable handles signals itself.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
