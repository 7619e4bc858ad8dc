using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Console;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Sandbox.Hosting;

// The sandbox as an executable: start, announce readiness on stdout (one line, for scripts to wait on), serve
// until SIGINT/SIGTERM, stop cleanly, exit 0.
var options = CommandLine.Parse(args, out var error);
if (options is null)
{
    if (!string.IsNullOrEmpty(error))
    {
        Console.Error.WriteLine($"error: {error}");
    }
    Console.Error.WriteLine(CommandLine.Usage);
    return string.IsNullOrEmpty(error) ? 0 : 2;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

// stdout carries only the ready line; unexpected server errors go to stderr.
using var loggerFactory = LoggerFactory.Create(logging =>
{
    logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(console => console.SingleLine = true);
    logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
});
options.LoggerFactory = loggerFactory;
SandboxServer server;
try
{
    server = await SandboxServer.StartAsync(options);
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

await using (server)
{
    Console.Out.WriteLine($"sandbox ready {server.BaseAddress.GetLeftPart(UriPartial.Authority)} kubeconfig {server.KubeconfigPath}");
    Console.Out.Flush();
    await stop.Task;
}
return 0;
