using System.Text.Json.Nodes;
using Azure.Core;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>The outcome of a parameter update: the parameter as it stands after it, and the operation's status.</summary>
public sealed record ParameterUpdate(ServerParameter After, string OperationStatus);

/// <summary>
/// Server parameters of a flexible server through ARM (flexibleServers/configurations): read, check the value against the
/// parameter's allowedValues before any write, PUT {"properties":{"value":...,"source":"user-override"}} (200/201, or 202
/// and a long-running operation), and restart the server (POST .../restart) for a parameter that waits for one.
/// </summary>
public sealed class ServerParameterEditor
{
    private readonly AzureSession _session;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task>? _delay;

    public ServerParameterEditor(AzureSession session, TimeProvider? time = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _session = session;
        _time = time ?? TimeProvider.System;
        _delay = delay;
    }

    public async Task<ServerParameter> GetAsync(string resourceGroup, string server, string name, CancellationToken cancellationToken)
    {
        FlexibleServerPaths.ValidateResourceGroup(resourceGroup, "-ResourceGroupName");
        FlexibleServerPaths.ValidateServerName(server, "-ServerName");
        FlexibleServerPaths.ValidateParameterName(name);
        var url = _session.Url(FlexibleServerPaths.Configuration(_session, resourceGroup, server, name));
        var response = await _session.SendRawAsync(RequestMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            throw await NotFoundAsync(resourceGroup, server, name, cancellationToken).ConfigureAwait(false);
        }

        return response.IsSuccess
            ? ServerParameter.From(resourceGroup, server, name, response.Body)
            : throw AzureSession.ToException(response, RequestMethod.Get, url);
    }

    /// <summary>Refuses a read-only parameter, or a value outside the allowed values, before anything is sent.</summary>
    public static void Validate(ServerParameter parameter, string value)
    {
        var target = $"{parameter.Server}/{parameter.Name}";
        if (parameter.IsReadOnly)
        {
            throw new SeekapaException("ParameterReadOnly", FailureCategory.InvalidOperation,
                $"The parameter {parameter.Name} of '{parameter.Server}' is read-only on Azure Database for PostgreSQL flexible server.", target);
        }

        if (ParameterValueRule.Violation(parameter, value) is { } violation)
        {
            throw InvalidValue(parameter, $"{violation} (dataType {parameter.DataType}, allowed values {parameter.AllowedValues}" +
                (parameter.Unit is { Length: > 0 } unit ? $", unit {unit}" : string.Empty) + ").");
        }
    }

    /// <summary>Sends the update; with <paramref name="wait"/> a 202 is polled to its end and the parameter read back.</summary>
    public async Task<ParameterUpdate> SetAsync(ServerParameter before, string value, bool wait, TimeSpan timeout, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var url = _session.Url(FlexibleServerPaths.Configuration(_session, before.ResourceGroup, before.Server, before.Name));
        var body = new JsonObject { ["properties"] = new JsonObject { ["value"] = value, ["source"] = "user-override" } };
        var response = await _session.SendRawAsync(RequestMethod.Put, url, body, cancellationToken).ConfigureAwait(false);
        if (response.Status == 400)
        {
            throw InvalidValue(before, $"Azure refused '{value}': {response.Error().Code}: {response.Error().Message}");
        }

        if (!response.IsSuccess)
        {
            throw AzureSession.ToException(response, RequestMethod.Put, url);
        }

        var initial = ArmOperation.Initial(response);
        if (initial.Succeeded)
        {
            var after = response.Body?["properties"]?["value"] is not null
                ? ServerParameter.From(before.ResourceGroup, before.Server, before.Name, response.Body)
                : await GetAsync(before.ResourceGroup, before.Server, before.Name, cancellationToken).ConfigureAwait(false);
            return new ParameterUpdate(after, initial.Status);
        }

        if (!wait)
        {
            // Accepted, not waited for: what Azure will report once it is applied.
            return new ParameterUpdate(before with { Value = value, Source = "user-override", IsConfigPendingRestart = !before.IsDynamicConfig },
                initial.Status);
        }

        var state = await Operation().WaitAsync(response, timeout, Relay(progress, $"Setting {before.Name} on {before.Server}"), cancellationToken)
            .ConfigureAwait(false);
        Check(state, "ParameterUpdate", $"The update of {before.Name} on '{before.Server}' to '{value}'", before.Server, timeout);
        return new ParameterUpdate(await GetAsync(before.ResourceGroup, before.Server, before.Name, cancellationToken).ConfigureAwait(false),
            state.Status);
    }

    /// <summary>POST .../restart and wait for it (200 is done at once; 202 is polled).</summary>
    public async Task RestartAsync(string resourceGroup, string server, TimeSpan timeout, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var url = _session.Url(FlexibleServerPaths.Restart(_session, resourceGroup, server));
        var response = await _session.SendRawAsync(RequestMethod.Post, url, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            if (response.Status is 400 or 409)
            {
                var (code, message) = response.Error();
                throw new SeekapaException("RestartFailed", FailureCategory.InvalidOperation,
                    $"Azure refused to restart '{server}': {code}: {message}", server,
                    $"Check the server's State with Get-SeekapaAzureDatabaseServer -ResourceGroupName {resourceGroup} -Name {server}.");
            }

            throw AzureSession.ToException(response, RequestMethod.Post, url);
        }

        var state = await Operation().WaitAsync(response, timeout, Relay(progress, $"Restarting {server}"), cancellationToken).ConfigureAwait(false);
        Check(state, "Restart", $"The restart of '{server}'", server, timeout,
            $"Check it with: Get-SeekapaAzureDatabaseServer -ResourceGroupName {resourceGroup} -Name {server} (State is Ready when it is done).");
    }

    private ArmOperation Operation() => new(_session, _delay, _time);

    private static Relay? Relay(IProgress<string>? progress, string what) => progress is null
        ? null
        : new Relay(s => progress.Report($"{what}: {s.Status}, {s.Elapsed:hh\\:mm\\:ss} elapsed (check {s.Polls})"));

    private static void Check(ArmOperationState state, string prefix, string what, string target, TimeSpan timeout, string? howToCheck = null)
    {
        if (!state.IsTerminal)
        {
            throw new SeekapaException(prefix + "TimedOut", FailureCategory.OperationTimeout,
                $"{what} is still running after {state.Elapsed:hh\\:mm\\:ss} (-Timeout {timeout}); Azure carries on with it. {howToCheck}".TrimEnd(),
                target);
        }

        if (!state.Succeeded)
        {
            throw new SeekapaException(prefix + "Failed", FailureCategory.InvalidOperation,
                $"{what} failed: {state.ErrorCode ?? state.Status}: {state.ErrorMessage ?? "no message"}", target);
        }
    }

    private async Task<SeekapaException> NotFoundAsync(string resourceGroup, string server, string name, CancellationToken cancellationToken)
    {
        var lookup = await new FlexibleServerReader(_session).LookupAsync(resourceGroup, server, cancellationToken).ConfigureAwait(false);
        return lookup.Server is null
            ? FlexibleServerErrors.ServerNotFound(_session, resourceGroup, server, lookup.NotFound)
            : new SeekapaException("ParameterNotFound", FailureCategory.ObjectNotFound,
                $"The flexible server '{server}' has no server parameter '{name}'.", $"{server}/{name}",
                "Parameter names are PostgreSQL's (max_connections, work_mem, ...) or Azure's (azure.extensions, pgbouncer.enabled).");
    }

    private static SeekapaException InvalidValue(ServerParameter parameter, string detail) =>
        new("InvalidParameterValue", FailureCategory.InvalidArgument,
            $"Cannot set {parameter.Name} on '{parameter.Server}': {detail}", $"{parameter.Server}/{parameter.Name}");
}

/// <summary>Forwards an operation's progress synchronously (Progress&lt;T&gt; would post it to the thread pool, out of order).</summary>
internal sealed class Relay(Action<ArmOperationState> report) : IProgress<ArmOperationState>
{
    public void Report(ArmOperationState value) => report(value);
}
